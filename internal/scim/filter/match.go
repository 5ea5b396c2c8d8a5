package filter

import "github.com/scim-bridge/scim-bridge/internal/scim"

// Match reports whether res, a resource of type rt in the canonical form of
// package scim, satisfies e (RFC 7644 §3.4.2.2). Attribute names resolve
// case-insensitively; strings compare by scim.Fold unless the attribute is
// caseExact. A comparison on a multi-valued attribute holds when it holds
// for some element, and a complex attribute compared without a
// sub-attribute (`emails eq "x"`, `members eq "id"`, `manager eq "id"`)
// compares its "value" sub-attribute. "eq null" holds for an absent
// attribute, "ne" is the negation of "eq", and comparisons between values
// of different types are false. Attributes that do not resolve (see Check)
// match nothing.
func Match(rt *scim.ResourceType, e Expr, res map[string]any) bool {
	switch x := e.(type) {
	case *Compare:
		ref, ok := rt.Resolve(x.Attr)
		if !ok || ref.Name == "" {
			return false
		}
		return evaluate(x, ref, attrValue(res, ref))
	case *And:
		return Match(rt, x.Left, res) && Match(rt, x.Right, res)
	case *Or:
		return Match(rt, x.Left, res) || Match(rt, x.Right, res)
	case *Not:
		return !Match(rt, x.X, res)
	case *ValuePath:
		ref, ok := rt.Resolve(x.Attr)
		if !ok || ref.Name == "" || ref.SubName != "" {
			return false
		}
		v := attrValue(res, ref)
		if items, ok := v.([]any); ok {
			for _, el := range items {
				if MatchElement(rt, ref, x.Filter, el) {
					return true
				}
			}
			return false
		}
		return v != nil && MatchElement(rt, ref, x.Filter, v)
	}
	return false
}

// MatchElement reports whether elem, one element of the multi-valued (or
// singular complex) attribute attr, satisfies e, whose attribute paths name
// sub-attributes of attr, as in the filter of the PATCH path
// `emails[type eq "work"]` (RFC 7644 §3.5.2). A non-complex element, such as
// a string of an extension's multi-valued attribute, is compared as its
// "value". Unknown sub-attributes and nested value paths match nothing.
func MatchElement(rt *scim.ResourceType, attr scim.Ref, e Expr, elem any) bool {
	switch x := e.(type) {
	case *Compare:
		ref, ok := resolveSub(rt, attr, x.Attr)
		if !ok {
			return false
		}
		return evaluate(x, ref, elem)
	case *And:
		return MatchElement(rt, attr, x.Left, elem) && MatchElement(rt, attr, x.Right, elem)
	case *Or:
		return MatchElement(rt, attr, x.Left, elem) || MatchElement(rt, attr, x.Right, elem)
	case *Not:
		return !MatchElement(rt, attr, x.X, elem)
	}
	return false
}

// attrValue returns the value of the attribute at ref in res (without its
// sub-attribute), or nil.
func attrValue(res map[string]any, ref scim.Ref) any {
	c := scim.Container(res, ref.Schema, false)
	if c == nil {
		return nil
	}
	k, _ := scim.LookupKey(c, ref.Name)
	return c[k]
}

// subValue returns the sub-attribute name of one value: a member of an
// object, or a non-complex value itself when name is "value".
func subValue(v any, name string) any {
	m, ok := v.(map[string]any)
	if !ok {
		if name == "value" {
			return v
		}
		return nil
	}
	k, _ := scim.LookupKey(m, name)
	return m[k]
}

// evaluate applies c to v, the value of the attribute at ref, which may be
// an array of elements.
func evaluate(c *Compare, ref scim.Ref, v any) bool {
	if c.Op == "pr" || (c.Value == nil && (c.Op == "eq" || c.Op == "ne")) {
		// "eq null" asks for absence (RFC 7644 §3.4.2.2).
		return anyValue(v, ref.SubName, nil) == (c.Op != "eq")
	}
	sub := ref.SubName
	if sub == "" && (ref.Attr == nil || ref.Attr.Type == scim.Complex) {
		// A complex attribute compares by its "value" sub-attribute;
		// subValue makes this a no-op for the plain values of unknown
		// extensions.
		sub = "value"
		if ref.Attr != nil {
			ref.SubName, ref.Sub = sub, ref.Attr.Sub(sub)
		}
	}
	op := c.Op
	if op == "ne" {
		op = "eq"
	}
	cond := newCondition(op, c, ref)
	return anyValue(v, sub, &cond) != (c.Op == "ne")
}

// anyValue reports whether cond holds for some value at v (each element of
// an array, or v itself), taking the sub-attribute sub of each when sub is
// set. A nil cond tests for presence.
func anyValue(v any, sub string, cond *condition) bool {
	if items, ok := v.([]any); ok {
		for _, el := range items {
			if anyValue(el, sub, cond) {
				return true
			}
		}
		return false
	}
	if sub != "" {
		v = subValue(v, sub)
		if items, ok := v.([]any); ok {
			return anyValue(items, "", cond)
		}
	}
	if cond == nil {
		return present(v)
	}
	return cond.holds(v)
}

// present reports whether v counts as a value for "pr": not null, "", an
// empty array or an empty object.
func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}
