package httpapi

import (
	"net/http"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// noEndpoint is the 404 of a path no route matches. When the base path
// appears later in the path, something put a prefix before it: most
// likely an API Gateway custom domain whose API mapping has a non-empty
// key, which HTTP APIs leave in the path they pass on (rawPath). The
// bridge refuses that configuration and says how to fix it rather than
// guessing which part of a path to drop (README, "Custom domain").
func (h *handler) noEndpoint(r *http.Request) error {
	p := r.URL.Path
	if h.base == "" {
		return errNoEndpoint()
	}
	if i := strings.Index(p, h.base+"/"); i > 0 {
		return scim.Errorf(http.StatusNotFound, "",
			"no SCIM endpoint at this path: %q comes before %s; if an API Gateway custom domain maps this API with a "+
				"non-empty API mapping key, map it with an empty key (or end the Tenant URL in %s with no prefix)",
			p[:i], h.base, h.base)
	}
	return errNoEndpoint()
}
