package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	filter "github.com/scim2/filter-parser/v2"
)

// entry is one stored resource.
type entry struct {
	attrs            scim.ResourceAttributes
	created, changed time.Time
	version          int
}

// store holds every resource behind one lock.
type store struct {
	mu     sync.RWMutex
	users  map[string]*entry
	groups map[string]*entry
	// byName indexes users by folded userName and groups by folded
	// displayName.
	userByName, groupByName map[string]string
	members                 map[string]map[string]struct{} // group id -> user ids
}

func newStore() *store {
	return &store{users: map[string]*entry{}, groups: map[string]*entry{},
		userByName: map[string]string{}, groupByName: map[string]string{}, members: map[string]map[string]struct{}{}}
}

func fold(v any) string { s, _ := v.(string); return strings.ToLower(s) }

func (e *entry) resource(id string) scim.Resource {
	var ext optional.String
	if v, ok := e.attrs["externalId"].(string); ok {
		ext = optional.NewString(v)
	}
	created, changed := e.created, e.changed
	return scim.Resource{ID: id, ExternalID: ext, Attributes: e.attrs,
		Meta: scim.Meta{Created: &created, LastModified: &changed, Version: fmt.Sprintf(`W/"%d"`, e.version)}}
}

// create stores attrs as a new resource of table, unless index already
// names another under key.
func (s *store) create(table map[string]*entry, index map[string]string, key string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := index[key]; taken {
		return scim.Resource{}, errors.ScimErrorUniqueness
	}
	id, now := newID(), time.Now()
	e := &entry{attrs: attrs, created: now, changed: now, version: 1}
	table[id], index[key] = e, id
	return e.resource(id), nil
}

func (s *store) get(table map[string]*entry, id string) (scim.Resource, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := table[id]
	if !ok {
		return scim.Resource{}, errors.ScimErrorResourceNotFound(id)
	}
	return e.resource(id), nil
}

// getAll answers a list: by the index for `<name> eq "value"`, else by
// matching every resource.
func (s *store) getAll(table map[string]*entry, index map[string]string, name string, params scim.ListRequestParams) (scim.Page, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []scim.Resource
	if params.FilterValidator == nil {
		for id, e := range table {
			out = append(out, e.resource(id))
		}
	} else if e, ok := params.FilterValidator.GetFilter().(*filter.AttributeExpression); ok && e.Operator == filter.EQ &&
		e.AttributePath.URIPrefix == nil && e.AttributePath.SubAttribute == nil && strings.EqualFold(e.AttributePath.AttributeName, name) {
		if id, ok := index[fold(e.CompareValue)]; ok {
			out = append(out, table[id].resource(id))
		}
	} else {
		for id, e := range table {
			if params.FilterValidator.PassesFilter(e.attrs) == nil {
				out = append(out, e.resource(id))
			}
		}
	}
	page := scim.Page{TotalResults: len(out), Resources: []scim.Resource{}}
	start := max(params.StartIndex, 1) - 1
	if start < len(out) {
		page.Resources = out[start:min(len(out), start+max(params.Count, 0))]
	}
	return page, nil
}

func (s *store) delete(table map[string]*entry, index map[string]string, key string, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := table[id]
	if !ok {
		return errors.ScimErrorResourceNotFound(id)
	}
	delete(index, fold(e.attrs[key]))
	delete(table, id)
	// A deleted user leaves its groups, a deleted group its members.
	delete(s.members, id)
	for _, m := range s.members {
		delete(m, id)
	}
	return nil
}

// patch applies ops to e, the resource id, keeping index, which is by the
// attribute key, current, and makes it a new version; s.mu is held.
func (s *store) patch(e *entry, index map[string]string, key, id string, ops []scim.PatchOperation) error {
	before := fold(e.attrs[key])
	if err := applyOps(e.attrs, ops); err != nil {
		return err
	}
	if after := fold(e.attrs[key]); after != before {
		delete(index, before)
		index[after] = id
	}
	e.version++
	e.changed = time.Now()
	return nil
}

// users is the /Users handler.
type users struct{ s *store }

func (u users) Create(_ *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	return u.s.create(u.s.users, u.s.userByName, fold(attrs["userName"]), attrs)
}

func (u users) Get(_ *http.Request, id string) (scim.Resource, error) { return u.s.get(u.s.users, id) }

func (u users) GetAll(_ *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	return u.s.getAll(u.s.users, u.s.userByName, "userName", params)
}

func (u users) Replace(_ *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, errors.ScimError{Status: http.StatusNotImplemented, Detail: "PUT is not served"}
}

func (u users) Delete(_ *http.Request, id string) error {
	return u.s.delete(u.s.users, u.s.userByName, "userName", id)
}

func (u users) Patch(_ *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.users[id]
	if !ok {
		return scim.Resource{}, errors.ScimErrorResourceNotFound(id)
	}
	if err := s.patch(e, s.userByName, "userName", id, ops); err != nil {
		return scim.Resource{}, err
	}
	return e.resource(id), nil
}

// groups is the /Groups handler; members are kept as sets, beside the
// attributes.
type groups struct{ s *store }

func (g groups) Create(_ *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	return g.s.create(g.s.groups, g.s.groupByName, fold(attrs["displayName"]), attrs)
}

func (g groups) Get(_ *http.Request, id string) (scim.Resource, error) {
	return g.s.get(g.s.groups, id)
}

func (g groups) GetAll(_ *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	return g.s.getAll(g.s.groups, g.s.groupByName, "displayName", params)
}

func (g groups) Replace(_ *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, errors.ScimError{Status: http.StatusNotImplemented, Detail: "PUT is not served"}
}

func (g groups) Delete(_ *http.Request, id string) error {
	return g.s.delete(g.s.groups, g.s.groupByName, "displayName", id)
}

// Patch applies member changes to the group's set and the rest to its
// attributes, and answers 204, as Entra expects of groups.
func (g groups) Patch(_ *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	s := g.s
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.groups[id]
	if !ok {
		return scim.Resource{}, errors.ScimErrorResourceNotFound(id)
	}
	set := s.members[id]
	if set == nil {
		set = map[string]struct{}{}
		s.members[id] = set
	}
	var rest []scim.PatchOperation
	for _, op := range ops {
		if op.Path == nil || op.Path.AttributePath.AttributeName != "members" {
			rest = append(rest, op)
			continue
		}
		if v, ok := op.Path.ValueExpression.(*filter.AttributeExpression); ok {
			delete(set, fmt.Sprint(v.CompareValue))
			continue
		}
		vals, _ := op.Value.([]any)
		for _, v := range vals {
			m, _ := v.(map[string]any)
			uid, _ := m["value"].(string)
			if op.Op == scim.PatchOperationRemove {
				delete(set, uid)
			} else {
				set[uid] = struct{}{}
			}
		}
	}
	return scim.Resource{}, s.patch(e, s.groupByName, "displayName", id, rest)
}
