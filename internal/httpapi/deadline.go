package httpapi

import (
	"context"
	"net/http"
	"time"
)

const (
	// deadlineReserve is the time kept before the platform's deadline (a
	// Lambda invocation's, which arrives as the request context's) for
	// what follows the work: the failure record (journal.WriteTimeout at
	// most), the response and the adapter's encoding of it. A request
	// that would run longer ends with a 503 or 504 and Retry-After rather
	// than as a timed-out invocation, which API Gateway turns into a bare
	// 500 Entra cannot read.
	deadlineReserve = time.Second
	// gatewayLimit is API Gateway HTTP API's integration timeout, 30 s
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html):
	// a request is given up by then whatever the function's timeout.
	gatewayLimit = 30 * time.Second
)

// bound runs the request with a deadline deadlineReserve before the
// platform's, and no later than API Gateway's limit. It must run inside
// recordFailures, which writes within the time the bound keeps.
func (h *handler) bound(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deadline := time.Now().Add(gatewayLimit - deadlineReserve)
		if d, ok := r.Context().Deadline(); ok && d.Add(-deadlineReserve).Before(deadline) {
			deadline = d.Add(-deadlineReserve)
		}
		ctx, cancel := context.WithDeadline(r.Context(), deadline)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
