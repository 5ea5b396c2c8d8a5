package patch

import (
	"net/http"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// MaxMembers is the most member ids one PATCH may name, over all its
// operations.
const MaxMembers = 10000

// groupMembers is the definition that marks a target as a group's members.
var groupMembers = scim.Group.Attr("members")

// memberSet accumulates the net effect of a PATCH's member operations, in
// operation order: a later operation on an id overrides an earlier one.
type memberSet struct {
	replace bool
	// order holds ids in first-seen order; added tells whether each is
	// finally added (true) or removed (false).
	order []string
	added map[string]bool
	named int
}

// apply applies one operation on a group's members:
//
//   - add with path "members" (or a "members" key in a path-less value) adds
//     the ids in its value;
//   - replace with a path-less value {"members": [...]} sets the members to
//     exactly those ids, and so does any replace with an empty list; but a
//     replace with path "members" and a non-empty list adds them: Entra
//     sends that shape carrying only the changed member, and never reads
//     members back, so treating it as a full list would silently drop
//     every other member (see docs/decisions.md);
//   - remove with members[value eq "id"] (or several joined by "or")
//     removes those ids;
//   - remove with path "members" and a value removes the ids in the value,
//     never the whole group: that is Entra's default shape for removing one
//     member;
//   - remove with path "members" and no value removes every member
//     (RFC 7644 §3.5.2.2).
//
// A value is an array of {"value": id} objects, one such object, or bare
// ids. Returns a 400 *scim.Error: invalidFilter for a filter other than
// value equality, invalidPath for a sub-attribute or a filtered add or
// replace, invalidValue for a member without a non-empty string id; 413
// tooMany past MaxMembers ids.
func (m *memberSet) apply(kind string, p *filter.Path, v any, explicit bool) error {
	if p.Attr.Sub != "" || p.Sub != "" {
		return scim.BadRequest(scim.InvalidPath, `members are changed whole: use path "members" or members[value eq "id"]`)
	}
	var ids []string
	var err error
	switch {
	case p.Filter != nil:
		var ok bool
		if ids, ok = filterIDs(p.Filter, nil); !ok {
			return scim.BadRequest(scim.InvalidFilter, `members can be selected only by value, as in members[value eq "id"]`)
		}
		if kind != opRemove {
			return scim.BadRequest(scim.InvalidPath, `a filtered members path can only be removed; %s members with path "members" and a value`, kind)
		}
	case kind == opRemove && v == nil:
		kind = opReplace
	default:
		if ids, err = memberIDs(v); err != nil {
			return err
		}
	}
	if m.named += len(ids); m.named > MaxMembers {
		return scim.Errorf(http.StatusRequestEntityTooLarge, scim.TooMany,
			"the PATCH names more than %d members; send them in several requests", MaxMembers)
	}
	if kind == opReplace && explicit && len(ids) > 0 {
		kind = opAdd
	}
	if kind == opReplace {
		m.replace, m.order, m.added = true, nil, nil
	}
	for _, id := range ids {
		m.set(id, kind != opRemove)
	}
	return nil
}

func (m *memberSet) set(id string, added bool) {
	if m.added == nil {
		m.added = map[string]bool{}
	}
	if _, seen := m.added[id]; !seen {
		m.order = append(m.order, id)
	}
	m.added[id] = added
}

// result returns the net effect. After a replace the final members are
// exactly Add, so removals are dropped.
func (m *memberSet) result() Members {
	r := Members{Replace: m.replace}
	for _, id := range m.order {
		if m.added[id] {
			r.Add = append(r.Add, id)
		} else if !m.replace {
			r.Remove = append(r.Remove, id)
		}
	}
	return r
}

// filterIDs returns the ids of a filter made of value eq "id" terms joined by
// "or", appended to ids.
func filterIDs(f filter.Expr, ids []string) ([]string, bool) {
	switch e := f.(type) {
	case *filter.Compare:
		name, ok := subName(groupMembers, e.Attr)
		id, isString := e.ValueFor(groupMembers.Sub("value")).(string)
		if !ok || name != "value" || e.Op != "eq" || !isString || id == "" {
			return nil, false
		}
		return append(ids, id), true
	case *filter.Or:
		ids, ok := filterIDs(e.Left, ids)
		if !ok {
			return nil, false
		}
		return filterIDs(e.Right, ids)
	}
	return nil, false
}

// memberIDs returns the ids in a members value. null and an empty array name
// none.
func memberIDs(v any) ([]string, error) {
	items, ok := v.([]any)
	if !ok && v != nil {
		items = []any{v}
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if obj, ok := it.(map[string]any); ok {
			it, _ = field(obj, "value")
		}
		id, ok := it.(string)
		if !ok || id == "" {
			return nil, scim.BadRequest(scim.InvalidValue, `a member must be {"value": "<id>"} with a non-empty id`)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
