package filter

import (
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// Check verifies that every attribute e names exists for rt, resolving names
// case-insensitively (RFC 7643 §2.1). Attribute paths inside a ValuePath name
// sub-attributes of its attribute. Attributes of extensions the bridge has no
// schema for are allowed, since their data is kept as sent.
//
// Returns a 400 *scim.Error with scimType invalidFilter naming the first
// unknown attribute (RFC 7644 §3.4.2.2), a value path on an attribute that
// has no sub-attributes, gt, ge, lt or le on a boolean or binary
// attribute, which RFC 7644 §3.4.2.2 says SHALL fail, or a dateTime
// attribute compared with a value that is no dateTime.
func Check(rt *scim.ResourceType, e Expr) error {
	return check(rt, nil, e)
}

// check checks e; parent is the attribute of the enclosing value path, or
// nil at the top level.
func check(rt *scim.ResourceType, parent *scim.Ref, e Expr) error {
	switch x := e.(type) {
	case *Compare:
		var ref scim.Ref
		if parent != nil {
			var ok bool
			if ref, ok = resolveSub(rt, *parent, x.Attr); !ok {
				return scim.BadRequest(scim.InvalidFilter, "unknown sub-attribute %q of %q in filter for %s", x.Attr.String(), parent.Name, rt.Name)
			}
		} else {
			var err error
			if ref, err = resolve(rt, x.Attr); err != nil {
				return err
			}
		}
		if err := checkOrdering(x, ref); err != nil {
			return err
		}
		return checkDateTime(x, ref)
	case *And:
		if err := check(rt, parent, x.Left); err != nil {
			return err
		}
		return check(rt, parent, x.Right)
	case *Or:
		if err := check(rt, parent, x.Left); err != nil {
			return err
		}
		return check(rt, parent, x.Right)
	case *Not:
		return check(rt, parent, x.X)
	case *ValuePath:
		if parent != nil {
			return scim.BadRequest(scim.InvalidFilter, "a value filter cannot contain another value path (%q)", x.Attr.String())
		}
		ref, err := resolve(rt, x.Attr)
		if err != nil {
			return err
		}
		if ref.SubName != "" || (ref.Attr != nil && ref.Attr.Type != scim.Complex) {
			return scim.BadRequest(scim.InvalidFilter, "%q has no sub-attributes to filter on", x.Attr.String())
		}
		return check(rt, &ref, x.Filter)
	}
	return scim.BadRequest(scim.InvalidFilter, "unsupported filter expression %T", e)
}

func resolve(rt *scim.ResourceType, p scim.AttrPath) (scim.Ref, error) {
	ref, ok := rt.Resolve(p)
	if !ok || ref.Name == "" {
		return ref, scim.BadRequest(scim.InvalidFilter, "unknown attribute %q in filter for %s", p.String(), rt.Name)
	}
	return ref, nil
}

// resolveSub resolves p, written inside the value filter of the attribute
// at parent, as one of parent's sub-attributes.
func resolveSub(rt *scim.ResourceType, parent scim.Ref, p scim.AttrPath) (scim.Ref, bool) {
	if p.URN != "" || p.Sub != "" {
		return scim.Ref{}, false
	}
	return rt.Resolve(scim.AttrPath{URN: parent.Schema, Name: parent.Name, Sub: p.Name})
}

// checkOrdering refuses an ordering comparison of a boolean or binary
// attribute (RFC 7644 §3.4.2.2): neither has an order.
func checkOrdering(c *Compare, ref scim.Ref) error {
	d := ref.Def()
	if d == nil || d.Type != scim.Boolean && d.Type != scim.Binary {
		return nil
	}
	switch c.Op {
	case "gt", "ge", "lt", "le":
		return scim.BadRequest(scim.InvalidFilter, "%q is a %s and has no order: %s cannot compare it", c.Attr.String(), d.Type, c.Op)
	}
	return nil
}

// checkDateTime refuses an ordering or equality comparison of a dateTime
// attribute with a value that is no xsd:dateTime (RFC 7643 §2.3.5; read as
// parseTime does, see docs/conformance.md): it could only compare as text,
// and meta.lastModified gt "not-a-date" would then quietly match nothing or
// everything. pr and the substring operators, which compare text, take any
// value, and null is left as it was.
func checkDateTime(c *Compare, ref scim.Ref) error {
	d := ref.Def()
	if d == nil || d.Type != scim.DateTime || !isOrdering(c.Op) || c.Op == "pr" || c.Value == nil {
		return nil
	}
	// xsd:dateTime makes the offset optional; such a value compares as
	// text, as it did before this check.
	if s, ok := c.Value.(string); ok && (isTime(s) || isTime(s+"Z")) {
		return nil
	}
	var v strings.Builder
	formatValue(&v, c.Value)
	return scim.BadRequest(scim.InvalidFilter, "%q is a dateTime and %s is not one: compare it with a date-time such as "+
		`"2015-10-10T14:38:21Z" (RFC 7643 §2.3.5)`, c.Attr.String(), v.String())
}
