package filter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

func TestCheck(t *testing.T) {
	// Each case's last field is the attribute the error must name, or ""
	// for success.
	tests := []checkCase{
		{"core attributes", scim.Users, `userName eq "a" and name.GivenName pr and meta.lastModified gt "2024-01-01T00:00:00Z"`, ""},
		{"entra email matching", scim.Users, `emails[type eq "work"].Value eq "x"`, ""},
		{"legacy manager", scim.Users, `id eq "x" and manager eq "y"`, ""},
		{"legacy members", scim.Groups, `id eq "x" and members eq "y"`, ""},
		{"enterprise urn", scim.Users, enterprise + `:manager.value eq "x"`, ""},
		{"unknown extension", scim.Users, custom + `:anything[whatever eq 1]`, ""},
		{"unknown attribute", scim.Users, `userName eq "a" or fooBar eq "x"`, "fooBar"},
		{"unknown sub-attribute", scim.Users, `name.nickName eq "x"`, "name.nickName"},
		{"unknown value path sub-attribute", scim.Users, `emails[kind eq "work"]`, "kind"},
		{"unknown entra sub-attribute", scim.Users, `emails[type eq "work"].address eq "x"`, "address"},
		{"unknown enterprise attribute", scim.Users, enterprise + `:shoeSize eq 42`, "shoeSize"},
		{"user attribute on groups", scim.Groups, `userName eq "a"`, "userName"},
		{"group attribute on users", scim.Users, `not (members eq "a")`, "members"},
		{"unknown core urn attribute", scim.Users, `urn:ietf:params:scim:schemas:core:2.0:User:bogus eq "a"`, "bogus"},
		{"value path on a string", scim.Users, `userName[value eq "a"]`, "userName"},
		{"a boolean has no order", scim.Users, `active gt true`, "active"},
		{"a boolean sub-attribute has no order", scim.Users, `emails[primary le false]`, "primary"},
		{"a binary has no order", scim.Users, `x509Certificates.value ge "MII"`, "x509Certificates.value"},
		{"a boolean compares for equality", scim.Users, `active eq "True" and emails[primary ne false]`, ""},
	}
	runCheckCases(t, tests)
}

func TestCheckRejectsNestedValuePath(t *testing.T) {
	e := &filter.ValuePath{Attr: attr("emails"), Filter: &filter.ValuePath{Attr: attr("type"), Filter: cmp("value", "pr", nil)}}
	assertSCIMError(t, filter.Check(scim.Users, e), scim.InvalidFilter)
	if filter.Match(scim.Users, e, map[string]any{"emails": []any{map[string]any{"type": "work"}}}) {
		t.Error("Match of a nested value path = true, want false")
	}
}

// TestDateTimeComparisonsNeedADateTime checks that a dateTime attribute
// compared with a value that is no dateTime is an invalidFilter naming the
// value, while valid date-times, quoted or not, with up to seven fractional
// digits and any offset, pr and the substring operators still pass.
func TestDateTimeComparisonsNeedADateTime(t *testing.T) {
	// Each case's last field is the value the error must name, or "" for
	// success.
	tests := []checkCase{
		{"a quoted date-time", scim.Users, `meta.lastModified gt "2024-01-01T00:00:00Z"`, ""},
		{"seven fractional digits and an offset", scim.Users, `meta.created gt "2015-10-10T14:38:21.8617979-07:00"`, ""},
		{"an unquoted date-time", scim.Groups, `meta.created le 2015-10-10T14:38:21+02:00 and meta.lastModified ne 2015-10-10T14:38:21Z`, ""},
		{"present", scim.Users, `meta.created pr and not (meta.lastModified pr)`, ""},
		{"a substring of the text", scim.Users, `meta.created sw "2024-" or meta.lastModified co T12`, ""},
		{"null", scim.Users, `meta.created eq null`, ""},
		{"a word", scim.Users, `meta.lastModified gt "not-a-date"`, `"not-a-date"`},
		{"an unquoted word", scim.Groups, `meta.lastModified lt yesterday`, `"yesterday"`},
		{"a date without a time", scim.Users, `meta.created ge "2024-01-01"`, `"2024-01-01"`},
		{"a date-time without an offset", scim.Users, `meta.created eq "2024-01-01T00:00:00"`, ""},
		{"a time without a date", scim.Users, `meta.created eq "12:00:00Z"`, `"12:00:00Z"`},
		{"a date-time with a zone name", scim.Users, `meta.created lt "2024-01-01T00:00:00 CET"`, `"2024-01-01T00:00:00 CET"`},
		{"a number", scim.Users, `meta.created gt 1700000000`, "1700000000"},
		{"a boolean", scim.Groups, `meta.created ne true`, "true"},
		{"inside an and", scim.Users, `userName eq "a" and meta.lastModified ge "soon"`, `"soon"`},
	}
	runCheckCases(t, tests)
}

// checkCase is a filter checked against a resource type, and what the
// invalidFilter error's detail must name ("" when the filter is valid).
type checkCase struct {
	name   string
	rt     *scim.ResourceType
	filter string
	names  string
}

func runCheckCases(t *testing.T, tests []checkCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := filter.Parse(tt.filter)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.filter, err)
			}
			err = filter.Check(tt.rt, e)
			if tt.names == "" {
				if err != nil {
					t.Errorf("Check(%q) = %v, want nil", tt.filter, err)
				}
				return
			}
			assertSCIMError(t, err, scim.InvalidFilter)
			var se *scim.Error
			if errors.As(err, &se) && !strings.Contains(se.Detail, tt.names) {
				t.Errorf("Check(%q) detail %q, want it to name %s", tt.filter, se.Detail, tt.names)
			}
		})
	}
}
