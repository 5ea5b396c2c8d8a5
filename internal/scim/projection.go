package scim

import (
	"errors"
	"fmt"
	"strings"
)

// Projection applies the attributes and excludedAttributes query parameters
// (RFC 7644 §3.4.2.5) together with each attribute's returned rule.
type Projection struct {
	rt       *ResourceType
	attrs    []selection
	excluded []selection
}

// selection is one entry of attributes or excludedAttributes: an attribute,
// a sub-attribute (ref.SubName) or a whole extension (ref.Name ""), and
// which elements of the attribute, when the entry has a value filter.
type selection struct {
	ref Ref
	// elems selects the elements the entry's value filter matches; nil
	// selects every element.
	elems func(elem any) bool
}

// whole reports whether s names its attribute entirely.
func (s selection) whole() bool {
	return s.ref.Name == "" || s.ref.SubName == "" && s.elems == nil
}

// ElementFilter compiles an entry of attributes or excludedAttributes that
// carries a value filter, such as emails[type eq "work"] or
// emails[type eq "work"].value, into the attribute path it names (the
// sub-attribute after the filter as its Sub) and a test of the attribute's
// elements, or returns a 400 *Error. Package scim parses no filters:
// package filter's Projection supplies one.
type ElementFilter func(rt *ResourceType, entry string) (AttrPath, func(elem any) bool, error)

// NewProjection parses the comma-separated attributes and excludedAttributes
// parameters. An entry with a value filter (one holding '[') is compiled by
// elements; nil refuses such entries. Names the schemas do not know are
// ignored, as a client asking for an attribute the bridge never stores
// simply gets none. Returns a 400 *Error (invalidValue) for a name that is
// not an attribute path at all, and elements' error, naming the parameter,
// for a value filter it cannot compile.
func (rt *ResourceType) NewProjection(attributes, excludedAttributes string, elements ElementFilter) (*Projection, error) {
	p := &Projection{rt: rt}
	var err error
	if p.attrs, err = rt.selections(attributes, "attributes", elements); err != nil {
		return nil, err
	}
	if p.excluded, err = rt.selections(excludedAttributes, "excludedAttributes", elements); err != nil {
		return nil, err
	}
	return p, nil
}

func (rt *ResourceType) selections(list, param string, elements ElementFilter) ([]selection, error) {
	var out []selection
	for _, s := range splitList(list) {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		var sel selection
		ap, ok := ParseAttrPath(s)
		if strings.Contains(s, "[") {
			if elements == nil {
				return nil, BadRequest(InvalidValue, "%s: %q: value filters are not supported here", param, s)
			}
			var err error
			if ap, sel.elems, err = elements(rt, s); err != nil {
				if e, isSCIM := errors.AsType[*Error](err); isSCIM {
					return nil, BadRequest(e.ScimType, "%s: %s", param, e.Detail)
				}
				return nil, fmt.Errorf("scim: %s: %w", param, err)
			}
			ok = true
		}
		if !ok {
			return nil, BadRequest(InvalidValue, "%s: %q is not an attribute path", param, s)
		}
		if sel.ref, ok = rt.Resolve(ap); ok {
			out = append(out, sel)
		}
	}
	return out, nil
}

// splitList splits a comma-separated list of attribute paths, leaving the
// commas inside a value filter's brackets and quoted strings alone
// (emails[value eq "a,b"]).
func splitList(list string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(list); i++ {
		switch c := list[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case c == ',' && depth == 0:
			out = append(out, list[start:i])
			start = i + 1
		}
	}
	return append(out, list[start:])
}

// Includes reports whether the core or common attribute name appears in
// projected output, so that callers can skip loading what nobody will see
// (a group's members under excludedAttributes=members).
func (p *Projection) Includes(name string) bool {
	ref, ok := p.rt.Resolve(AttrPath{Name: name})
	if !ok {
		return false
	}
	keep, _ := p.decide(ref)
	return keep
}

// Apply returns the projected copy of res. id and schemas are always
// returned, write-only attributes never.
func (p *Projection) Apply(res map[string]any) map[string]any {
	if p.Identity() {
		return res
	}
	out := make(map[string]any, len(res))
	for k, v := range res {
		if k == "schemas" {
			out[k] = v
			continue
		}
		if IsURN(k) {
			ext, _ := v.(map[string]any)
			sub := map[string]any{}
			for k2, v2 := range ext {
				ref, ok := p.rt.Resolve(AttrPath{URN: k, Name: k2})
				if !ok {
					continue
				}
				if pv, keep := p.project(ref, v2); keep {
					sub[k2] = pv
				}
			}
			if len(sub) > 0 {
				out[k] = sub
			}
			continue
		}
		ref, ok := p.rt.Resolve(AttrPath{Name: k})
		if !ok {
			continue
		}
		if pv, keep := p.project(ref, v); keep {
			out[k] = pv
		}
	}
	return out
}

// decide reports whether ref's attribute is returned and, when the
// attributes parameter asks for only part of it (some sub-attributes, or
// the elements a value filter matches), the entries that say which.
func (p *Projection) decide(ref Ref) (keep bool, parts []selection) {
	returned := Default
	if ref.Attr != nil {
		returned = ref.Attr.Returned
	}
	switch returned {
	case Always:
		return true, nil
	case Never:
		return false, nil
	}
	if len(p.attrs) > 0 {
		for _, a := range p.attrs {
			if !sameAttr(a.ref, ref) {
				continue
			}
			if a.whole() {
				return true, nil
			}
			keep = true
			parts = append(parts, a)
		}
		if !keep {
			return false, nil
		}
	} else if returned == Request {
		return false, nil
	}
	for _, e := range p.excluded {
		if sameAttr(e.ref, ref) && e.whole() {
			return false, nil
		}
	}
	return true, parts
}

// Identity reports whether Apply returns every resource unchanged: neither
// parameter names an attribute the schemas know.
func (p *Projection) Identity() bool { return len(p.attrs) == 0 && len(p.excluded) == 0 }

// Keeps reports what Apply does with one attribute of a resource, named by
// its top-level key, or for an extension attribute by the extension's URN
// and its key inside the extension's object (urn "" for core and common
// attributes): keep its value as it is (keep and whole), drop it (not
// keep), or keep only part of it (keep but not whole), which only Apply
// computes. It lets a caller project a resource it has not decoded. With
// parameters, Apply drops an extension's object when it keeps none of its
// attributes; under Identity it keeps every key, known or not.
func (p *Projection) Keeps(urn, key string) (keep, whole bool) {
	if p.Identity() || urn == "" && key == "schemas" {
		return true, true
	}
	ref, ok := p.rt.Resolve(AttrPath{URN: urn, Name: key})
	if !ok {
		return false, false
	}
	keep, parts := p.decide(ref)
	return keep, keep && parts == nil && p.drops(ref) == nil
}

// drops returns the entries of excludedAttributes that leave out part of
// ref's attribute: a sub-attribute, or the elements a value filter
// matches.
func (p *Projection) drops(ref Ref) []selection {
	var out []selection
	for _, e := range p.excluded {
		if sameAttr(e.ref, ref) && !e.whole() {
			out = append(out, e)
		}
	}
	return out
}

// project returns the part of v, the value of ref's attribute, that the
// parameters keep, and false when they keep none of it. Of a multi-valued
// attribute only the elements some attributes entry selects are kept, and
// those an excludedAttributes entry selects whole are left out; of each
// kept element, the sub-attributes the selecting entries name (all, if one
// names none) but those an excluding entry names. An element or singular
// complex value left empty is left out.
func (p *Projection) project(ref Ref, v any) (any, bool) {
	keep, parts := p.decide(ref)
	if !keep {
		return nil, false
	}
	drops := p.drops(ref)
	if parts == nil && drops == nil {
		return v, true
	}
	switch x := v.(type) {
	case map[string]any:
		return element(x, parts, drops)
	case []any:
		o := make([]any, 0, len(x))
		for _, el := range x {
			if pe, ok := element(el, parts, drops); ok {
				o = append(o, pe)
			}
		}
		return o, len(o) > 0
	}
	return v, true
}

// element returns the part of one element (or singular complex value) el
// that the selecting entries parts (nil: all of it) keep and the excluding
// entries drops leave, and false when nothing of it is kept.
func element(el any, parts, drops []selection) (any, bool) {
	whole := parts == nil
	var subs []string
	if parts != nil {
		selected := false
		for _, s := range parts {
			if s.elems != nil && !s.elems(el) {
				continue
			}
			selected = true
			if s.ref.SubName == "" {
				whole = true
			} else {
				subs = append(subs, s.ref.SubName)
			}
		}
		if !selected {
			return nil, false
		}
	}
	var dropped []string
	for _, d := range drops {
		if d.elems != nil && !d.elems(el) {
			continue
		}
		if d.ref.SubName == "" {
			return nil, false
		}
		dropped = append(dropped, d.ref.SubName)
	}
	m, ok := el.(map[string]any)
	if !ok || whole && dropped == nil {
		return el, true
	}
	o := make(map[string]any, len(m))
	for k, sv := range m {
		if (whole || containsFold(subs, k)) && !containsFold(dropped, k) {
			o[k] = sv
		}
	}
	return o, len(o) > 0
}

// sameAttr reports whether the parameter entry a addresses ref's attribute
// (an entry naming a whole extension addresses all of its attributes).
func sameAttr(a, ref Ref) bool {
	if !strings.EqualFold(a.Schema, ref.Schema) {
		return false
	}
	return a.Name == "" || strings.EqualFold(a.Name, ref.Name)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
