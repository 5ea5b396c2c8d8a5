// Package patch decodes SCIM PATCH requests (RFC 7644 §3.5.2) in every
// dialect Microsoft Entra ID sends, and applies them to resources in the
// canonical form of package scim.
package patch

import "github.com/scim-bridge/scim-bridge/internal/scim/filter"

// Op is one decoded PATCH operation.
type Op struct {
	// Op is "add", "remove" or "replace", whatever case the client used.
	Op string
	// Path is the operation's target, or nil for a path-less operation.
	Path *filter.Path
	// Value is the operation's value as decoded from JSON (numbers as
	// json.Number), or nil.
	Value any
}

// Members is the effect of a PATCH on a group's members, kept apart from the
// group's own attributes so that a store can apply it as membership items
// without reading or rewriting the member list.
type Members struct {
	// Replace is set when the PATCH replaced the whole member list: the
	// final members are then exactly Add.
	Replace bool
	// Add and Remove are member ids, in first-seen order, disjoint.
	Add    []string
	Remove []string
}

// Empty reports whether m changes nothing.
func (m Members) Empty() bool { return !m.Replace && len(m.Add) == 0 && len(m.Remove) == 0 }
