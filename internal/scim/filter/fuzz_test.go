package filter_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

var fuzzSeeds = []string{
	`userName eq "alice@contoso.com"`,
	`displayName eq "Sales"`,
	`emails[type eq "work"].value eq "x@y.com"`,
	`id eq "x" and manager eq "y"`,
	`id eq "x" and members eq "y"`,
	enterprise + `:manager.value eq "m-1"`,
	custom + `:tags[value eq "x"]`,
	`userName+eq+"a+b"+AND+active+eq+TRUE`,
	`not (a pr) or (b gt 1.5e+3 and c le -0) or d eq null`,
	`meta.lastModified ge "2024-01-01T00:00:00Z"`,
	`emails[not (type eq "work") or primary eq false]`,
	`userName eq "\u00e9\"\\\ud83d\ude00"`,
	"displayName co \"\xff\"",
	`((((a pr))))`,
	`userName sw O`,
	`name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)`,
	`meta.created gt 2015-10-10T14:38:21.8617979-07:00`,
	`meta.lastModified gt "not-a-date" or meta.created eq 2024-01-01T00:00:00`,
	`meta.lastModified+le+2015-10-10T14:38:21+02:00+or+a+eq+1e+3`,
	`roles[primary eq "True"].value eq Admin`,
	`emails[type eq work and primary eq True]`,
	`userName eq O'Brien or x eq 01 or y eq - or z eq 1e`,
	`userName eq and`,
	`userName eq 'x'`,
}

// isLimit reports whether err is the length or depth limit, which a
// rendering may exceed where its input did not (escapes it expands, the
// parentheses it adds around an "or" inside Entra's value path form).
func isLimit(err error) bool {
	var se *scim.Error
	return errors.As(err, &se) && (strings.Contains(se.Detail, "too long") || strings.Contains(se.Detail, "too deep"))
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	users := []map[string]any{alice(f), bob(f)}
	group := sales(f)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := filter.Parse(s)
		if err != nil {
			var se *scim.Error
			if !errors.As(err, &se) || se.Status != 400 || se.ScimType != scim.InvalidFilter {
				t.Fatalf("Parse(%q) error %v, want a 400 invalidFilter *scim.Error", s, err)
			}
			return
		}
		for _, rt := range []*scim.ResourceType{scim.Users, scim.Groups} {
			var se *scim.Error
			if err := filter.Check(rt, e); err != nil && (!errors.As(err, &se) || se.Status != 400 || se.ScimType != scim.InvalidFilter) {
				t.Fatalf("Check(%s, %q) error %v, want a 400 invalidFilter *scim.Error", rt.Name, s, err)
			}
		}
		for _, u := range users {
			filter.Match(scim.Users, e, u)
		}
		filter.Match(scim.Groups, e, group)
		text := e.(interface{ String() string }).String()
		again, err := filter.Parse(text)
		if err != nil {
			if isLimit(err) {
				return
			}
			t.Fatalf("Parse(%q) = %s, whose rendering does not parse: %v", s, text, err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("Parse(%q) = %s, but its rendering parses as %s", s, text, again)
		}
	})
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		`emails[type eq "work"].value`,
		`members[value eq "id"]`,
		`name.givenName`,
		enterprise + `:manager`,
		enterprise + `:manager.value`,
		enterprise,
		custom + `:bar`,
		`urn:scim:schemas:extension:slack:guest:1.0`,
		`urn:scim:schemas:extension:slack:guest:1.0:type`,
		`urn:foo:bar:x.y`,
		`addresses[type eq "work"].Formatted`,
		`phoneNumbers[type eq "mobile" and not (primary eq false)].value`,
		`roles[primary eq "True"].value`,
		`roles[primary eq True].display`,
		`emails[type eq work].value`,
		`x[a eq 2015-10-10T14:38:21.8617979+02:00 or b eq c+d]`,
	} {
		f.Add(s)
	}
	emails := alice(f)["emails"].([]any)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := filter.ParsePath(s)
		if err != nil {
			var se *scim.Error
			if !errors.As(err, &se) || se.Status != 400 || se.ScimType != scim.InvalidPath {
				t.Fatalf("ParsePath(%q) error %v, want a 400 invalidPath *scim.Error", s, err)
			}
			return
		}
		if p.Filter != nil {
			ref, _ := scim.Users.Resolve(p.Attr)
			for _, el := range emails {
				filter.MatchElement(scim.Users, ref, p.Filter, el)
			}
			filter.MatchElement(scim.Users, ref, p.Filter, "x")
		}
		again, err := filter.ParsePath(p.String())
		if err != nil {
			if isLimit(err) {
				return
			}
			t.Fatalf("ParsePath(%q) = %s, whose rendering does not parse: %v", s, p, err)
		}
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("ParsePath(%q) = %s, but its rendering parses as %s", s, p, again)
		}
	})
}
