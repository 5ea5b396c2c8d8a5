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
// redirect) with SCIM errors instead. The mux matches each request once:
// what no endpoint takes falls to its catch-all, unmatched.
func (h *handler) route(w http.ResponseWriter, r *http.Request) {
	r = trimTrailingSlash(r)
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p {
		h.writeError(w, r, errNoEndpoint())
		return
	}
	h.mux.ServeHTTP(w, h.names.canonical(r, h.base, p))
}

// unmatchedPattern is the mux pattern of unmatched: every path, any method,
// and less specific than every endpoint's.
const unmatchedPattern = "/"

// unmatched answers a request no endpoint takes: 405 with Allow when an
// endpoint has its path under another method, else 404.
func (h *handler) unmatched(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range allowedMethods {
		probe := r.WithContext(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != unmatchedPattern {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		h.writeError(w, r, h.noEndpoint(r))
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
			// Keyed by the canonical spelling too, so that a request
			// spelling it so is looked up without lowering its case.
			names[i][strings.ToLower(seg)] = seg
			names[i][seg] = seg
		}
	}
	return names
}

// respell returns the route's spelling of seg, the i-th segment below the
// base path, and whether it differs from seg.
func (names endpointNames) respell(i int, seg string) (string, bool) {
	if i >= len(names) {
		return seg, false
	}
	c, ok := names[i][seg]
	if !ok {
		c, ok = names[i][strings.ToLower(seg)]
	}
	if !ok {
		return seg, false
	}
	return c, c != seg
}

// canonical returns r, whose escaped path is escaped, with the endpoint
// names of its path below base spelt as the routes spell them; r itself,
// at no allocation, when they already are.
func (names endpointNames) canonical(r *http.Request, base, escaped string) *http.Request {
	rest, ok := strings.CutPrefix(escaped, base)
	if !ok || !strings.HasPrefix(rest, "/") {
		return r
	}
	changed, i := false, 0
	for seg := range strings.SplitSeq(rest[1:], "/") {
		if _, changed = names.respell(i, seg); changed || i >= len(names) {
			break
		}
		i++
	}
	if !changed {
		return r
	}
	segs := strings.Split(rest[1:], "/")
	for i, seg := range segs {
		segs[i], _ = names.respell(i, seg)
	}
	escaped = base + "/" + strings.Join(segs, "/")
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
