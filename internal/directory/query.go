package directory

import (
	"context"
	"sort"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// scanPage is how many records a filter that no index serves reads per store
// request while it walks a kind.
const scanPage = 500

// Get returns a resource by id (RFC 7644 §3.4.1). withMembers loads a
// group's members; without it no membership is read. Returns a 404
// *scim.Error when there is no such resource.
func (s *Service) Get(ctx context.Context, rt *scim.ResourceType, id string, withMembers bool) (*Resource, error) {
	rec, err := s.store.Get(ctx, kindOf(rt), id)
	if err != nil {
		return nil, wrap("read", rt, id, scimError(rt, id, nil, err))
	}
	return s.load(ctx, rt, rec, withMembers)
}

func (s *Service) load(ctx context.Context, rt *scim.ResourceType, rec *Record, withMembers bool) (*Resource, error) {
	var members []string
	if rec.Kind == KindGroup && withMembers {
		var err error
		if members, err = s.store.Members(ctx, rec.ID); err != nil {
			return nil, wrap("read members of", rt, rec.ID, err)
		}
	}
	return resource(rt, rec, members)
}

// Query lists resources, or searches them with a filter (RFC 7644
// §3.4.2). Equality on id, userName, externalId, a group's displayName or a
// user's work email (a conjunct of the filter) is answered from an index;
// other filters walk the kind's records in pages.
func (s *Service) Query(ctx context.Context, rt *scim.ResourceType, q Query) (*Page, error) {
	if q.StartIndex < 1 {
		q.StartIndex = 1
	}
	kind := kindOf(rt)
	if q.Filter == nil {
		recs, total, err := s.store.List(ctx, kind, ListOptions{StartIndex: q.StartIndex, Count: q.Count, WithGroups: kind == KindUser})
		if err != nil {
			return nil, wrap("list", rt, "", err)
		}
		page := &Page{TotalResults: total, StartIndex: q.StartIndex}
		for _, rec := range recs {
			r, err := s.load(ctx, rt, rec, q.WithMembers)
			if err != nil {
				return nil, err
			}
			page.Resources = append(page.Resources, r)
		}
		return page, nil
	}

	// A walk reads users' groups only when the filter needs them, since
	// DynamoDB serves them with one request per user; the page's users are
	// read again, with their groups, below.
	walkGroups := kind == KindUser && mentions(q.Filter, "groups")
	withMembers := q.WithMembers || mentions(q.Filter, "members")
	var matched []*Resource
	exact := exactIndex(rt, q.Filter)
	keep := func(rec *Record) error {
		r, err := s.load(ctx, rt, rec, withMembers)
		if err != nil {
			return err
		}
		if exact || filter.Match(rt, q.Filter, r.Attrs()) {
			if !q.WithMembers {
				r.dropMembers()
			}
			matched = append(matched, r)
		}
		return nil
	}
	recs, indexed, err := s.candidates(ctx, rt, q.Filter)
	if err != nil {
		return nil, wrap("search", rt, "", err)
	}
	if indexed {
		walkGroups = true // lookups return users with their groups
		for _, rec := range recs {
			if err := keep(rec); err != nil {
				return nil, err
			}
		}
		sort.Slice(matched, func(i, j int) bool { return matched[i].ID < matched[j].ID })
	} else if err := s.scan(ctx, kind, walkGroups, keep); err != nil {
		return nil, wrap("search", rt, "", err)
	}
	page := &Page{TotalResults: len(matched), StartIndex: q.StartIndex}
	if from := q.StartIndex - 1; from < len(matched) {
		page.Resources = matched[from:min(len(matched), from+q.Count)]
	}
	if kind == KindUser && !walkGroups {
		for i, r := range page.Resources {
			if page.Resources[i], err = s.Get(ctx, rt, r.ID, false); err != nil {
				return nil, err
			}
		}
	}
	return page, nil
}

// scan walks every record of a kind in pages, oldest first.
func (s *Service) scan(ctx context.Context, kind Kind, withGroups bool, visit func(*Record) error) error {
	for start := 1; ; start += scanPage {
		recs, total, err := s.store.List(ctx, kind, ListOptions{StartIndex: start, Count: scanPage, WithGroups: withGroups})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if err := visit(rec); err != nil {
				return err
			}
		}
		if len(recs) == 0 || start+scanPage > total {
			return nil
		}
	}
}

// candidates returns the records an index finds for one equality conjunct
// of f, and false when no conjunct has an index.
func (s *Service) candidates(ctx context.Context, rt *scim.ResourceType, f filter.Expr) ([]*Record, bool, error) {
	kind := kindOf(rt)
	for _, c := range conjuncts(f) {
		key, value, ok := indexFor(rt, c)
		if !ok {
			continue
		}
		if !storable(value) {
			return nil, true, nil // no record holds it
		}
		if key == "id" {
			rec, err := s.store.Get(ctx, kind, value)
			if err != nil {
				if isNotFound(err) {
					return nil, true, nil
				}
				return nil, true, err
			}
			return []*Record{rec}, true, nil
		}
		recs, err := s.store.Lookup(ctx, kind, key, value)
		return recs, true, err
	}
	return nil, false, nil
}

// indexFor returns the index and the value to look up that answer the
// conjunct c exactly, folding as the filter would compare.
func indexFor(rt *scim.ResourceType, c filter.Expr) (Key, string, bool) {
	switch c := c.(type) {
	case *filter.Compare:
		if c.Op != "eq" || c.Attr.Sub != "" {
			return "", "", false
		}
		ref, ok := rt.Resolve(c.Attr)
		if !ok || ref.Schema != "" {
			return "", "", false
		}
		// Read the value as the filter compares it, so that an unquoted
		// externalId eq 12345 is answered from the index too.
		v, isString := c.ValueFor(ref.Def()).(string)
		if !isString {
			return "", "", false
		}
		switch {
		case ref.Name == "id":
			return "id", v, true
		case ref.Name == "externalId":
			return KeyExternalID, v, true
		case ref.Name == "userName" && rt == scim.Users:
			return KeyUserName, scim.Fold(v), true
		case ref.Name == "displayName" && rt == scim.Groups:
			return KeyDisplayName, scim.Fold(v), true
		}
	case *filter.ValuePath:
		// emails[type eq "work" and value eq "x"], Entra's email matching.
		ref, ok := rt.Resolve(c.Attr)
		if !ok || rt != scim.Users || ref.Name != "emails" || ref.Schema != "" {
			return "", "", false
		}
		var work bool
		var email string
		for _, e := range conjuncts(c.Filter) {
			cmp, ok := e.(*filter.Compare)
			if !ok || cmp.Op != "eq" {
				continue
			}
			v, _ := cmp.Value.(string)
			switch {
			case strings.EqualFold(cmp.Attr.Name, "type") && strings.EqualFold(v, "work"):
				work = true
			case strings.EqualFold(cmp.Attr.Name, "value") && v != "":
				email = v
			}
		}
		if work && email != "" {
			return KeyEmail, scim.Fold(email), true
		}
	}
	return "", "", false
}

// exactIndex reports whether an index answers f exactly, so that the
// records it finds need not be decoded to be matched: f is one equality on
// id, externalId, userName or a group's displayName, whose index holds a
// record only when the filter matches it (folded where the filter folds).
// The email index is not exact: it holds only a user's first work email.
func exactIndex(rt *scim.ResourceType, f filter.Expr) bool {
	key, _, ok := indexFor(rt, f)
	return ok && key != KeyEmail
}

// conjuncts flattens the top-level "and"s of f.
func conjuncts(f filter.Expr) []filter.Expr {
	if a, ok := f.(*filter.And); ok {
		return append(conjuncts(a.Left), conjuncts(a.Right)...)
	}
	return []filter.Expr{f}
}

// mentions reports whether f names the attribute name anywhere.
func mentions(f filter.Expr, name string) bool {
	switch f := f.(type) {
	case *filter.Compare:
		return strings.EqualFold(f.Attr.Name, name)
	case *filter.ValuePath:
		return strings.EqualFold(f.Attr.Name, name)
	case *filter.And:
		return mentions(f.Left, name) || mentions(f.Right, name)
	case *filter.Or:
		return mentions(f.Left, name) || mentions(f.Right, name)
	case *filter.Not:
		return mentions(f.X, name)
	}
	return false
}
