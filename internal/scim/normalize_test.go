package scim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return m
}

func TestNormalizeCanonicalisesEntraBodies(t *testing.T) {
	tests := []normalizeCase{
		{
			name: "Entra create body",
			rt:   scim.Users,
			in: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"externalId":"alice","userName":"alice@contoso.com","active":true,"displayName":"Alice A",
				"emails":[{"primary":true,"type":"work","value":"alice@contoso.com"}],
				"name":{"formatted":"Alice A","familyName":"A","givenName":"Alice"},
				"meta":{"resourceType":"User"},"roles":[],
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"42"}}`,
			want: `{"externalId":"alice","userName":"alice@contoso.com","active":true,"displayName":"Alice A",
				"emails":[{"primary":true,"type":"work","value":"alice@contoso.com"}],
				"name":{"formatted":"Alice A","familyName":"A","givenName":"Alice"},
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"42"}}`,
		},
		{
			name: "names resolve in any case",
			rt:   scim.Users,
			in:   `{"USERNAME":"a","Name":{"GivenName":"A"},"Emails":[{"Value":"a@x","TYPE":"work"}]}`,
			want: `{"userName":"a","name":{"givenName":"A"},"emails":[{"value":"a@x","type":"work"}]}`,
		},
		{
			name: "string booleans become booleans",
			rt:   scim.Users,
			in:   `{"userName":"a","active":"False","roles":[{"value":"r","primary":"True"}]}`,
			want: `{"userName":"a","active":false,"roles":[{"value":"r","primary":true}]}`,
		},
		{
			name: "nulls and empty strings are absent",
			rt:   scim.Users,
			in:   `{"userName":"a","addresses":null,"nickName":"","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":null}}`,
			want: `{"userName":"a"}`,
		},
		{
			name: "dotted and URN-qualified keys",
			rt:   scim.Users,
			in:   `{"userName":"a","name.givenName":"B","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Ops","urn:ietf:params:scim:schemas:core:2.0:User:title":"T"}`,
			want: `{"userName":"a","name":{"givenName":"B"},"title":"T","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}}`,
		},
		{
			name: "manager as a bare string, as an array and bare-named",
			rt:   scim.Users,
			in:   `{"userName":"a","manager":[{"value":"m1","$ref":"../Users/m1"}]}`,
			want: `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"}}}`,
		},
		{
			name: "custom extension kept exactly as sent",
			rt:   scim.Users,
			in:   `{"userName":"a","urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"Badge":{"n":7,"tags":["x"]}}}`,
			want: `{"userName":"a","urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"Badge":{"n":7,"tags":["x"]}}}`,
		},
		{
			name: "Entra's AppRoleAssignmentsComplex POST: displayName of a role is its display",
			rt:   scim.Users,
			in: `{"userName":"a","roles":[
				{"primary":false,"type":"WindowsAzureActiveDirectoryRole","displayName":"Admin","value":"Admin"},
				{"primary":"False","type":"WindowsAzureActiveDirectoryRole","display":"User","DisplayName":"ignored","value":"User"}]}`,
			want: `{"userName":"a","roles":[
				{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Admin","value":"Admin"},
				{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"}]}`,
		},
		{
			name: "a role sent as a JSON document is the role it describes",
			rt:   scim.Users,
			in:   `{"userName":"a","roles":[{"primary":false,"value":"{\"id\":\"06b07648\",\"value\":\"Admin\",\"displayName\":\"Admin\",\"description\":\"x\"}"}]}`,
			want: `{"userName":"a","roles":[{"primary":false,"display":"Admin","value":"Admin"}]}`,
		},
		{
			name: "primary is true on one element at most: the last (RFC 7643 §2.4)",
			rt:   scim.Users,
			in:   `{"userName":"a","emails":[{"value":"a@x","primary":true},{"value":"b@x","primary":"True"},{"value":"c@x"}]}`,
			want: `{"userName":"a","emails":[{"value":"a@x","primary":false},{"value":"b@x","primary":true},{"value":"c@x"}]}`,
		},
		{
			name: "a schemas key inside an extension's object is ignored",
			rt:   scim.Users,
			in: `{"userName":"a",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"department":"Ops"},
				"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"Schemas":[],"badge":"7"}}`,
			want: `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"},
				"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"7"}}`,
		},
		{
			name: "read-only and write-only input dropped",
			rt:   scim.Users,
			in:   `{"id":"x","userName":"a","password":"hunter2","groups":[{"value":"g"}],"meta":{"created":"x"}}`,
			want: `{"userName":"a"}`,
		},
		{
			name: "group with members",
			rt:   scim.Groups,
			in:   `{"displayName":"Eng","members":[{"value":"u1","display":"ignored"}]}`,
			want: `{"displayName":"Eng","members":[{"value":"u1"}]}`,
		},
		{
			name: "misspelt schema URN in schemas is ignored",
			rt:   scim.Users,
			in:   `{"schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],"userName":"a"}`,
			want: `{"userName":"a"}`,
		},
	}
	runNormalizeCases(t, tests)
}

// normalizeCase is a body normalised as a resource type, and the
// normalised body expected.
type normalizeCase struct {
	name     string
	rt       *scim.ResourceType
	in, want string
}

func runNormalizeCases(t *testing.T, tests []normalizeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rt.Normalize(decode(t, tt.in))
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if want := decode(t, tt.want); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

func TestNormalizeRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		rt   *scim.ResourceType
		in   string
	}{
		{"unknown core attribute", scim.Users, `{"userName":"a","favouriteColour":"red"}`},
		{"unknown sub-attribute", scim.Users, `{"userName":"a","name":{"nickname":"x"}}`},
		{"number where a string belongs", scim.Users, `{"userName":42}`},
		{"object where a string belongs", scim.Users, `{"userName":{"value":"a"}}`},
		{"boolean that is not one", scim.Users, `{"userName":"a","active":"yes"}`},
		{"array for a singular complex", scim.Users, `{"userName":"a","name":[{"givenName":"a"},{"givenName":"b"}]}`},
		{"nested complex", scim.Users, `{"userName":"a","emails":[{"value":{"x":"y"}}]}`},
		{"extension URN holding a string", scim.Users, `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}`},
		{"user attribute on a group", scim.Groups, `{"displayName":"g","userName":"a"}`},
		{"group schema URN on a user", scim.Users, `{"urn:ietf:params:scim:schemas:core:2.0:Group:displayName":"a"}`},
		{"key that is not an attribute path", scim.Users, `{"user name":"a"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.rt.Normalize(decode(t, tt.in))
			se, ok := err.(*scim.Error)
			if !ok {
				t.Fatalf("got error %v, want a *scim.Error", err)
			}
			if se.Status != http.StatusBadRequest || se.ScimType != scim.InvalidValue {
				t.Errorf("got %d %s, want 400 invalidValue", se.Status, se.ScimType)
			}
		})
	}
}

func TestErrorRendersRFC7644Body(t *testing.T) {
	b, err := json.Marshal(scim.Conflict("userName %q is taken", "a"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName \"a\" is taken"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
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
