package scim

import "strings"

// Projection applies the attributes and excludedAttributes query parameters
// (RFC 7644 §3.4.2.5) together with each attribute's returned rule.
type Projection struct {
	rt       *ResourceType
	attrs    []Ref
	excluded []Ref
}

// NewProjection parses the comma-separated attributes and excludedAttributes
// parameters. Names the schemas do not know are ignored, as a client asking
// for an attribute the bridge never stores simply gets none. Returns a 400
// *Error (invalidValue) for a name that is not an attribute path at all.
func (rt *ResourceType) NewProjection(attributes, excludedAttributes string) (*Projection, error) {
	p := &Projection{rt: rt}
	var err error
	if p.attrs, err = rt.refs(attributes, "attributes"); err != nil {
		return nil, err
	}
	if p.excluded, err = rt.refs(excludedAttributes, "excludedAttributes"); err != nil {
		return nil, err
	}
	return p, nil
}

func (rt *ResourceType) refs(list, param string) ([]Ref, error) {
	var out []Ref
	for s := range strings.SplitSeq(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		ap, ok := ParseAttrPath(s)
		if !ok {
			return nil, BadRequest(InvalidValue, "%s: %q is not an attribute path", param, s)
		}
		if ref, ok := rt.Resolve(ap); ok {
			out = append(out, ref)
		}
	}
	return out, nil
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

// decide reports whether ref's attribute is returned and, when only some of
// its sub-attributes are, which.
func (p *Projection) decide(ref Ref) (keep bool, onlySubs []string) {
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
			if !sameAttr(a, ref) {
				continue
			}
			if a.Name == "" || a.SubName == "" {
				return true, nil
			}
			keep = true
			onlySubs = append(onlySubs, a.SubName)
		}
		if !keep {
			return false, nil
		}
	} else if returned == Request {
		return false, nil
	}
	for _, e := range p.excluded {
		if sameAttr(e, ref) && (e.Name == "" || e.SubName == "") {
			return false, nil
		}
	}
	return true, onlySubs
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
	keep, only := p.decide(ref)
	return keep, keep && only == nil && p.droppedSubs(ref) == nil
}

// droppedSubs returns the sub-attributes of ref's attribute that
// excludedAttributes names.
func (p *Projection) droppedSubs(ref Ref) []string {
	var drop []string
	for _, e := range p.excluded {
		if sameAttr(e, ref) && e.SubName != "" {
			drop = append(drop, e.SubName)
		}
	}
	return drop
}

func (p *Projection) project(ref Ref, v any) (any, bool) {
	keep, only := p.decide(ref)
	if !keep {
		return nil, false
	}
	drop := p.droppedSubs(ref)
	if only == nil && drop == nil {
		return v, true
	}
	filter := func(m map[string]any) map[string]any {
		o := make(map[string]any, len(m))
		for k, sv := range m {
			if (only == nil || containsFold(only, k)) && !containsFold(drop, k) {
				o[k] = sv
			}
		}
		return o
	}
	switch x := v.(type) {
	case map[string]any:
		return filter(x), true
	case []any:
		o := make([]any, 0, len(x))
		for _, el := range x {
			if m, ok := el.(map[string]any); ok {
				el = filter(m)
			}
			o = append(o, el)
		}
		return o, true
	}
	return v, true
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
