package httpapi

import (
	"cmp"
	"net/http"
	"strconv"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// listResponse is the ListResponse message (RFC 7644 §3.4.2). Resources is
// never nil, so an empty result is [] and not null: Entra's Test Connection
// expects exactly that.
type listResponse struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []any    `json:"Resources"`
}

func newListResponse(total, start int, resources []any) listResponse {
	if resources == nil {
		resources = []any{}
	}
	return listResponse{[]string{scim.ListResponseSchema}, total, start, len(resources), resources}
}

// list serves GET /Users and /Groups (RFC 7644 §3.4.2).
func (h *handler) list(rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r)
	if err != nil {
		return err
	}
	return h.query(w, r, []*scim.ResourceType{rt}, q)
}

// search serves POST /Users/.search, /Groups/.search and, with a nil rt,
// the root /.search across both (RFC 7644 §3.4.3).
func (h *handler) search(rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	body, err := readObject(w, r)
	if err != nil {
		return err
	}
	q, err := searchParams(body)
	if err != nil {
		return err
	}
	types := scim.ResourceTypes
	if rt != nil {
		types = []*scim.ResourceType{rt}
	}
	return h.query(w, r, types, q)
}

// query answers a list or search over types with one ListResponse. Over
// several types, the results are those of each type in turn, and startIndex
// and count apply to the concatenation; a type the filter names unknown
// attributes of has no results, and only a filter no type accepts is an
// error. Returns a 400 *scim.Error (invalidFilter, invalidValue) for bad
// parameters.
func (h *handler) query(w http.ResponseWriter, r *http.Request, types []*scim.ResourceType, q params) error {
	start, count, err := q.paging()
	if err != nil {
		return err
	}
	var expr filter.Expr
	if q.hasFilter {
		if expr, err = filter.Parse(q.filter); err != nil {
			return err
		}
	}
	var found []projected
	total := 0
	var firstErr error
	searched := 0
	for _, rt := range types {
		if expr != nil {
			if err := filter.Check(rt, expr); err != nil {
				firstErr = cmp.Or(firstErr, err)
				continue
			}
		}
		proj, err := q.projection(rt)
		if err != nil {
			return err
		}
		page, err := h.svc.Query(r.Context(), rt, directory.Query{
			Filter:      expr,
			StartIndex:  max(1, start-total),
			Count:       count - len(found),
			WithMembers: proj.Includes("members"),
		})
		if err != nil {
			return err
		}
		searched++
		total += page.TotalResults
		for _, res := range page.Resources {
			found = append(found, projected{res, proj})
		}
	}
	if searched == 0 {
		return firstErr
	}
	l := newLinks(r, h.base)
	return writeRendered(w, http.StatusOK, func(dst []byte) ([]byte, error) {
		return l.appendList(dst, total, start, found)
	})
}

// projected is a resource found by a query, with the projection its type's
// parameters ask for.
type projected struct {
	res  *directory.Resource
	proj *scim.Projection
}

// appendList appends the ListResponse (RFC 7644 §3.4.2) of found, with the
// members in listResponse's order. Resources is never null (see
// listResponse).
func (l links) appendList(dst []byte, total, start int, found []projected) ([]byte, error) {
	dst = append(dst, `{"schemas":[`...)
	dst = codec.AppendString(dst, scim.ListResponseSchema)
	dst = append(dst, `],"totalResults":`...)
	dst = strconv.AppendInt(dst, int64(total), 10)
	dst = append(dst, `,"startIndex":`...)
	dst = strconv.AppendInt(dst, int64(start), 10)
	dst = append(dst, `,"itemsPerPage":`...)
	dst = strconv.AppendInt(dst, int64(len(found)), 10)
	dst = append(dst, `,"Resources":[`...)
	for i, f := range found {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = l.appendResource(dst, f.res, f.proj); err != nil {
			return dst, err
		}
	}
	return append(dst, "]}"...), nil
}
