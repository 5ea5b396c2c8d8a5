package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// links builds the absolute URLs of a response (meta.location, $ref,
// Location) from the request's scheme and host, as the client addressed
// the bridge: behind API Gateway the X-Forwarded headers say how.
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

// of returns the URL of a resource.
func (l links) of(rt *scim.ResourceType, id string) string {
	return l.base + rt.Endpoint + "/" + url.PathEscape(id)
}

// appendResource appends the JSON representation of res that proj
// selects: from res's parts (appendParts) when proj keeps each attribute
// whole or not at all, which is every request Entra sends, else through
// res.Attrs and proj.Apply (resource).
func (l links) appendResource(dst []byte, res *directory.Resource, proj *scim.Projection) ([]byte, error) {
	if out, ok := l.appendParts(dst, res, proj); ok {
		return out, nil
	}
	out, err := codec.Append(dst, l.resource(res, proj))
	if err != nil {
		return dst, fmt.Errorf("httpapi: encode %s %q: %w", res.Type.Name, res.ID, err)
	}
	return out, nil
}

// resource returns the representation of res: its attributes with
// meta.location and the $ref of members, groups and manager added, then
// projected. It modifies res.Attrs, which is the caller's.
func (l links) resource(res *directory.Resource, proj *scim.Projection) map[string]any {
	attrs := res.Attrs()
	if meta, ok := attrs["meta"].(map[string]any); ok {
		meta["location"] = l.of(res.Type, res.ID)
	}
	l.addRefs(attrs["members"], scim.Users)
	l.addRefs(attrs["groups"], scim.Groups)
	if ext, ok := attrs[scim.EnterpriseUserSchema].(map[string]any); ok {
		if m, ok := ext["manager"].(map[string]any); ok {
			if id, ok := m["value"].(string); ok && id != "" {
				m["$ref"] = l.of(scim.Users, id)
			}
		}
	}
	return proj.Apply(attrs)
}

// addRefs sets the $ref of each {"value": id} element of a members or
// groups list; a member's "type" says whether it is a User or a Group.
func (l links) addRefs(list any, rt *scim.ResourceType) {
	items, _ := list.([]any)
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		id, ok := m["value"].(string)
		if !ok || id == "" {
			continue
		}
		target := rt
		if t, _ := m["type"].(string); t == scim.Groups.Name {
			target = scim.Groups
		}
		m["$ref"] = l.of(target, id)
	}
}
