package filter_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

const (
	enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	custom     = "urn:ietf:params:scim:schemas:extension:Foo:2.0:User"
)

func attr(s string) scim.AttrPath {
	p, ok := scim.ParseAttrPath(s)
	if !ok {
		panic("bad attribute path in test: " + s)
	}
	return p
}

func cmp(path, op string, v any) *filter.Compare {
	return &filter.Compare{Attr: attr(path), Op: op, Value: v}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     filter.Expr
	}{
		{"entra user lookup", `userName eq "alice@contoso.com"`, cmp("userName", "eq", "alice@contoso.com")},
		{"entra group lookup", `displayName eq "Sales"`, cmp("displayName", "eq", "Sales")},
		{"externalId", `externalId eq "8aa1a0c0-1"`, cmp("externalId", "eq", "8aa1a0c0-1")},
		{"entra email matching", `emails[type eq "work"].value eq "x@y.com"`, &filter.ValuePath{
			Attr:   attr("emails"),
			Filter: &filter.And{Left: cmp("type", "eq", "work"), Right: cmp("value", "eq", "x@y.com")},
		}},
		{"legacy manager check", `id eq "x" and manager eq "y"`, &filter.And{Left: cmp("id", "eq", "x"), Right: cmp("manager", "eq", "y")}},
		{"legacy members check", `id eq "x" and members eq "y"`, &filter.And{Left: cmp("id", "eq", "x"), Right: cmp("members", "eq", "y")}},
		{"enterprise urn", enterprise + `:department eq "Eng"`, cmp(enterprise+":department", "eq", "Eng")},
		{"enterprise urn with sub-attribute", enterprise + `:manager.value eq "m1"`, cmp(enterprise+":manager.value", "eq", "m1")},
		{"custom extension urn", custom + `:bar eq "x"`, cmp(custom+":bar", "eq", "x")},
		{"uppercase operators and keywords", `userName EQ "a" AND title Pr OR active eq TRUE`, &filter.Or{
			Left:  &filter.And{Left: cmp("userName", "eq", "a"), Right: cmp("title", "pr", nil)},
			Right: cmp("active", "eq", true),
		}},
		{"all value operators", `a ne 1 and b co "x" and c sw "y" and d ew "z"`, &filter.And{
			Left: &filter.And{
				Left:  &filter.And{Left: cmp("a", "ne", json.Number("1")), Right: cmp("b", "co", "x")},
				Right: cmp("c", "sw", "y"),
			},
			Right: cmp("d", "ew", "z"),
		}},
		{"ordering operators", `a gt 1 or b ge 2 or c lt 3 or d le 4`, &filter.Or{
			Left: &filter.Or{
				Left:  &filter.Or{Left: cmp("a", "gt", json.Number("1")), Right: cmp("b", "ge", json.Number("2"))},
				Right: cmp("c", "lt", json.Number("3")),
			},
			Right: cmp("d", "le", json.Number("4")),
		}},
		{"and binds tighter than or", `a pr or b pr and c pr`, &filter.Or{
			Left:  cmp("a", "pr", nil),
			Right: &filter.And{Left: cmp("b", "pr", nil), Right: cmp("c", "pr", nil)},
		}},
		{"parentheses group", `(a pr or b pr) and c pr`, &filter.And{
			Left:  &filter.Or{Left: cmp("a", "pr", nil), Right: cmp("b", "pr", nil)},
			Right: cmp("c", "pr", nil),
		}},
		{"not", `not (userName eq "x")`, &filter.Not{X: cmp("userName", "eq", "x")}},
		{"not without space, uppercase", `NOT(a pr)`, &filter.Not{X: cmp("a", "pr", nil)}},
		{"attribute named not", `not pr`, cmp("not", "pr", nil)},
		{"value path", `emails[type eq "work" and value co "@contoso.com"]`, &filter.ValuePath{
			Attr:   attr("emails"),
			Filter: &filter.And{Left: cmp("type", "eq", "work"), Right: cmp("value", "co", "@contoso.com")},
		}},
		{"value path with not and groups", `emails[not (type eq "work") or (primary eq true)]`, &filter.ValuePath{
			Attr:   attr("emails"),
			Filter: &filter.Or{Left: &filter.Not{X: cmp("type", "eq", "work")}, Right: cmp("primary", "eq", true)},
		}},
		{"value path in a logical expression", `userName sw "a" and emails[type eq "work"]`, &filter.And{
			Left:  cmp("userName", "sw", "a"),
			Right: &filter.ValuePath{Attr: attr("emails"), Filter: cmp("type", "eq", "work")},
		}},
		{"entra form with pr", `emails[type eq "work"].value pr`, &filter.ValuePath{
			Attr:   attr("emails"),
			Filter: &filter.And{Left: cmp("type", "eq", "work"), Right: cmp("value", "pr", nil)},
		}},
		{"sub-attribute", `name.givenName eq "Alice"`, cmp("name.givenName", "eq", "Alice")},
		{"meta dateTime", `meta.lastModified gt "2024-01-01T00:00:00Z"`, cmp("meta.lastModified", "gt", "2024-01-01T00:00:00Z")},
		{"escapes", `userName eq "a\"b\\c\u00e9\/\n"`, cmp("userName", "eq", "a\"b\\cé/\n")},
		{"surrogate pair", `displayName eq "\ud83d\ude00"`, cmp("displayName", "eq", "😀")},
		{"utf-8 literal", `displayName eq "Zoë ẞ"`, cmp("displayName", "eq", "Zoë ẞ")},
		{"empty string", `userName eq ""`, cmp("userName", "eq", "")},
		{"false and null", `active eq false or title eq NULL`, &filter.Or{Left: cmp("active", "eq", false), Right: cmp("title", "eq", nil)}},
		{"numbers", `a eq -1.5e+3 or b eq 0 or c eq 10.25`, &filter.Or{
			Left:  &filter.Or{Left: cmp("a", "eq", json.Number("-1.5e+3")), Right: cmp("b", "eq", json.Number("0"))},
			Right: cmp("c", "eq", json.Number("10.25")),
		}},
		{"plus as space", `userName+eq+"a+b@contoso.com"+and+active+eq+true`, &filter.And{
			Left: cmp("userName", "eq", "a+b@contoso.com"), Right: cmp("active", "eq", true),
		}},
		{"tabs and runs of spaces", "\t userName  \t eq   \"x\"  ", cmp("userName", "eq", "x")},
		{"no space before a string", `userName eq"x"`, cmp("userName", "eq", "x")},
		{"nested parentheses", `((((a pr))))`, cmp("a", "pr", nil)},
		{"urn value path", custom + `:tags[value eq "x"]`, &filter.ValuePath{Attr: attr(custom + ":tags"), Filter: cmp("value", "eq", "x")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := filter.Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ``},
		{"only spaces", `  + `},
		{"attribute alone", `userName`},
		{"missing value", `userName eq`},
		{"unknown operator", `userName like "a"`},
		{"unterminated string", `userName eq "alice`},
		{"escaped closing quote", `userName eq "alice\"`},
		{"bad escape", `userName eq "a\qb"`},
		{"short unicode escape", `userName eq "\u00e"`},
		{"raw control character", "userName eq \"a\x01b\""},
		{"single quotes", `userName eq 'alice'`},
		{"bare word value", `userName eq alice`},
		{"leading zero", `a eq 01`},
		{"trailing dot", `a eq 1.`},
		{"empty exponent", `a eq 1e`},
		{"lone minus", `a eq -`},
		{"number glued to a word", `a eq 12abc`},
		{"pr with a value", `title pr "x"`},
		{"dangling and", `userName eq "a" and`},
		{"leading or", `or userName eq "a"`},
		{"two expressions without operator", `userName eq "a" userName eq "b"`},
		{"unbalanced open paren", `(userName eq "a"`},
		{"unbalanced close paren", `userName eq "a")`},
		{"empty parentheses", `()`},
		{"not without parentheses", `not userName eq "a"`},
		{"unclosed value path", `emails[type eq "work"`},
		{"empty value path", `emails[]`},
		{"nested value path", `emails[type[value eq "x"]]`},
		{"value path after sub-attribute", `name.givenName[value eq "x"]`},
		{"value path without comparison", `emails[type eq "work"].value`},
		{"value path sub-attribute with urn", `emails[type eq "work"].` + enterprise + `:x eq "y"`},
		{"space before value path bracket", `emails [type eq "work"]`},
		{"bad attribute name", `1userName eq "a"`},
		{"too many sub-attributes", `name.givenName.x eq "a"`},
		{"bare schema urn", enterprise + ` eq "a"`},
		{"empty urn segment", `urn::x eq "a"`},
		{"two values", `active eq true false`},
		{"stray bracket", `userName eq "a"]`},
		{"plus inside a word", `user+Name eq "a"`},
		{"too long", `userName eq "` + strings.Repeat("a", 4096) + `"`},
		{"too deep", strings.Repeat("(", 33) + "a pr" + strings.Repeat(")", 33)},
		{"too deep with not", strings.Repeat("not (", 33) + "a pr" + strings.Repeat(")", 33)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := filter.Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", tt.in, got)
			}
			assertSCIMError(t, err, scim.InvalidFilter)
		})
	}
}

func TestParseDepthLimitIsInclusive(t *testing.T) {
	in := strings.Repeat("(", 32) + "a pr" + strings.Repeat(")", 32)
	if _, err := filter.Parse(in); err != nil {
		t.Errorf("Parse(32 nested groups): %v, want success", err)
	}
}

func TestParseErrorDetail(t *testing.T) {
	_, err := filter.Parse(`userName eq "a" xor displayName eq "b"`)
	var se *scim.Error
	if !errors.As(err, &se) {
		t.Fatalf("Parse error %v, want a *scim.Error", err)
	}
	if want := `"xor"`; !strings.Contains(se.Detail, want) {
		t.Errorf("detail %q, want it to name %s", se.Detail, want)
	}
}

func TestStringReparses(t *testing.T) {
	for _, in := range []string{
		`userName eq "a\"b\\c" and (title pr or not (active eq false))`,
		`a pr and (b pr and c pr)`,
		`(a pr or b pr) and (c pr or d pr)`,
		`a pr or (b pr or c pr)`,
		`emails[(type eq "work" or type eq "home")].value eq "x"`,
		"displayName eq \"tab\\there\\u0001\"",
		enterprise + `:manager.value eq "m" or x eq -2.5E-3 or y eq null`,
	} {
		e, err := filter.Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		s := e.(interface{ String() string }).String()
		again, err := filter.Parse(s)
		if err != nil {
			t.Fatalf("Parse(String() = %q): %v", s, err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Errorf("Parse(%q) = %s, want %s", s, again, e)
		}
	}
}

func assertSCIMError(t *testing.T, err error, scimType string) {
	t.Helper()
	var se *scim.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want a *scim.Error", err, err)
	}
	if se.Status != 400 || se.ScimType != scimType {
		t.Errorf("error status %d scimType %q, want 400 %q (%v)", se.Status, se.ScimType, scimType, se)
	}
}
