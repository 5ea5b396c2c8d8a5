package codec_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// TestDecodeObjectLimits checks the bounds DecodeObject keeps before and
// after decoding: elements counted on the wire, and member names once per
// object.
func TestDecodeObjectLimits(t *testing.T) {
	many := func(n int) string { return `{"a":[` + strings.TrimSuffix(strings.Repeat("1,", n), ",") + `]}` }
	tests := []struct {
		name     string
		body     string
		status   int
		scimType string
	}{
		{"elements at the limit", many(codec.MaxElements - 2), 0, ""},
		{"elements past the limit", many(codec.MaxElements + 1), http.StatusRequestEntityTooLarge, scim.TooMany},
		{"commas inside strings do not count", `{"a":"` + strings.Repeat(",", 2*codec.MaxElements) + `"}`, 0, ""},
		{"a name twice", `{"a":1,"a":2}`, http.StatusBadRequest, scim.InvalidSyntax},
		{"a name twice in a nested object", `{"a":[{"b":1,"c":{"d":1,"d":1}}]}`, http.StatusBadRequest, scim.InvalidSyntax},
		{"one name in two objects", `{"a":{"b":1},"c":{"b":1}}`, 0, ""},
		{"colons inside strings do not count", `{"a":"b:c","d":["e:f"]}`, 0, ""},
		{"names differing in case", `{"a":1,"A":2}`, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := codec.DecodeObject([]byte(tc.body), "the body")
			var e *scim.Error
			switch {
			case tc.status == 0 && err != nil:
				t.Errorf("got error %v, want none", err)
			case tc.status == 0:
			case !errors.As(err, &e):
				t.Errorf("got %v, want a %d *scim.Error", err, tc.status)
			case e.Status != tc.status || e.ScimType != tc.scimType:
				t.Errorf("got %d %s (%s), want %d %s", e.Status, e.ScimType, e.Detail, tc.status, tc.scimType)
			}
		})
	}
}
