package filter_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// projected is a user with several emails and roles, as Attrs renders it.
const projected = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a",
	"emails":[{"value":"a@work.example","type":"work","primary":true},{"value":"a,b@home.example","type":"home"},{"value":"a@other.example","type":"work"}],
	"roles":[{"value":"Admin","primary":true},{"value":"Reader","primary":false}],
	"name":{"givenName":"A","familyName":"B"}}`

// TestProjectionWithValueFilters checks attributes and excludedAttributes
// entries that carry a value filter (issue 11 item 4): only the elements
// the filter matches are returned, or left out.
func TestProjectionWithValueFilters(t *testing.T) {
	const head = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1"`
	for _, tc := range []struct {
		name, attributes, excluded, want string
	}{
		{
			name:       "only the work emails",
			attributes: `emails[type eq "work"]`,
			want:       `{` + head + `,"emails":[{"value":"a@work.example","type":"work","primary":true},{"value":"a@other.example","type":"work"}]}`,
		},
		{
			name:       "only the email with that value",
			attributes: `emails[value eq "a@other.example"]`,
			want:       `{` + head + `,"emails":[{"value":"a@other.example","type":"work"}]}`,
		},
		{
			name:       "a sub-attribute of the matching elements",
			attributes: `emails[type eq "work"].value,userName`,
			want:       `{` + head + `,"userName":"a","emails":[{"value":"a@work.example"},{"value":"a@other.example"}]}`,
		},
		{
			name:       "two filters select the elements either matches",
			attributes: `emails[type eq "home"],emails[primary eq true]`,
			want:       `{` + head + `,"emails":[{"value":"a@work.example","type":"work","primary":true},{"value":"a,b@home.example","type":"home"}]}`,
		},
		{
			name:       "a comma inside a quoted value",
			attributes: `emails[value eq "a,b@home.example"]`,
			want:       `{` + head + `,"emails":[{"value":"a,b@home.example","type":"home"}]}`,
		},
		{
			name:       "the attribute named without a filter as well: all of it",
			attributes: `emails[type eq "home"],emails`,
			want:       `{` + head + `,"emails":[{"value":"a@work.example","type":"work","primary":true},{"value":"a,b@home.example","type":"home"},{"value":"a@other.example","type":"work"}]}`,
		},
		{
			name:       "a filter that matches nothing returns no attribute",
			attributes: `emails[type eq "fax"]`,
			want:       `{` + head + `}`,
		},
		{
			name:       "names and values as Entra spells them",
			attributes: `EMAILS[TYPE eq "work" and Value ew "other.example"],roles[primary eq "True"]`,
			want:       `{` + head + `,"emails":[{"value":"a@other.example","type":"work"}],"roles":[{"value":"Admin","primary":true}]}`,
		},
		{
			name:     "excluded: the matching elements are left out",
			excluded: `emails[type eq "work"],roles,name,userName`,
			want:     `{` + head + `,"emails":[{"value":"a,b@home.example","type":"home"}]}`,
		},
		{
			name:     "excluded: a sub-attribute of the matching elements is left out",
			excluded: `emails[type eq "work"].value,roles,name,userName`,
			want:     `{` + head + `,"emails":[{"type":"work","primary":true},{"value":"a,b@home.example","type":"home"},{"type":"work"}]}`,
		},
		{
			name:       "an attribute the schemas do not know is ignored",
			attributes: `userName,nosuch[value eq "x"]`,
			want:       `{` + head + `,"userName":"a"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := filter.Projection(scim.Users, tc.attributes, tc.excluded)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Apply(mustJSON(t, projected))
			if want := mustJSON(t, tc.want); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

// TestProjectionWithAValueFilterKeepsPart checks that Keeps, by which a
// resource is rendered without being decoded, never calls an attribute
// under a value filter whole: only Apply can filter its elements.
func TestProjectionWithAValueFilterKeepsPart(t *testing.T) {
	for _, tc := range []struct{ attributes, excluded string }{
		{`emails[type eq "work"]`, ""},
		{"", `emails[type eq "work"]`},
		{`emails[type eq "work"].value`, ""},
	} {
		p, err := filter.Projection(scim.Users, tc.attributes, tc.excluded)
		if err != nil {
			t.Fatal(err)
		}
		if keep, whole := p.Keeps("", "emails"); !keep || whole {
			t.Errorf("attributes=%s excludedAttributes=%s: Keeps(emails) = %v, %v; want true, false", tc.attributes, tc.excluded, keep, whole)
		}
	}
}

func TestProjectionRefusesBadValueFilters(t *testing.T) {
	for _, tc := range []struct{ attributes, scimType string }{
		{`emails[type eq]`, scim.InvalidPath},
		{`emails[type eq "work"`, scim.InvalidPath},
		{`emails[nosuch eq "x"]`, scim.InvalidFilter},
		{`userName[value eq "x"]`, scim.InvalidFilter},
	} {
		t.Run(tc.attributes, func(t *testing.T) {
			_, err := filter.Projection(scim.Users, tc.attributes, "")
			e, ok := errors.AsType[*scim.Error](err)
			if !ok || e.Status != 400 || e.ScimType != tc.scimType {
				t.Fatalf("got %v, want a 400 %s", err, tc.scimType)
			}
		})
	}
}

func TestProjectionWithAValueFilterOnMembersReadsThem(t *testing.T) {
	p, err := filter.Projection(scim.Groups, `displayName,members[value eq "u1"]`, "")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Includes("members") {
		t.Error("Includes(members) = false, want true")
	}
	got := p.Apply(mustJSON(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"S","members":[{"value":"u1"},{"value":"u2"}]}`))
	want := mustJSON(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"S","members":[{"value":"u1"}]}`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func mustJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return m
}
