package scim

import (
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
)

// ResourceType is a served resource type (RFC 7643 §6): its endpoint, core
// schema and known extensions.
type ResourceType struct {
	ID          string
	Name        string
	Endpoint    string
	Description string
	Schema      *Schema
	Extensions  []*Schema
}

// Resolve resolves p against rt's schemas, case-insensitively (RFC 7643
// §2.1). A path into an extension the bridge has no schema for resolves with
// a nil Attr, so that custom extensions (Entra's
// urn:ietf:params:scim:schemas:extension:<Name>:2.0:User) are kept as sent.
// It reports false for an unknown attribute or sub-attribute of a known
// schema.
func (rt *ResourceType) Resolve(p AttrPath) (Ref, bool) {
	var ref Ref
	var a *Attribute
	switch {
	case p.URN == "" || strings.EqualFold(p.URN, rt.Schema.ID):
		if p.Name == "" {
			return Ref{}, false
		}
		if a = rt.Schema.Attr(p.Name); a == nil {
			a = find(commonAttributes, p.Name)
		}
		if a == nil && p.URN == "" {
			// Entra's legacy shapes name extension attributes bare
			// ("manager"); accept them when one extension has the name.
			for _, e := range rt.Extensions {
				if a = e.Attr(p.Name); a != nil {
					ref.Schema = e.ID
					break
				}
			}
		}
	default:
		ext := rt.extension(p.URN)
		if ext == nil {
			if isCoreURN(p.URN) {
				return Ref{}, false
			}
			ref.Schema, ref.Name, ref.SubName = p.URN, p.Name, p.Sub
			return ref, true
		}
		ref.Schema = ext.ID
		if p.Name == "" {
			return ref, true
		}
		a = ext.Attr(p.Name)
	}
	if a == nil {
		return Ref{}, false
	}
	ref.Attr, ref.Name = a, a.Name
	if p.Sub != "" {
		if ref.Sub = a.Sub(p.Sub); ref.Sub == nil {
			return Ref{}, false
		}
		ref.SubName = ref.Sub.Name
	}
	return ref, true
}

// ResolveString parses and resolves an attribute path.
func (rt *ResourceType) ResolveString(s string) (Ref, bool) {
	p, ok := ParseAttrPath(s)
	if !ok {
		return Ref{}, false
	}
	return rt.Resolve(p)
}

func (rt *ResourceType) extension(urn string) *Schema {
	for _, e := range rt.Extensions {
		if strings.EqualFold(e.ID, urn) {
			return e
		}
	}
	return nil
}

func isCoreURN(urn string) bool {
	return strings.EqualFold(urn, UserSchema) || strings.EqualFold(urn, GroupSchema)
}

// Container returns the map that holds r's attribute inside res: res itself
// for core and common attributes, or the extension's object, created when
// create is set. Unknown extensions are matched case-insensitively, and keep
// the spelling under which they were first stored.
func Container(res map[string]any, schema string, create bool) map[string]any {
	if schema == "" {
		return res
	}
	key, ok := LookupKey(res, schema)
	if ok {
		if m, ok := res[key].(map[string]any); ok {
			return m
		}
	}
	if !create {
		return nil
	}
	m := map[string]any{}
	res[key] = m
	return m
}

// LookupKey returns the key of m equal to name ignoring case, or name itself
// and false when there is none.
func LookupKey(m map[string]any, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return name, false
}

// SchemaURNs returns the value of a resource's "schemas" attribute: the core
// schema, then every extension that holds data, known ones first.
func (rt *ResourceType) SchemaURNs(res map[string]any) []string {
	return rt.SchemaURNsOf(maps.Keys(res))
}

// SchemaURNsOf is SchemaURNs for a resource given by its top-level keys,
// for callers that have not decoded it.
func (rt *ResourceType) SchemaURNsOf(keys iter.Seq[string]) []string {
	// present holds, by index in rt.Extensions, those the keys name
	// exactly; the resource types in this package have one extension at
	// most, far from the 64 it can hold.
	var present uint64
	var unknown []string
	for k := range keys {
		switch {
		case !IsURN(k):
		case rt.extension(k) == nil:
			unknown = append(unknown, k)
		default:
			if i := slices.IndexFunc(rt.Extensions, func(e *Schema) bool { return e.ID == k }); i >= 0 {
				present |= 1 << i
			}
		}
	}
	urns := make([]string, 1, 1+len(rt.Extensions)+len(unknown))
	urns[0] = rt.Schema.ID
	for i, e := range rt.Extensions {
		if present&(1<<i) != 0 {
			urns = append(urns, e.ID)
		}
	}
	sort.Strings(unknown)
	return append(urns, unknown...)
}

// IsURN reports whether an attribute key is a schema URN.
func IsURN(k string) bool { return len(k) > 4 && strings.EqualFold(k[:4], "urn:") }
