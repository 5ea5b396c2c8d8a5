package patch

import (
	"reflect"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// filtered applies an operation whose path selects elements of a
// multi-valued attribute with a filter, as in emails[type eq "work"].value
// (RFC 7644 §3.5.2). add and replace set the sub-attribute on every matching
// element, or merge an object into them; when none matches they create the
// element the filter describes, because Entra sends add or replace for an
// element that does not exist yet. remove removes the matching elements, or
// only their sub-attribute; a null or "" value clears the same way.
func (a *applier) filtered(kind string, p *filter.Path, ref scim.Ref, v any, explicit bool) error {
	if ref.Attr != nil && !ref.Attr.MultiValued && ref.Attr.Type == scim.Complex && ref.SubName == "" && kind == opRemove {
		return a.removeIfMatches(p, ref)
	}
	if ref.Attr == nil || !ref.Attr.MultiValued || ref.SubName != "" {
		return scim.BadRequest(scim.InvalidPath, "%q is not multi-valued: a filter selects elements of multi-valued attributes", p.Attr.String())
	}
	target := ref
	if p.Sub != "" {
		if target.Sub = ref.Attr.Sub(p.Sub); target.Sub == nil {
			return scim.BadRequest(scim.InvalidPath, "unknown sub-attribute %q of %q", p.Sub, ref.Name)
		}
		target.SubName = target.Sub.Name
	}
	if skip, err := skipped(target, explicit); skip || err != nil {
		return err
	}
	if err := filter.Check(a.rt, &filter.ValuePath{Attr: p.Attr, Filter: p.Filter}); err != nil {
		return err
	}
	var nv any
	if kind != opRemove {
		var err error
		if p.Sub != "" {
			nv, err = target.Coerce(v)
		} else {
			nv, err = ref.CoerceElement(v)
		}
		if err != nil {
			return err
		}
	}
	list := a.list(ref)
	if err := a.spend(len(list)); err != nil {
		return err
	}
	matched := make([]bool, len(list), len(list)+1)
	found := false
	for i, e := range list {
		matched[i] = filter.MatchElement(a.rt, ref, p.Filter, e)
		found = found || matched[i]
	}
	if nv == nil {
		a.put(ref, clearMatched(list, matched, target.SubName))
		return nil
	}
	if !found {
		el, err := newElement(ref, p.Filter)
		if err != nil {
			return err
		}
		list, matched = append(list, el), append(matched, true)
	}
	var touched []int
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !matched[i] || !ok {
			continue
		}
		if target.SubName != "" {
			k, _ := scim.LookupKey(m, target.SubName)
			m[k] = nv
		} else if obj, ok := nv.(map[string]any); ok {
			merge(m, obj)
		}
		touched = append(touched, i)
	}
	onePrimary(list, touched)
	a.put(ref, list)
	return nil
}

// clearMatched returns list without the matched elements or, when sub is
// set, with sub removed from them. An element left with nothing but its type
// and primary flag describes nothing and goes too.
func clearMatched(list []any, matched []bool, sub string) []any {
	out := make([]any, 0, len(list))
	for i, e := range list {
		if !matched[i] {
			out = append(out, e)
			continue
		}
		m, ok := e.(map[string]any)
		if sub == "" || !ok {
			continue
		}
		k, _ := scim.LookupKey(m, sub)
		delete(m, k)
		for k := range m {
			if !strings.EqualFold(k, "type") && !strings.EqualFold(k, "primary") {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// newElement returns the element that a filter of equalities joined by
// "and" describes, such as {"type": "work"} for type eq "work". Returns a
// 400 *scim.Error (noTarget) for any other filter, which describes no single
// element, or invalidValue when an equality's value has the wrong type.
func newElement(ref scim.Ref, f filter.Expr) (map[string]any, error) {
	eqs := map[string]any{}
	if !equalities(ref.Attr, f, eqs) {
		return nil, scim.BadRequest(scim.NoTarget, "no element of %q matches the path's filter; to create one, filter by equalities joined by \"and\", as in %s[type eq \"work\"]", ref.Name, ref.Name)
	}
	el, err := ref.CoerceElement(eqs)
	if err != nil {
		return nil, err
	}
	m, _ := el.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// equalities collects into out the sub-attribute values that f requires,
// reporting false unless f is "sub eq value" terms joined by "and" that
// an element can satisfy.
func equalities(attr *scim.Attribute, f filter.Expr, out map[string]any) bool {
	switch e := f.(type) {
	case *filter.Compare:
		name, ok := subName(attr, e.Attr)
		if !ok || e.Op != "eq" || e.Value == nil {
			return false
		}
		// Read as the filter compares it: primary eq "True" describes
		// an element whose primary is true.
		v := e.ValueFor(attr.Sub(name))
		if old, dup := out[name]; dup && !reflect.DeepEqual(old, v) {
			return false
		}
		out[name] = v
		return true
	case *filter.And:
		return equalities(attr, e.Left, out) && equalities(attr, e.Right, out)
	}
	return false
}

// subName returns the canonical name of the sub-attribute of attr that an
// attribute path inside a value filter names, as filter.Check resolves it.
func subName(attr *scim.Attribute, p scim.AttrPath) (string, bool) {
	if p.URN != "" || p.Sub != "" {
		return "", false
	}
	s := attr.Sub(p.Name)
	if s == nil {
		return "", false
	}
	return s.Name, true
}

// removeIfMatches removes a singular complex attribute (or its
// sub-attribute) when its value matches the path's filter, and does nothing
// otherwise: Entra has been seen removing a manager with
// manager[value eq "<id>"], which names the manager it believes is set.
func (a *applier) removeIfMatches(p *filter.Path, ref scim.Ref) error {
	if err := filter.Check(a.rt, &filter.ValuePath{Attr: p.Attr, Filter: p.Filter}); err != nil {
		return err
	}
	cur, _ := scim.Container(a.res, ref.Schema, false)[ref.Name].(map[string]any)
	if cur == nil || !filter.MatchElement(a.rt, ref, p.Filter, cur) {
		return nil
	}
	target := ref
	if p.Sub != "" {
		if target.Sub = ref.Attr.Sub(p.Sub); target.Sub == nil {
			return scim.BadRequest(scim.InvalidPath, "unknown sub-attribute %q of %q", p.Sub, ref.Name)
		}
		target.SubName = target.Sub.Name
	}
	return scim.Set(a.res, target, nil)
}
