// Package filter parses and evaluates SCIM filters (RFC 7644 §3.4.2.2) and
// PATCH paths (RFC 7644 §3.5.2), and matches them against resources in the
// canonical form of package scim.
package filter

import "github.com/scim-bridge/scim-bridge/internal/scim"

// Expr is a parsed filter expression: *Compare, *And, *Or, *Not or
// *ValuePath.
type Expr interface{ expr() }

// Compare is "attrPath op value", or "attrPath pr" when Op is "pr".
type Compare struct {
	Attr scim.AttrPath
	// Op is one of eq ne co sw ew gt ge lt le pr, in lower case.
	Op string
	// Value is a string, bool, json.Number or nil (the literal null).
	Value any
}

// And is "left and right".
type And struct{ Left, Right Expr }

// Or is "left or right".
type Or struct{ Left, Right Expr }

// Not is "not (x)".
type Not struct{ X Expr }

// ValuePath is "attrPath[valFilter]": true when some element of the
// multi-valued attribute Attr satisfies Filter, whose attribute paths name
// sub-attributes of Attr. Entra's matching filter
// `emails[type eq "work"].value eq "x"` parses as a ValuePath whose Filter is
// `type eq "work" and value eq "x"`.
type ValuePath struct {
	Attr   scim.AttrPath
	Filter Expr
}

func (*Compare) expr()   {}
func (*And) expr()       {}
func (*Or) expr()        {}
func (*Not) expr()       {}
func (*ValuePath) expr() {}

// Path is a PATCH operation's path (RFC 7644 §3.5.2): an attribute path,
// optionally with a value filter selecting elements of a multi-valued
// attribute and a sub-attribute of the selected elements, as in
// `emails[type eq "work"].value` or `members[value eq "id"]`.
type Path struct {
	// Attr names the attribute; Attr.Sub is set only when there is no
	// Filter ("name.givenName").
	Attr scim.AttrPath
	// Filter selects elements of a multi-valued attribute, or is nil.
	Filter Expr
	// Sub is the sub-attribute after the filter, or "".
	Sub string
}
