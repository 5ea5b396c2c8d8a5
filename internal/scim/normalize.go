package scim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Normalize validates a resource body sent by a client (POST, PUT, or the
// value of a path-less PATCH) and returns it in canonical form: attribute
// names as the schema spells them, extension attributes inside their
// extension's object, "True"/"False" strings as booleans wherever the schema
// says boolean, a bare string as {"value": s} for complex attributes with a
// value, null and "" as absent. Read-only input (id, meta, groups) and the
// write-only password are dropped; schemas is ignored, since the bridge
// derives it from the data.
//
// Keys may be plain ("displayName"), dotted ("name.givenName"),
// URN-qualified ("urn:…:enterprise:2.0:User:department") or a schema URN
// holding an object; KeyPath says which a URN key is, with the URNs the
// body lists in schemas as evidence. Returns a 400 *Error (invalidValue) for an unknown
// attribute, a value of the wrong type, or an attribute given twice under
// different keys ("userName" and "USERNAME", "name" and "name.givenName"),
// of which either could otherwise win.
func (rt *ResourceType) Normalize(body map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(body))
	seen := map[string]string{}
	declared := slices.Values(DeclaredSchemas(body))
	for k, v := range body {
		if strings.EqualFold(k, "schemas") {
			continue
		}
		p, ok := ParseAttrPath(k)
		if ok {
			p = KeyPath(p, v, declared)
		}
		if err := rt.setKey(out, seen, "", k, p, ok, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UnknownAttribute returns the 400 *Error for name, an attribute rt's
// schemas do not define: it says where custom attributes belong, since the
// usual cause is an attribute mapped without its extension's URN.
// scimType is invalidValue for a body and invalidPath for a PATCH path.
func (rt *ResourceType) UnknownAttribute(scimType, name string) *Error {
	return BadRequest(scimType, "unknown attribute %q for %s; custom attributes belong in an extension schema such as urn:ietf:params:scim:schemas:extension:<Name>:2.0:%s:<attribute>", name, rt.Name, rt.Name)
}

// once records in seen that key sets the attribute at ref, and returns a
// 400 *Error if another key set it, or its parent or a sub-attribute of it.
func once(seen map[string]string, ref Ref, key string) error {
	whole := ref.Schema + "\x00" + strings.ToLower(ref.Name)
	id, other := whole, whole+"\x00"
	if ref.SubName != "" {
		id, other = whole+"\x00"+strings.ToLower(ref.SubName), whole
	}
	prev, dup := seen[id]
	if !dup {
		prev, dup = seen[other]
	}
	if dup {
		return BadRequest(InvalidValue, "attribute %q is given twice, as %q and %q", key, prev, key)
	}
	seen[id] = key
	if ref.SubName != "" {
		seen[whole+"\x00"] = key // a parent given later collides with it
	}
	return nil
}

// setKey sets the attribute at p, parsed (ok) from key, to v. schema is the
// extension whose object holds key, or "" at the top level.
func (rt *ResourceType) setKey(out map[string]any, seen map[string]string, schema, key string, p AttrPath, ok bool, v any) error {
	if schema != "" && ok && p.URN == "" {
		p.URN = schema
	}
	var ref Ref
	if ok {
		ref, ok = rt.Resolve(p)
	}
	if !ok {
		return rt.UnknownAttribute(InvalidValue, key)
	}
	if ref.Name == "" {
		if v == nil {
			return nil
		}
		obj, isObj := v.(map[string]any)
		if !isObj || schema != "" {
			return BadRequest(InvalidValue, "%q must hold an object of that schema's attributes", key)
		}
		for k2, v2 := range obj {
			// As at the top level: an extension serialised as a resource
			// of its own may list its schema (issue 11).
			if strings.EqualFold(k2, "schemas") {
				continue
			}
			p2, ok2 := ParseAttrPath(k2)
			if err := rt.setKey(out, seen, ref.Schema, k2, p2, ok2, v2); err != nil {
				return err
			}
		}
		return nil
	}
	if err := once(seen, ref, key); err != nil {
		return err
	}
	return Set(out, ref, v)
}

// Set coerces v for the attribute at ref and stores it in res, or removes the
// attribute when v is null or empty. Read-only and write-only attributes are
// ignored. Returns a 400 *Error (invalidValue) for a value of the wrong type.
func Set(res map[string]any, ref Ref, v any) error {
	if d := ref.Def(); d != nil && (d.Mutability == ReadOnly || d.Returned == Never) {
		return nil
	}
	if ref.Attr != nil && ref.Attr.Mutability == ReadOnly {
		return nil
	}
	nv, err := ref.Coerce(v)
	if err != nil {
		return err
	}
	c := Container(res, ref.Schema, nv != nil)
	if c == nil {
		return nil
	}
	name, _ := LookupKey(c, ref.Name)
	if ref.SubName != "" {
		if ref.Attr != nil && ref.Attr.MultiValued {
			return BadRequest(InvalidPath, "%q is multi-valued: address its elements with a filter, as in %s[type eq \"work\"].%s", ref.Name, ref.Name, ref.SubName)
		}
		parent, _ := c[name].(map[string]any)
		if parent == nil {
			if nv == nil {
				return nil
			}
			parent = map[string]any{}
			c[name] = parent
		}
		sub, _ := LookupKey(parent, ref.SubName)
		if nv == nil {
			delete(parent, sub)
			if len(parent) == 0 {
				delete(c, name)
			}
		} else {
			parent[sub] = nv
		}
	} else if nv == nil {
		delete(c, name)
	} else {
		c[name] = nv
	}
	if ref.Schema != "" && len(c) == 0 {
		key, _ := LookupKey(res, ref.Schema)
		delete(res, key)
	}
	return nil
}

// Coerce converts v to the type the schema gives the attribute at r, and
// returns nil for a value that clears it (null, "", an empty array or an
// object whose sub-attributes are all empty). Values of unknown extensions
// are kept exactly as sent. Returns a 400 *Error (invalidValue) for a value
// of the wrong type.
func (r Ref) Coerce(v any) (any, error) {
	d := r.Def()
	if d == nil {
		if s, ok := v.(string); ok && s == "" {
			return nil, nil
		}
		return v, nil
	}
	if r.SubName == "" && d.MultiValued {
		return coerceMulti(d, v)
	}
	return coerceOne(d, v)
}

// CoerceElement converts v to one element of the multi-valued attribute at r.
func (r Ref) CoerceElement(v any) (any, error) {
	if r.Attr == nil {
		return v, nil
	}
	return coerceOne(r.Attr, v)
}

func coerceMulti(d *Attribute, v any) (any, error) {
	items, ok := v.([]any)
	if !ok {
		if v == nil {
			return nil, nil
		}
		items = []any{v}
	}
	out := make([]any, 0, len(items))
	for _, it := range items {
		c, err := coerceOne(d, it)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	onePrimary(out)
	return out, nil
}

// onePrimary leaves "primary": true on the last element that has it:
// RFC 7643 §2.4 allows it once per attribute, and a PATCH that adds a
// primary element makes the others non-primary the same way.
func onePrimary(elems []any) {
	last := -1
	for i, e := range elems {
		if m, ok := e.(map[string]any); ok && m["primary"] == true {
			last = i
		}
	}
	for i, e := range elems {
		if m, ok := e.(map[string]any); ok && i != last && m["primary"] == true {
			m["primary"] = false
		}
	}
}

func coerceOne(d *Attribute, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch d.Type {
	case Complex:
		return coerceComplex(d, v)
	case Boolean:
		switch b := v.(type) {
		case bool:
			return b, nil
		case string:
			switch {
			case strings.EqualFold(b, "true"):
				return true, nil
			case strings.EqualFold(b, "false"):
				return false, nil
			case b == "":
				return nil, nil
			}
		}
	case Integer, Decimal:
		switch n := v.(type) {
		case json.Number:
			if d.Type == Integer {
				if _, err := n.Int64(); err != nil {
					break
				}
			}
			return n, nil
		case float64:
			if d.Type == Integer && n != float64(int64(n)) {
				break
			}
			return json.Number(fmt.Sprint(n)), nil
		}
	default:
		if s, ok := v.(string); ok {
			if s == "" {
				return nil, nil
			}
			return s, nil
		}
	}
	return nil, BadRequest(InvalidValue, "attribute %q must be %s%s, not %s", d.Name, article(d.Type), d.Type, DescribeJSON(v))
}

func coerceComplex(d *Attribute, v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if d.appRoles {
			x = appRole(d, x)
		}
		out := make(map[string]any, len(x))
		for k, sv := range x {
			sub := d.Sub(k)
			if sub == nil {
				return nil, BadRequest(InvalidValue, "unknown sub-attribute %q of %q", k, d.Name)
			}
			if sub.Mutability == ReadOnly && d.Mutability != ReadOnly {
				continue
			}
			c, err := coerceOne(sub, sv)
			if err != nil {
				return nil, err
			}
			if c != nil {
				out[sub.Name] = c
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	case []any:
		// Entra's legacy manager shape: [{"value": id}] for a singular attribute.
		if !d.MultiValued && len(x) <= 1 {
			if len(x) == 0 {
				return nil, nil
			}
			return coerceComplex(d, x[0])
		}
	default:
		if sub := d.Sub("value"); sub != nil {
			c, err := coerceOne(sub, v)
			if err != nil || c == nil {
				return nil, err
			}
			return map[string]any{sub.Name: c}, nil
		}
	}
	return nil, BadRequest(InvalidValue, "attribute %q must be an object, not %s", d.Name, DescribeJSON(v))
}

func article(t Type) string {
	if t == Integer {
		return "an "
	}
	return "a "
}

// DescribeJSON names the JSON type of a decoded value, for error details
// ("must be a string, not a number").
func DescribeJSON(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
