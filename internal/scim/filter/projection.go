package filter

import "github.com/scim-bridge/scim-bridge/internal/scim"

// Projection returns the projection of the attributes and
// excludedAttributes parameters for rt (RFC 7644 §3.4.2.5), whose entries
// may carry a value filter, as in attributes=emails[type eq "work"] or
// excludedAttributes=emails[value eq "x"].value: such an entry selects only
// the elements of the attribute that the filter matches, compared as in a
// PATCH path (RFC 7644 §3.5.2), and, after the filter, optionally one of
// their sub-attributes (docs/conformance.md says why and how entries
// combine). Returns a 400 *scim.Error for an entry that is not an attribute
// path, a filter that does not parse (invalidPath) or one naming a
// sub-attribute the attribute does not have (invalidFilter).
func Projection(rt *scim.ResourceType, attributes, excludedAttributes string) (*scim.Projection, error) {
	return rt.NewProjection(attributes, excludedAttributes, elements)
}

// elements is the scim.ElementFilter of Projection.
func elements(rt *scim.ResourceType, entry string) (scim.AttrPath, func(any) bool, error) {
	p, err := ParsePath(entry)
	if err != nil {
		return scim.AttrPath{}, nil, err
	}
	ap := p.Attr
	if p.Filter == nil {
		return ap, nil, nil
	}
	ap.Sub = p.Sub
	ref, ok := rt.Resolve(scim.AttrPath{URN: p.Attr.URN, Name: p.Attr.Name})
	if !ok {
		return ap, nil, nil // the projection ignores names it does not know
	}
	if err := Check(rt, &ValuePath{Attr: p.Attr, Filter: p.Filter}); err != nil {
		return scim.AttrPath{}, nil, err
	}
	f := p.Filter
	return ap, func(elem any) bool { return MatchElement(rt, ref, f, elem) }, nil
}
