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
		// Unquoted values (docs/decisions.md, "Filter parser").
		{"bare word", `userName sw O`, cmp("userName", "sw", "O")},
		{"bare words in groups", `name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)`, &filter.And{
			Left:  cmp("name.familyName", "eq", "Employee"),
			Right: &filter.Or{Left: cmp("emails.value", "co", "example.com"), Right: cmp("emails.value", "co", "example.org")},
		}},
		{"bare date-time with seven digits and an offset", `meta.created gt 2015-10-10T14:38:21.8617979-07:00`, cmp("meta.created", "gt", "2015-10-10T14:38:21.8617979-07:00")},
		{"bare date-time with a plus offset", `meta.created gt 2015-10-10T14:38:21+02:00`, cmp("meta.created", "gt", "2015-10-10T14:38:21+02:00")},
		{"bare date-time with plus for spaces", `(meta.created+gt+2015-10-10T14:38:21+02:00)+and+userName+eq+x`, &filter.And{
			Left: cmp("meta.created", "gt", "2015-10-10T14:38:21+02:00"), Right: cmp("userName", "eq", "x"),
		}},
		{"bare exponent with plus for spaces", `a+eq+1e+3+and+b+eq+1e+and+c+pr`, &filter.And{
			Left:  &filter.And{Left: cmp("a", "eq", json.Number("1e+3")), Right: cmp("b", "eq", "1e")},
			Right: cmp("c", "pr", nil),
		}},
		{"bare word with an apostrophe", `userName eq O'Brien`, cmp("userName", "eq", "O'Brien")},
		{"bare word with non-ASCII letters", `displayName eq Zoë`, cmp("displayName", "eq", "Zoë")},
		{"bare word that looks like an attribute", `displayName eq userName`, cmp("displayName", "eq", "userName")},
		{"bare word that looks like an operator", `title eq pr`, cmp("title", "eq", "pr")},
		{"bare words in a value path", `emails[type eq work].value eq a@contoso.com`, &filter.ValuePath{
			Attr:   attr("emails"),
			Filter: &filter.And{Left: cmp("type", "eq", "work"), Right: cmp("value", "eq", "a@contoso.com")},
		}},
		{"bare word before a closing bracket", `emails[value co example.com]`, &filter.ValuePath{Attr: attr("emails"), Filter: cmp("value", "co", "example.com")}},
		{"bare True is a boolean", `roles[primary eq True]`, &filter.ValuePath{Attr: attr("roles"), Filter: cmp("primary", "eq", true)}},
		{"quoted True is a string", `roles[primary eq "True"]`, &filter.ValuePath{Attr: attr("roles"), Filter: cmp("primary", "eq", "True")}},
		{"bare number", `a eq 42`, cmp("a", "eq", json.Number("42"))},
		{"bare word with a leading zero", `a eq 01`, cmp("a", "eq", "01")},
		{"bare word with a trailing dot", `a eq 1.`, cmp("a", "eq", "1.")},
		{"bare word with an empty exponent", `a eq 1e`, cmp("a", "eq", "1e")},
		{"bare minus", `a eq -`, cmp("a", "eq", "-")},
		{"bare word starting with digits", `externalId eq 0190a1b2-c3d4`, cmp("externalId", "eq", "0190a1b2-c3d4")},
		{"bare word keeps backslashes", `userName eq a\b`, cmp("userName", "eq", `a\b`)},
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
		{"single quotes in a value path", `emails[type eq 'work']`},
		{"keyword and as a value", `userName eq and`},
		{"keyword or as a value", `userName eq OR title pr`},
		{"keyword not as a value", `userName eq not`},
		{"two bare words", `userName eq alice bob`},
		{"bare word glued to a string", `userName eq ab"c"`},
		{"bare word before a bracket", `userName eq b[c eq d]`},
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
		`name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)`,
		`meta.created gt 2015-10-10T14:38:21.8617979-07:00 and userName sw O'Brien`,
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
