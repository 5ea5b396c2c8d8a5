package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"unicode"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// TokenSource says whether a presented bearer token is valid.
type TokenSource interface {
	// Check reports whether token is valid now. An error means validity
	// could not be decided (the secret store is unreachable): the handler
	// then answers 503 with Retry-After, never 401, since a 401 tells Entra
	// its credentials are wrong and pushes the job towards quarantine.
	Check(ctx context.Context, token string) (bool, error)
}

// StaticTokens returns a TokenSource accepting exactly the given non-empty
// tokens; more than one allows rotation. Tokens are compared in constant
// time, through their SHA-256 digests so that not even their length leaks.
func StaticTokens(tokens ...string) TokenSource {
	var s staticTokens
	for _, t := range tokens {
		if t != "" {
			s = append(s, sha256.Sum256([]byte(t)))
		}
	}
	return s
}

type staticTokens [][sha256.Size]byte

func (s staticTokens) Check(_ context.Context, token string) (bool, error) {
	got := sha256.Sum256([]byte(token))
	ok := 0
	for _, want := range s {
		ok |= subtle.ConstantTimeCompare(got[:], want[:])
	}
	return ok == 1, nil
}

// authenticate requires a valid bearer token (RFC 6750 §2.1) on every
// request, discovery included. A missing or invalid token is a 401 SCIM error
// with WWW-Authenticate, and a token presented and found wrong is noted for
// the RejectedTokenMetric; a TokenSource failure is a 503 with Retry-After.
func (h *handler) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if ok {
			valid, err := h.tokens.Check(r.Context(), token)
			if err != nil {
				// The error is the token source's, about its store; it
				// never holds the token itself.
				h.log.LogAttrs(r.Context(), slog.LevelWarn, "cannot check bearer token",
					slog.String("request_id", requestIDOf(r)), slog.String("error", err.Error()))
				h.writeError(w, r, scim.Unavailable(retryAfterSeconds, "credentials cannot be checked right now; retry later"))
				return
			}
			ok = valid
			if info := infoOf(r.Context()); info != nil {
				info.rejectedToken = !valid
			}
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
			h.writeError(w, r, scim.Errorf(http.StatusUnauthorized, "", "a valid bearer token is required: send Authorization: Bearer <Secret Token>"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken returns the token of an Authorization header of the Bearer
// scheme, matched in any case, with any spacing.
func bearerToken(header string) (string, bool) {
	// The fields of strings.Fields, without the slice it allocates.
	scheme, rest := nextField(header)
	token, rest := nextField(rest)
	if !strings.EqualFold(scheme, "Bearer") || token == "" || strings.TrimSpace(rest) != "" {
		return "", false
	}
	return token, true
}

// nextField returns the first field of s, as strings.Fields splits it,
// and what follows the field.
func nextField(s string) (field, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}
