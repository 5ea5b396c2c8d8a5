package httpapi

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// maxIDLength bounds the ids accepted in paths: the service issues UUIDs, so
// anything much longer cannot exist and is answered 404 without a lookup.
const maxIDLength = 256

// allowedMethods are the methods probed to build a 405's Allow header.
var allowedMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// route dispatches r to its endpoint. It tolerates one trailing slash and
// endpoint names in any case, and answers what the mux would answer in
// plain text (unknown paths, wrong methods, unclean paths it would
// redirect) with SCIM errors instead.
func (h *handler) route(w http.ResponseWriter, r *http.Request) {
	r = trimTrailingSlash(r)
	p := r.URL.EscapedPath()
	if p == "" || path.Clean(p) != p {
		h.writeError(w, r, errNoEndpoint())
		return
	}
	r = h.names.canonical(r, h.base)
	if _, pattern := h.mux.Handler(r); pattern != "" {
		if info := infoOf(r.Context()); info != nil {
			info.route = pattern
		}
		h.mux.ServeHTTP(w, r)
		return
	}
	var allow []string
	for _, m := range allowedMethods {
		probe := r.WithContext(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		h.writeError(w, r, errNoEndpoint())
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	h.writeError(w, r, scim.Errorf(http.StatusMethodNotAllowed, "", "method %s is not allowed here; allowed: %s", r.Method, strings.Join(allow, ", ")))
}

func errNoEndpoint() error {
	return scim.Errorf(http.StatusNotFound, "", "no SCIM endpoint at this path")
}

// trimTrailingSlash returns r with one trailing slash removed from its path.
func trimTrailingSlash(r *http.Request) *http.Request {
	if len(r.URL.Path) < 2 || !strings.HasSuffix(r.URL.Path, "/") {
		return r
	}
	r2 := r.WithContext(r.Context())
	u := *r.URL
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	r2.URL = &u
	return r2
}

// pathID returns the {id} of r's path. An id the service cannot have issued
// (too long, not UTF-8, control characters) is a 404 *scim.Error, so that it
// never reaches a store.
func pathID(r *http.Request, kind string) (string, error) {
	id := r.PathValue("id")
	if id == "" || len(id) > maxIDLength || !utf8.ValidString(id) || strings.ContainsFunc(id, unicode.IsControl) {
		return "", scim.Errorf(http.StatusNotFound, "", "%s not found: the id is not one this service issues", kind)
	}
	return id, nil
}

// endpointNames are the literal segments of the routes' paths, by position
// after the base path and in lower case, as the routes spell them: "users"
// → "Users" first, ".search" second. RFC 7644 §3.2 spells the endpoints
// one way, but Microsoft's reference implementation and the ASP.NET-based
// clients written against it route them in any case (/users,
// /serviceproviderconfig), so the bridge serves every spelling as the
// canonical one; URLs it writes (Location, meta.location) stay canonical.
type endpointNames []map[string]string

func newEndpointNames(routes []Route) endpointNames {
	var names endpointNames
	for _, rt := range routes {
		for i, seg := range strings.Split(strings.TrimPrefix(rt.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") {
				continue
			}
			for len(names) <= i {
				names = append(names, map[string]string{})
			}
			names[i][strings.ToLower(seg)] = seg
		}
	}
	return names
}

// canonical returns r with the endpoint names of its path, below base,
// spelt as the routes spell them; r itself when they already are.
func (names endpointNames) canonical(r *http.Request, base string) *http.Request {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), base)
	if !ok || !strings.HasPrefix(rest, "/") {
		return r
	}
	segs := strings.Split(rest[1:], "/")
	changed := false
	for i, seg := range segs {
		if i >= len(names) {
			break
		}
		if c, ok := names[i][strings.ToLower(seg)]; ok && c != seg {
			segs[i], changed = c, true
		}
	}
	if !changed {
		return r
	}
	escaped := base + "/" + strings.Join(segs, "/")
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		return r // the mux finds no endpoint for it either
	}
	r2 := r.WithContext(r.Context())
	u := *r.URL
	u.Path, u.RawPath = unescaped, escaped
	r2.URL = &u
	return r2
}
