package httpapi

import (
	"net/http"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// links holds the bridge's root URL as the client addressed it, from the
// request's scheme and host: the base of a response's absolute URLs
// (meta.location, $ref, Location). Behind API Gateway the X-Forwarded
// headers say how.
type links struct{ base string }

func newLinks(r *http.Request, basePath string) links {
	scheme := "http"
	// The Lambda adapter builds requests from absolute https URLs.
	if r.TLS != nil || r.URL.Scheme == "https" {
		scheme = "https"
	}
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if fh := firstValue(r.Header.Get("X-Forwarded-Host")); validHost(fh) {
		host = fh
	}
	if !validHost(host) {
		host = "localhost"
	}
	return links{base: scheme + "://" + host + basePath}
}

// firstValue returns the first of a comma-separated header's values, which
// the nearest proxy put there.
func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.ToLower(strings.TrimSpace(v))
}

// validHost reports whether h is a plausible host[:port], so that a forged
// header cannot inject anything else into URLs and the Location header.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-:[]_", c) >= 0) {
			return false
		}
	}
	return true
}

// at returns the URL of an endpoint path such as "/Schemas".
func (l links) at(path string) string { return l.base + path }

// appendResource appends the JSON representation of res that proj
// selects, with its URLs under l (codec.AppendResource).
func (l links) appendResource(dst []byte, res *directory.Resource, proj *scim.Projection) ([]byte, error) {
	return codec.AppendResource(dst, l.base, res.Parts(), proj)
}
