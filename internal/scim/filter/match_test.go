package filter_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// resource builds a stored resource the way the directory does: the body
// normalized by rt, plus the server-side id, meta and references.
func resource(t testing.TB, rt *scim.ResourceType, body string, server map[string]any) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader([]byte(body)))
	d.UseNumber()
	var in map[string]any
	if err := d.Decode(&in); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	res, err := rt.Normalize(in)
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	for k, v := range server {
		res[k] = v
	}
	return res
}

func alice(t testing.TB) map[string]any {
	return resource(t, scim.Users, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "`+enterprise+`"],
		"externalId": "alice", "userName": "Alice@Contoso.com", "active": true, "displayName": "Alice A",
		"emails": [{"primary": true, "type": "work", "value": "alice@contoso.com"},
		           {"type": "home", "value": "alice@home.example"}],
		"name": {"formatted": "Alice A", "familyName": "A", "givenName": "Alice"},
		"phoneNumbers": [{"type": "mobile", "value": "+1 555 0100"}],
		"addresses": [{"type": "work", "formatted": "1 Main St", "country": "US"}],
		"roles": [{"primary": "True", "value": "Admin"}],
		"ims": null,
		"`+enterprise+`": {"department": "Eng", "employeeNumber": "42", "manager": "m-1"},
		"`+custom+`": {"Bar": "Baz", "tags": ["x", "y"], "score": 7, "flag": true, "ref": {"value": "R-1"}}
	}`, map[string]any{
		"id": "u-1",
		"meta": map[string]any{
			"resourceType": "User", "created": "2024-01-02T03:04:05Z",
			"lastModified": "2024-06-01T12:00:00.5+02:00", "version": `W/"3"`,
		},
		"groups": []any{map[string]any{"value": "g-1", "display": "Sales"}},
	})
}

func bob(t testing.TB) map[string]any {
	return resource(t, scim.Users, `{"userName": "bob@contoso.com", "active": "False", "title": ""}`,
		map[string]any{"id": "u-2", "meta": map[string]any{"resourceType": "User", "lastModified": "2023-12-31T23:59:59Z"}})
}

func sales(t testing.TB) map[string]any {
	return resource(t, scim.Groups, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		"externalId": "8aa1a0c0", "displayName": "Sales", "meta": {"resourceType": "Group"}
	}`, map[string]any{
		"id":      "g-1",
		"members": []any{map[string]any{"value": "u-1", "display": "Alice A"}, map[string]any{"value": "u-2"}},
		"meta":    map[string]any{"resourceType": "Group", "created": "2024-01-02T03:04:05Z"},
	})
}

func TestMatch(t *testing.T) {
	a, b, g := alice(t), bob(t), sales(t)
	users := scim.Users
	tests := []struct {
		name   string
		rt     *scim.ResourceType
		filter string
		res    map[string]any
		want   bool
	}{
		{"userName eq ignores case", users, `userName eq "alice@contoso.com"`, a, true},
		{"userName eq other user", users, `userName eq "alice@contoso.com"`, b, false},
		{"attribute name ignores case", users, `USERNAME eq "ALICE@contoso.com"`, a, true},
		{"externalId is caseExact", users, `externalId eq "ALICE"`, a, false},
		{"externalId exact", users, `externalId eq "alice"`, a, true},
		{"id", users, `id eq "u-1"`, a, true},
		{"entra email matching", users, `emails[type eq "work"].value eq "Alice@Contoso.com"`, a, true},
		{"entra email matching needs same element", users, `emails[type eq "home"].value eq "alice@contoso.com"`, a, false},
		{"value path", users, `emails[type eq "work" and primary eq true]`, a, true},
		{"value path no element", users, `emails[type eq "other"]`, a, false},
		{"value path absent attribute", users, `emails[type eq "work"]`, b, false},
		{"value path on singular complex", users, `name[givenName eq "alice"]`, a, true},
		{"multi-valued sub-attribute any element", users, `emails.value eq "alice@home.example"`, a, true},
		{"multi-valued without sub compares value", users, `emails eq "alice@contoso.com"`, a, true},
		{"multi-valued co", users, `emails co "@home."`, a, true},
		{"sub-attribute", users, `name.givenName sw "AL"`, a, true},
		{"ew", users, `name.formatted ew " a"`, a, true},
		{"co", users, `displayName co "ce A"`, a, true},
		{"co misses", users, `displayName co "bob"`, a, false},
		{"boolean eq", users, `active eq true`, a, true},
		{"string-coerced boolean", users, `active eq false`, b, true},
		{"boolean vs the string true", users, `active eq "true"`, a, true},
		{"boolean vs the string True", users, `active eq "True"`, a, true},
		{"boolean vs the string FALSE", users, `active eq "FALSE"`, b, true},
		{"boolean vs the string False on true", users, `active eq "False"`, a, false},
		{"boolean ne the string True", users, `active ne "True"`, a, false},
		{"boolean vs another string", users, `active eq "yes"`, a, false},
		{"boolean vs a number", users, `active eq 1`, a, false},
		{"entra single app role", users, `roles[primary eq "True"].value eq "Admin"`, a, true},
		{"entra single app role, other value", users, `roles[primary eq "True"].value eq "Reader"`, a, false},
		{"string primary in an email filter", users, `emails[primary eq "true"].value eq "alice@contoso.com"`, a, true},
		{"string primary matches no non-primary email", users, `emails[type eq "home" and primary eq "True"]`, a, false},
		{"bare True primary", users, `emails[primary eq True].type eq work`, a, true},
		{"number literal on a string attribute", users, `employeeNumber eq 42`, a, true},
		{"number literal on a string attribute by urn", users, enterprise + `:employeeNumber sw 4`, a, true},
		{"boolean literal on a string attribute", users, `displayName eq true`, a, false},
		{"custom extension boolean vs string", users, custom + `:flag eq "true"`, a, false},
		{"custom extension boolean", users, custom + `:flag eq true`, a, true},
		{"bare word", users, `userName sw ALICE`, a, true},
		{"bare words and groups", users, `name.familyName eq a and (emails.value co contoso.com or emails.value co example.org)`, a, true},
		{"bare words and groups, other user", users, `name.familyName eq a and (emails.value co contoso.com or emails.value co example.org)`, b, false},
		{"bare dateTime with seven digits", users, `meta.created gt 2015-10-10T14:38:21.8617979-07:00`, a, true},
		{"bare dateTime, sub-attribute in another case", users, `meta.Created gt 2015-10-10T14:38:21.8617979-07:00`, a, true},
		{"bare dateTime lt", users, `meta.created lt 2015-10-10T14:38:21.8617979-07:00`, a, false},
		{"quoted dateTime with seven digits", users, `meta.created gt "2015-10-10T14:38:21.8617979-07:00"`, a, true},
		{"dateTime eq with seven zero digits", users, `meta.created eq 2024-01-02T03:04:05.0000000+00:00`, a, true},
		{"dateTime with seven digits against a stored fraction", users, `meta.lastModified lt 2024-06-01T10:00:00.5000001Z`, a, true},
		{"dateTime far offset", users, `meta.lastModified eq 2024-06-01T23:30:00.5+13:30`, a, true},
		{"boolean has no order", users, `active gt false`, a, false},
		{"coerced boolean in element", users, `roles[primary eq true].value eq "admin"`, a, true},
		{"legacy manager check", users, `id eq "u-1" and manager eq "m-1"`, a, true},
		{"legacy manager check wrong manager", users, `id eq "u-1" and manager eq "m-2"`, a, false},
		{"manager by urn and sub", users, enterprise + `:manager.value eq "m-1"`, a, true},
		{"enterprise department", users, enterprise + `:department eq "eng"`, a, true},
		{"bare enterprise attribute", users, `employeeNumber eq "42"`, a, true},
		{"custom extension exact", users, custom + `:bar eq "Baz"`, a, true},
		{"custom extension is caseExact", users, custom + `:bar eq "baz"`, a, false},
		{"custom extension urn ignores case", users, `urn:ietf:params:scim:schemas:extension:FOO:2.0:User:bar eq "Baz"`, a, true},
		{"custom multi-valued strings", users, custom + `:tags eq "y"`, a, true},
		{"custom value path on strings", users, custom + `:tags[value eq "x"]`, a, true},
		{"custom complex compares value", users, custom + `:ref eq "R-1"`, a, true},
		{"custom number", users, custom + `:score ge 7`, a, true},
		{"custom number gt", users, custom + `:score gt 7.5`, a, false},
		{"custom number vs string", users, custom + `:score eq "7"`, a, false},
		{"groups", users, `groups eq "g-1"`, a, true},
		{"groups display", users, `groups.display eq "sales"`, a, true},
		{"members legacy check", scim.Groups, `id eq "g-1" and members eq "u-2"`, g, true},
		{"members non-member", scim.Groups, `members eq "u-3"`, g, false},
		{"members value path", scim.Groups, `members[value eq "u-1"]`, g, true},
		{"members value is caseExact", scim.Groups, `members[value eq "U-1"]`, g, false},
		{"group displayName ignores case", scim.Groups, `displayName eq "SALES"`, g, true},
		{"pr", users, `title pr`, a, false},
		{"pr on empty string is false", users, `title pr`, b, false},
		{"pr on present", users, `displayName pr`, a, true},
		{"pr on multi-valued", users, `emails pr`, a, true},
		{"pr on multi-valued absent", users, `emails pr`, b, false},
		{"pr on sub-attribute", users, `addresses.country pr`, a, true},
		{"pr on extension", users, enterprise + `:manager pr`, a, true},
		{"eq null on absent", users, `nickName eq null`, a, true},
		{"eq null on present", users, `displayName eq null`, a, false},
		{"ne null", users, `displayName ne null`, a, true},
		{"ne", users, `userName ne "bob@contoso.com"`, a, true},
		{"ne on matching", users, `userName ne "ALICE@contoso.com"`, a, false},
		{"ne on absent", users, `nickName ne "x"`, a, true},
		{"ne on multi-valued is not eq", users, `emails.type ne "home"`, a, false},
		{"string gt after folding", users, `userName gt "ALICE"`, a, true},
		{"string lt", users, `userName lt "b"`, a, true},
		{"string le equal", users, `displayName le "alice a"`, a, true},
		{"dateTime gt by time", users, `meta.lastModified gt "2024-06-01T10:00:00Z"`, a, true},
		{"dateTime ge across zones", users, `meta.lastModified ge "2024-06-01T10:00:00.5Z"`, a, true},
		{"dateTime lt", users, `meta.lastModified lt "2024-06-01T10:00:00.4Z"`, a, false},
		{"dateTime eq across zones", users, `meta.created eq "2024-01-02T04:04:05+01:00"`, a, true},
		{"dateTime sw is a string match", users, `meta.created sw "2024-01"`, a, true},
		{"dateTime range", users, `meta.lastModified ge "2024-01-01T00:00:00Z" and meta.lastModified lt "2025-01-01T00:00:00Z"`, b, false},
		{"meta resourceType", users, `meta.resourceType eq "User"`, a, true},
		{"and", users, `userName sw "alice" and active eq true`, a, true},
		{"or", users, `userName eq "x" or displayName eq "alice a"`, a, true},
		{"not", users, `not (active eq true)`, a, false},
		{"not on other user", users, `not (active eq true)`, b, true},
		{"precedence", users, `userName eq "x" and title pr or active eq true`, a, true},
		{"grouping", users, `userName eq "x" and (title pr or active eq true)`, a, false},
		{"complex without value sub", users, `name eq "Alice"`, a, false},
		{"unknown attribute matches nothing", users, `foo eq "x"`, a, false},
		{"unknown attribute ne matches nothing", users, `foo ne "x"`, a, false},
		{"plus separated", users, `userName+eq+"alice@contoso.com"`, a, true},
		{"address sub-attribute in value path ignores case", users, `addresses[type eq "WORK"].Formatted eq "1 main st"`, a, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := filter.Parse(tt.filter)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.filter, err)
			}
			if got := filter.Match(tt.rt, e, tt.res); got != tt.want {
				t.Errorf("Match(%q) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}

func TestMatchElement(t *testing.T) {
	emails, _ := scim.Users.ResolveString("emails")
	members, _ := scim.Groups.ResolveString("members")
	tags, _ := scim.Users.ResolveString(custom + ":tags")
	work := map[string]any{"type": "work", "value": "a@contoso.com", "primary": true}
	tests := []struct {
		name   string
		rt     *scim.ResourceType
		attr   scim.Ref
		filter string
		elem   any
		want   bool
	}{
		{"type", scim.Users, emails, `type eq "work"`, work, true},
		{"type ignores case", scim.Users, emails, `TYPE eq "Work"`, work, true},
		{"other type", scim.Users, emails, `type eq "home"`, work, false},
		{"and", scim.Users, emails, `type eq "work" and primary eq true`, work, true},
		{"or", scim.Users, emails, `type eq "home" or value ew "@contoso.com"`, work, true},
		{"not", scim.Users, emails, `not (type eq "work")`, work, false},
		{"absent sub-attribute", scim.Users, emails, `display pr`, work, false},
		{"unknown sub-attribute", scim.Users, emails, `bogus eq "x"`, work, false},
		{"member value", scim.Groups, members, `value eq "u-1"`, map[string]any{"value": "u-1"}, true},
		{"member value is caseExact", scim.Groups, members, `value eq "U-1"`, map[string]any{"value": "u-1"}, false},
		{"string element as its value", scim.Users, tags, `value eq "x"`, "x", true},
		{"string element has no other sub-attribute", scim.Users, tags, `type eq "x"`, "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := filter.Parse(tt.filter)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.filter, err)
			}
			if got := filter.MatchElement(tt.rt, tt.attr, e, tt.elem); got != tt.want {
				t.Errorf("MatchElement(%q, %v) = %v, want %v", tt.filter, tt.elem, got, tt.want)
			}
		})
	}
}

func TestMatchPathFilter(t *testing.T) {
	p, err := filter.ParsePath(`emails[type eq "work"].value`)
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := scim.Users.Resolve(p.Attr)
	if !ok {
		t.Fatalf("Resolve(%v) failed", p.Attr)
	}
	var got []any
	for _, el := range alice(t)["emails"].([]any) {
		if filter.MatchElement(scim.Users, ref, p.Filter, el) {
			got = append(got, el.(map[string]any)["value"])
		}
	}
	if len(got) != 1 || got[0] != "alice@contoso.com" {
		t.Errorf("selected %v, want [alice@contoso.com]", got)
	}
}
