package patch

import (
	"encoding/json"
	"reflect"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// multi applies an operation to a whole multi-valued attribute
// (RFC 7644 §3.5.2): add appends the new elements, replace replaces the
// list, remove without a value removes the attribute and remove with a value
// removes the elements that value describes (Entra's shape for roles).
func (a *applier) multi(kind string, ref scim.Ref, v any) error {
	nv, err := ref.Coerce(v)
	if err != nil {
		return err
	}
	elems, _ := nv.([]any)
	list := a.list(ref)
	switch kind {
	case opRemove:
		if v == nil {
			list = nil
		}
		byValue := indexValues(list)
		drop := make([]bool, len(list))
		for _, g := range elems {
			candidates, err := a.candidates(list, byValue, g)
			if err != nil {
				return err
			}
			for _, c := range candidates {
				drop[c] = drop[c] || sameElement(ref.Attr, g, list[c])
			}
		}
		kept := list[:0:0]
		for i, e := range list {
			if !drop[i] {
				kept = append(kept, e)
			}
		}
		a.put(ref, kept)
		return nil
	case opReplace:
		list = nil
	}
	var touched []int
	byValue := indexValues(list)
	if err := a.spend(len(list)); err != nil {
		return err
	}
	for _, n := range elems {
		i, err := a.find(ref.Attr, list, byValue, n)
		if err != nil {
			return err
		}
		if i < 0 {
			list = append(list, n)
			touched = append(touched, len(list)-1)
			if v, ok := elementValue(n); ok {
				byValue[scim.Fold(v)] = append(byValue[scim.Fold(v)], len(list)-1)
			}
			continue
		}
		// An element already present is not added twice, nor respelt;
		// what the new one says about it (primary, display) is kept.
		old, ok := list[i].(map[string]any)
		if nm, ok2 := n.(map[string]any); ok && ok2 {
			for k, v := range nm {
				if isFlag(k) {
					key, _ := scim.LookupKey(old, k)
					old[key] = v
				}
			}
		}
		touched = append(touched, i)
	}
	onePrimary(list, touched)
	a.put(ref, list)
	return nil
}

// find returns the position in list of the element that the given element
// n describes, or -1.
func (a *applier) find(attr *scim.Attribute, list []any, byValue map[string][]int, n any) (int, error) {
	candidates, err := a.candidates(list, byValue, n)
	if err != nil {
		return 0, err
	}
	for _, c := range candidates {
		if sameElement(attr, n, list[c]) {
			return c, nil
		}
	}
	return -1, nil
}

// candidates returns the positions in list of the elements that the given
// element n may describe, counting their comparisons: an n with a value
// can only describe an element with that value, which byValue (see
// indexValues) finds without comparing the others; any other n may
// describe any element.
func (a *applier) candidates(list []any, byValue map[string][]int, n any) ([]int, error) {
	if v, ok := elementValue(n); ok {
		c := byValue[scim.Fold(v)]
		return c, a.spend(len(c))
	}
	if err := a.spend(len(list)); err != nil {
		return nil, err
	}
	all := make([]int, len(list))
	for i := range all {
		all[i] = i
	}
	return all, nil
}

// indexValues maps the folded value of each element of list that has a
// string value to the element's positions. Folding makes it find the
// elements equal to a value whether or not the value is case-exact.
func indexValues(list []any) map[string][]int {
	idx := make(map[string][]int, len(list))
	for i, e := range list {
		if v, ok := elementValue(e); ok {
			idx[scim.Fold(v)] = append(idx[scim.Fold(v)], i)
		}
	}
	return idx
}

// elementValue returns the string value of an element that is an object
// with one.
func elementValue(e any) (string, bool) {
	m, ok := e.(map[string]any)
	if !ok {
		return "", false
	}
	k, ok := scim.LookupKey(m, "value")
	if !ok {
		return "", false
	}
	v, ok := m[k].(string)
	return v, ok
}

// list returns the current elements of the multi-valued attribute at ref.
func (a *applier) list(ref scim.Ref) []any {
	c := scim.Container(a.res, ref.Schema, false)
	if c == nil {
		return nil
	}
	key, _ := scim.LookupKey(c, ref.Name)
	l, _ := c[key].([]any)
	return l
}

// put stores the elements of the multi-valued attribute at ref, removing the
// attribute when there are none.
func (a *applier) put(ref scim.Ref, list []any) {
	if len(list) == 0 {
		// Set cannot fail when clearing.
		_ = scim.Set(a.res, ref, nil)
		return
	}
	c := scim.Container(a.res, ref.Schema, true)
	key, _ := scim.LookupKey(c, ref.Name)
	c[key] = list
}

// sameElement reports whether the element given in a request describes the
// existing element e: every sub-attribute given, other than primary and
// display, is equal in e, compared as the schema says. An element that gives
// none describes nothing.
func sameElement(attr *scim.Attribute, given, e any) bool {
	g, ok := given.(map[string]any)
	m, ok2 := e.(map[string]any)
	if !ok || !ok2 {
		return reflect.DeepEqual(given, e)
	}
	n := 0
	for k, gv := range g {
		if isFlag(k) {
			continue
		}
		n++
		ek, _ := scim.LookupKey(m, k)
		sub := attr.Sub(k)
		if !equalValue(gv, m[ek], sub == nil || sub.CaseExact) {
			return false
		}
	}
	return n > 0
}

// isFlag reports whether the sub-attribute k of a canonical element
// describes the element rather than identifying it.
func isFlag(k string) bool { return k == "primary" || k == "display" }

func equalValue(a, b any, caseExact bool) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		if caseExact {
			return x == y
		}
		return scim.Fold(x) == scim.Fold(y)
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	}
	return reflect.DeepEqual(a, b)
}

// merge sets the sub-attributes of src in dst, keeping dst's spelling of
// each name.
func merge(dst, src map[string]any) {
	for k, v := range src {
		dk, _ := scim.LookupKey(dst, k)
		dst[dk] = v
	}
}

// onePrimary keeps "primary": true on at most one element: when a touched
// element is primary, the last such one stays primary and every other
// element becomes non-primary (RFC 7644 §3.5.2).
func onePrimary(list []any, touched []int) {
	keep := -1
	for _, i := range touched {
		if isPrimary(list[i]) {
			keep = i
		}
	}
	if keep < 0 {
		return
	}
	for i, e := range list {
		if i != keep && isPrimary(e) {
			m := e.(map[string]any)
			k, _ := scim.LookupKey(m, "primary")
			m[k] = false
		}
	}
}

func isPrimary(e any) bool {
	m, ok := e.(map[string]any)
	if !ok {
		return false
	}
	k, _ := scim.LookupKey(m, "primary")
	b, _ := m[k].(bool)
	return b
}
