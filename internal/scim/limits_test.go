package scim_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
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
		{"elements at the limit", many(scim.MaxElements - 2), 0, ""},
		{"elements past the limit", many(scim.MaxElements + 1), http.StatusRequestEntityTooLarge, scim.TooMany},
		{"commas inside strings do not count", `{"a":"` + strings.Repeat(",", 2*scim.MaxElements) + `"}`, 0, ""},
		{"a name twice", `{"a":1,"a":2}`, http.StatusBadRequest, scim.InvalidSyntax},
		{"a name twice in a nested object", `{"a":[{"b":1,"c":{"d":1,"d":1}}]}`, http.StatusBadRequest, scim.InvalidSyntax},
		{"one name in two objects", `{"a":{"b":1},"c":{"b":1}}`, 0, ""},
		{"colons inside strings do not count", `{"a":"b:c","d":["e:f"]}`, 0, ""},
		{"names differing in case", `{"a":1,"A":2}`, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scim.DecodeObject([]byte(tc.body), "the body")
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

// TestNormalizeRefusesAnAttributeGivenTwice checks that a body naming one
// attribute under two keys is refused rather than kept in whichever order
// the map yields its keys.
func TestNormalizeRefusesAnAttributeGivenTwice(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		twice      bool
	}{
		{"two cases", `{"userName":"a","USERNAME":"b"}`, true},
		{"complex and its sub-attribute", `{"name":{"givenName":"a"},"name.givenName":"b"}`, true},
		{"sub-attribute in two cases", `{"name.givenName":"a","NAME.GIVENNAME":"b"}`, true},
		{"extension object and URN key", `{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"a"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"b"}`, true},
		{"two sub-attributes", `{"name.givenName":"a","name.familyName":"b"}`, false},
		{"core and extension attributes", `{"displayName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"b"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 { // map order varies between runs; either order must be refused
				_, err := scim.Users.Normalize(decode(t, tc.body))
				var e *scim.Error
				switch {
				case !tc.twice && err != nil:
					t.Fatalf("got error %v, want none", err)
				case tc.twice && (!errors.As(err, &e) || e.Status != http.StatusBadRequest || e.ScimType != scim.InvalidValue):
					t.Fatalf("got %v, want a 400 invalidValue", err)
				}
			}
		})
	}
}
