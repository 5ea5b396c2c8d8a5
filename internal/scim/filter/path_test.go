package filter_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want *filter.Path
	}{
		{`emails[type eq "work"].value`, &filter.Path{Attr: attr("emails"), Filter: cmp("type", "eq", "work"), Sub: "value"}},
		{`emails[type eq "other"].Value`, &filter.Path{Attr: attr("emails"), Filter: cmp("type", "eq", "other"), Sub: "Value"}},
		{`members[value eq "id"]`, &filter.Path{Attr: attr("members"), Filter: cmp("value", "eq", "id")}},
		{`name.givenName`, &filter.Path{Attr: scim.AttrPath{Name: "name", Sub: "givenName"}}},
		{`displayName`, &filter.Path{Attr: scim.AttrPath{Name: "displayName"}}},
		{enterprise + `:manager`, &filter.Path{Attr: scim.AttrPath{URN: enterprise, Name: "manager"}}},
		{enterprise + `:manager.value`, &filter.Path{Attr: scim.AttrPath{URN: enterprise, Name: "manager", Sub: "value"}}},
		{enterprise + `:employeeNumber`, &filter.Path{Attr: scim.AttrPath{URN: enterprise, Name: "employeeNumber"}}},
		{custom + `:bar`, &filter.Path{Attr: scim.AttrPath{URN: custom, Name: "bar"}}},
		{enterprise, &filter.Path{Attr: scim.AttrPath{URN: enterprise}}},
		{`addresses[type eq "work"].Formatted`, &filter.Path{Attr: attr("addresses"), Filter: cmp("type", "eq", "work"), Sub: "Formatted"}},
		{`phoneNumbers[type eq "mobile" and primary eq true].value`, &filter.Path{
			Attr:   attr("phoneNumbers"),
			Filter: &filter.And{Left: cmp("type", "eq", "mobile"), Right: cmp("primary", "eq", true)},
			Sub:    "value",
		}},
		{`members[value eq "a+b"]`, &filter.Path{Attr: attr("members"), Filter: cmp("value", "eq", "a+b")}},
		{` name.familyName `, &filter.Path{Attr: scim.AttrPath{Name: "name", Sub: "familyName"}}},
		{`roles[primary eq "True"].value`, &filter.Path{Attr: attr("roles"), Filter: cmp("primary", "eq", "True"), Sub: "value"}},
		{`roles[primary eq True].display`, &filter.Path{Attr: attr("roles"), Filter: cmp("primary", "eq", true), Sub: "display"}},
		{`emails[type eq work].value`, &filter.Path{Attr: attr("emails"), Filter: cmp("type", "eq", "work"), Sub: "value"}},
		{`x[a eq 2015-10-10T14:38:21+02:00]`, &filter.Path{Attr: attr("x"), Filter: cmp("a", "eq", "2015-10-10T14:38:21+02:00")}},
		{`x[a eq b+c]`, &filter.Path{Attr: attr("x"), Filter: cmp("a", "eq", "b+c")}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := filter.ParsePath(tt.in)
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParsePath(%q)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
			again, err := filter.ParsePath(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("ParsePath(String() = %q) = %v, %v; want %v", got.String(), again, err, got)
			}
		})
	}
}

func TestParsePathInvalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ``},
		{"a filter", `emails[type eq "work"].value eq "x"`},
		{"two sub-attributes", `name.givenName.x`},
		{"unclosed bracket", `members[value eq "id"`},
		{"dot without sub-attribute", `emails[type eq "work"].`},
		{"two sub-attributes after filter", `emails[type eq "work"].value.x`},
		{"filter on a schema", enterprise + `[x eq 1]`},
		{"filter on a sub-attribute", `name.givenName[x eq 1]`},
		{"nested value path", `emails[type[value eq 1]]`},
		{"plus is not a space in paths", `name.givenName+x`},
		{"bad name", `1name`},
		{"empty urn segment", `urn::`},
		{"urn with trailing colon", `urn:a:b:`},
		{"invalid UTF-8 in an unquoted value", "x[a eq \xff]"},
		{"too long", strings.Repeat("a", 4097)},
		{"too deep", `emails[` + strings.Repeat("(", 32) + "a pr" + strings.Repeat(")", 32) + `]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := filter.ParsePath(tt.in)
			if err == nil {
				t.Fatalf("ParsePath(%q) = %v, want an error", tt.in, got)
			}
			assertSCIMError(t, err, scim.InvalidPath)
		})
	}
}
