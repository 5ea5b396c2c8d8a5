package scim_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

const fullUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a","active":true,
	"name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@x","type":"work"}],
	"groups":[{"value":"g1","type":"direct"}],"meta":{"resourceType":"User"},
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"7"}}`

func TestProjectionFollowsParametersAndReturnedRules(t *testing.T) {
	tests := []struct {
		name, attributes, excluded string
		want                       string
	}{
		{"no parameters returns everything", "", "", fullUser},
		{
			"attributes keeps id and schemas", "userName", "",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a"}`,
		},
		{
			"attributes with a sub-attribute", "name.givenName,emails.value", "",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","name":{"givenName":"A"},"emails":[{"value":"a@x"}]}`,
		},
		{
			"attributes naming an extension attribute", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng"}}`,
		},
		{
			"excluded attributes in any case", "", "GROUPS,name.familyName,meta",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a","active":true,
			"name":{"givenName":"A"},"emails":[{"value":"a@x","type":"work"}],
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"7"}}`,
		},
		{
			"id cannot be excluded", "", "id,userName,active,name,emails,groups,meta,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1"}`,
		},
		{
			"unknown names are ignored", "userName,nosuch", "",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := scim.Users.NewProjection(tt.attributes, tt.excluded, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Apply(decode(t, fullUser))
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

func TestProjectionIncludesTellsWhetherMembersAreNeeded(t *testing.T) {
	for _, tt := range []struct {
		attributes, excluded string
		want                 bool
	}{
		{"", "", true},
		{"", "members", false},
		{"", "Members", false},
		{"displayName", "", false},
		{"members.value", "", true},
	} {
		p, err := scim.Groups.NewProjection(tt.attributes, tt.excluded, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Includes("members"); got != tt.want {
			t.Errorf("attributes=%q excludedAttributes=%q: Includes(members) = %v, want %v", tt.attributes, tt.excluded, got, tt.want)
		}
	}
}

func TestParseAttrPath(t *testing.T) {
	tests := []struct {
		in   string
		want scim.AttrPath
		ok   bool
	}{
		{"userName", scim.AttrPath{Name: "userName"}, true},
		{"name.givenName", scim.AttrPath{Name: "name", Sub: "givenName"}, true},
		{"members.$ref", scim.AttrPath{Name: "members", Sub: "$ref"}, true},
		{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
			scim.AttrPath{URN: scim.EnterpriseUserSchema, Name: "manager", Sub: "value"}, true},
		{"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:department",
			scim.AttrPath{URN: scim.EnterpriseUserSchema, Name: "department"}, true},
		{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", scim.AttrPath{URN: scim.EnterpriseUserSchema}, true},
		{"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:badge",
			scim.AttrPath{URN: "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User", Name: "badge"}, true},
		{"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User",
			scim.AttrPath{URN: "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User"}, true},
		{"urn:scim:schemas:extension:slack:guest:1.0",
			scim.AttrPath{URN: "urn:scim:schemas:extension:slack:guest:1.0"}, true},
		{"urn:foo:bar", scim.AttrPath{URN: "urn:foo", Name: "bar"}, true},
		{"", scim.AttrPath{}, false},
		{"1abc", scim.AttrPath{}, false},
		{"a b", scim.AttrPath{}, false},
		{"name.", scim.AttrPath{}, false},
		{"name.given.Name", scim.AttrPath{}, false},
	}
	for _, tt := range tests {
		got, ok := scim.ParseAttrPath(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseAttrPath(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
