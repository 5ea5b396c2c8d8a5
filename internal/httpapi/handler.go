// Package httpapi serves SCIM 2.0 (RFC 7644) over a directory.Service as an
// http.Handler: routing, bearer authentication, request decoding, rendering
// and the mapping of every error to a SCIM error body. The same handler runs
// behind API Gateway (through the Lambda adapter) and under net/http.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// DefaultBasePath is the path under which the SCIM endpoints are served when
// Config.BasePath is empty; the Tenant URL given to Entra ends with it.
const DefaultBasePath = "/scim/v2"

// Config configures the handler New returns.
type Config struct {
	// BasePath prefixes every route; "" selects DefaultBasePath and "/"
	// serves the routes at the root.
	BasePath string
	// Tokens decides which bearer tokens are valid; nil rejects every
	// request.
	Tokens TokenSource
	// Logger receives the access log and internal errors; nil discards them.
	Logger *slog.Logger
	// FailureLog, if not nil, receives a record of every failure Entra
	// would log and a mark of authenticated traffic, for the reconciler.
	FailureLog journal.Writer
	// FailureRetention is how long failure records are kept; zero selects
	// journal.DefaultRetention.
	FailureRetention time.Duration
	// RequestID, if not nil, returns the id the platform gave a request
	// ("" for none), such as Lambda's request id; the handler logs and
	// echoes it, else the caller's X-Request-Id, else an id of its own.
	RequestID func(*http.Request) string
	// Metrics, if not nil, receives a metric per request (by route and
	// status class), per 401 (Unauthorized, and RejectedTokenMetric too
	// when the request carried a token), per PATCH operation applied, and
	// per store failure (StoreUnavailable: DynamoDB throttled or failed
	// after the SDK's retries) or timeout answered 503 or 504.
	Metrics *emf.Logger
}

// Route is one method and path pattern the handler serves. Path is relative
// to the base path and uses http.ServeMux wildcards, as in "/Users/{id}".
type Route struct {
	Method string
	Path   string
}

type handler struct {
	svc       *directory.Service
	base      string
	tokens    TokenSource
	log       *slog.Logger
	mux       *http.ServeMux
	failures  journal.Writer
	retention time.Duration
	seen      func(context.Context)
	requestID func(*http.Request) string
	names     endpointNames
	metrics   *emf.Logger
}

// endpoint is a route with the function serving it. rt is the resource type
// of resource endpoints and nil for discovery and the root search;
// discovery is set for the endpoints that need no directory.
type endpoint struct {
	Route
	rt        *scim.ResourceType
	serve     func(h *handler, rt *scim.ResourceType, w http.ResponseWriter, r *http.Request) error
	discovery bool
}

// endpoints lists every route (RFC 7644 §3.2, §3.4.3, §4) in one place, so
// that Routes and the mux cannot disagree.
func endpoints() []endpoint {
	var es []endpoint
	for _, rt := range scim.ResourceTypes {
		es = append(es,
			endpoint{Route{http.MethodGet, rt.Endpoint}, rt, (*handler).list, false},
			endpoint{Route{http.MethodPost, rt.Endpoint}, rt, (*handler).create, false},
			endpoint{Route{http.MethodPost, rt.Endpoint + "/.search"}, rt, (*handler).search, false},
			endpoint{Route{http.MethodGet, rt.Endpoint + "/{id}"}, rt, (*handler).get, false},
			endpoint{Route{http.MethodPut, rt.Endpoint + "/{id}"}, rt, (*handler).replace, false},
			endpoint{Route{http.MethodPatch, rt.Endpoint + "/{id}"}, rt, (*handler).patch, false},
			endpoint{Route{http.MethodDelete, rt.Endpoint + "/{id}"}, rt, (*handler).delete, false},
		)
	}
	return append(es,
		endpoint{Route{http.MethodPost, "/.search"}, nil, (*handler).search, false},
		endpoint{Route{http.MethodGet, "/ServiceProviderConfig"}, nil, (*handler).serviceProviderConfig, true},
		endpoint{Route{http.MethodGet, "/Schemas"}, nil, (*handler).schemas, true},
		endpoint{Route{http.MethodGet, "/Schemas/{id}"}, nil, (*handler).schema, true},
		endpoint{Route{http.MethodGet, "/ResourceTypes"}, nil, (*handler).resourceTypes, true},
		endpoint{Route{http.MethodGet, "/ResourceTypes/{id}"}, nil, (*handler).resourceType, true},
	)
}

// Routes returns the routes the handler serves, relative to its base path.
func Routes() []Route {
	es := endpoints()
	out := make([]Route, len(es))
	for i, e := range es {
		out[i] = e.Route
	}
	return out
}

// New returns the SCIM handler over svc. Every request passes, in order,
// the access log, the failure log, the deadline's bound, panic recovery and
// bearer authentication before it is routed. svc may be nil for a handler
// that serves only discovery (the discovery function); it answers every
// other route as a path it has no endpoint for, a SCIM 404, since API
// Gateway sends it whatever no other function's route takes.
func New(svc *directory.Service, cfg Config) http.Handler {
	h := &handler{
		svc: svc, base: basePath(cfg.BasePath), tokens: cfg.Tokens, log: cfg.Logger, mux: http.NewServeMux(),
		requestID: cfg.RequestID, names: newEndpointNames(Routes()), metrics: cfg.Metrics,
	}
	if h.tokens == nil {
		h.tokens = StaticTokens()
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if cfg.FailureLog != nil {
		h.failures, h.retention = cfg.FailureLog, cfg.FailureRetention
		if h.retention <= 0 {
			h.retention = journal.DefaultRetention
		}
		h.seen = journal.Marker(cfg.FailureLog, journal.SeenRequest, h.log)
	}
	for _, e := range endpoints() {
		h.mux.HandleFunc(e.Method+" "+h.base+e.Path, func(w http.ResponseWriter, r *http.Request) {
			if info := infoOf(r.Context()); info != nil {
				info.route = r.Pattern
			}
			err := errNoEndpoint()
			if e.discovery || h.svc != nil {
				err = e.serve(h, e.rt, w, r)
			}
			if err != nil {
				h.writeError(w, r, err)
			}
		})
	}
	h.mux.HandleFunc(unmatchedPattern, h.unmatched)
	return chain(http.HandlerFunc(h.route), h.logAccess, h.recordFailures, h.bound, h.recoverPanic, h.authenticate)
}

// chain wraps h in middleware, the first outermost.
func chain(h http.Handler, middleware ...func(http.Handler) http.Handler) http.Handler {
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	return h
}

// basePath returns p with one leading slash and no trailing one, or "" for
// the root.
func basePath(p string) string {
	if p == "" {
		return DefaultBasePath
	}
	if p = strings.Trim(p, "/"); p == "" {
		return ""
	}
	return "/" + p
}
