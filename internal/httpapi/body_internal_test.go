package httpapi

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// TestResponsesOverLambdasLimitSayWhatToAskInstead renders bodies on both
// sides of maxResponseBody: the larger is not written but answered with a
// SCIM error naming the parameters that shrink it, never a body Lambda
// would refuse.
func TestResponsesOverLambdasLimitSayWhatToAskInstead(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int
		tooMany bool
	}{
		{"at the limit", maxResponseBody, false},
		{"over the limit", maxResponseBody + 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			w.Header().Set("ETag", `W/"1"`)
			err := writeRendered(w, http.StatusOK, func(dst []byte) ([]byte, error) {
				return append(dst, bytes.Repeat([]byte("x"), tc.size)...), nil
			})
			var e *scim.Error
			if !tc.tooMany {
				if err != nil || w.Body.Len() != tc.size {
					t.Fatalf("error %v, %d bytes written; want the body", err, w.Body.Len())
				}
				return
			}
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.ScimType != scim.TooMany {
				t.Fatalf("got %v, want a 400 tooMany SCIM error", err)
			}
			if !strings.Contains(e.Detail, "excludedAttributes=members") || !strings.Contains(e.Detail, "count") {
				t.Errorf("the detail does not say what to ask instead: %s", e.Detail)
			}
			if w.Body.Len() != 0 || w.Header().Get("ETag") != "" {
				t.Errorf("wrote %d bytes and ETag %q, want nothing", w.Body.Len(), w.Header().Get("ETag"))
			}
		})
	}
}
