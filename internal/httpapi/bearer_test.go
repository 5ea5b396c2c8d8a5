package httpapi

import (
	"strings"
	"testing"
)

// FuzzBearerToken checks that bearerToken splits the header as
// strings.Fields does, which it replaced to save an allocation per request.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", " bearer\tabc ", "Bearer", "Bearer a b", "Bearer\u00a0abc", "Token abc", "Bearer \xffa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		fields := strings.Fields(header)
		wantOK := len(fields) == 2 && strings.EqualFold(fields[0], "Bearer")
		got, ok := bearerToken(header)
		if ok != wantOK || ok && got != fields[1] {
			t.Errorf("bearerToken(%q) = %q, %t; strings.Fields gives %q", header, got, ok, fields)
		}
	})
}
