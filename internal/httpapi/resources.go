package httpapi

import (
	"net/http"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// get serves GET /Users/{id} and /Groups/{id} (RFC 7644 §3.4.1). A group's
// members are read only when the projection returns them, and an
// If-None-Match holding the current ETag is answered 304.
func (h *handler) get(rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	id, proj, err := target(rt, r)
	if err != nil {
		return err
	}
	res, err := h.svc.Get(r.Context(), rt, id, proj.Includes("members"))
	if err != nil {
		return err
	}
	if directory.MatchesETag(headerList(r, "If-None-Match"), res.Version) {
		w.Header().Set("ETag", res.ETag())
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return h.writeResource(w, r, http.StatusOK, res, proj)
}

// create serves POST /Users and /Groups (RFC 7644 §3.3): 201 with the
// resource and its Location.
func (h *handler) create(rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r)
	if err != nil {
		return err
	}
	proj, err := q.projection(rt)
	if err != nil {
		return err
	}
	body, err := readObject(w, r)
	if err != nil {
		return err
	}
	res, err := h.svc.Create(r.Context(), rt, body)
	if err != nil {
		return err
	}
	return h.writeResource(w, r, http.StatusCreated, res, proj)
}

// replace serves PUT /Users/{id} and /Groups/{id} (RFC 7644 §3.5.1).
func (h *handler) replace(rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	id, proj, err := target(rt, r)
	if err != nil {
		return err
	}
	body, err := readObject(w, r)
	if err != nil {
		return err
	}
	res, err := h.svc.Replace(r.Context(), rt, id, body, headerList(r, "If-Match"))
	if err != nil {
		return err
	}
	return h.writeResource(w, r, http.StatusOK, res, proj)
}

// patch serves PATCH /Users/{id} and /Groups/{id} (RFC 7644 §3.5.2): 200
// with a user, but 204 for a group, whose member list Entra never reads and
// which may be large (docs/entra.md §4.7).
func (h *handler) patch(rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	id, proj, err := target(rt, r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	ops, err := patch.Decode(body)
	if err != nil {
		return err
	}
	res, err := h.svc.Patch(r.Context(), rt, id, ops, headerList(r, "If-Match"), false)
	if err != nil {
		return err
	}
	if rt == scim.Groups {
		w.Header().Set("ETag", res.ETag())
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return h.writeResource(w, r, http.StatusOK, res, proj)
}

// delete serves DELETE /Users/{id} and /Groups/{id} (RFC 7644 §3.6): 204,
// and 404 for a resource that does not exist (any more).
func (h *handler) delete(rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, rt.Name)
	if err != nil {
		return err
	}
	if err := h.svc.Delete(r.Context(), rt, id, headerList(r, "If-Match")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// target returns the id of the resource r addresses and the projection its
// query asks for.
func target(rt *scim.ResourceType, r *http.Request) (string, *scim.Projection, error) {
	id, err := pathID(r, rt.Name)
	if err != nil {
		return "", nil, err
	}
	q, err := queryParams(r)
	if err != nil {
		return "", nil, err
	}
	proj, err := q.projection(rt)
	return id, proj, err
}

// writeResource writes one resource with its ETag and its
// Content-Location, which RFC 7643 §3.1 makes meta.location, and for a 201
// its Location (RFC 7644 §3.3).
func (h *handler) writeResource(w http.ResponseWriter, r *http.Request, status int, res *directory.Resource, proj *scim.Projection) error {
	l := newLinks(r, h.base)
	location := codec.Location(l.base, res.Type, res.ID)
	w.Header().Set("ETag", res.ETag())
	w.Header().Set("Content-Location", location)
	if status == http.StatusCreated {
		w.Header().Set("Location", location)
	}
	return writeRendered(w, status, func(dst []byte) ([]byte, error) {
		return l.appendResource(dst, res, proj)
	})
}

// headerList returns all values of a list header joined by commas: the
// Lambda adapter splits one header line into several values.
func headerList(r *http.Request, name string) string {
	return strings.Join(r.Header.Values(name), ",")
}
