package patch_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// FuzzDecode decodes arbitrary bodies and applies what decodes to a user and
// a group: nothing may panic, every error must be a *scim.Error, a failed
// Apply must leave the resource as it was, and every result must marshal.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		entraDefault,
		verbose,
		body(`{"op":"replace","value":{"name.givenName":"Al","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"43","active":false}}`),
		body(`{"op":"Add","path":"manager","value":[{"$ref":null,"value":"m-1"}]}`),
		body(`{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":""}}`),
		body(`{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555"}`),
		body(`{"op":"remove","path":"emails[type eq \"work\" or value co \"x\"].value"}`),
		body(`{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m"}},"name":{"givenName":"x"}}}`),
		body(`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User:tags","value":[{"value":"1"}]}`),
		body(`{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"department":"D"}}`),
		body(`{"op":"replace","path":"name","value":{"givenName":"G2","familyName":null}}`),
		body(`{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User":{"schemas":[],"badge":"7"}}}`),
		body(`{"op":"add","value":{"schemas":["urn:foo"],"urn:foo:bar":{"x":1},"urn:scim:schemas:extension:slack:guest:1.0":{"type":"multi"}}}`, `{"op":"replace","path":"urn:scim:schemas:extension:slack:guest:1.0:type","value":"single"}`),
		body(`{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"},{"value":"u2"}]}`),
		body(`{"op":"Remove","path":"members","value":[{"value":"u1"}]}`, `{"op":"remove","path":"members[value eq \"u2\" or value eq \"u3\"]"}`),
		body(`{"op":"replace","value":{"id":"g","displayName":"S","members":[{"value":"u1"}]}}`),
		body(`{"op":"remove","path":"members"}`),
		`{"operations":[{"op":"ADD","path":"roles","value":[{"primary":"True","value":"r"}]}]}`,
		`{"Operations":[{"op":"remove","value":{"displayName":"x"}}],"schemas":"urn:ietf:params:scim:api:messages:2.0:PatchOp"}`,
		`{"Operations":[]}`,
		`[[[[[[`,
	} {
		f.Add([]byte(s))
	}
	targets := []struct {
		rt     *scim.ResourceType
		before string
	}{
		{scim.Users, aliceWith(`{"roles":[{"value":"r"}],"addresses":[{"type":"work","locality":"T"}]}`)},
		{scim.Groups, `{"displayName":"Sales","externalId":"8aa1"}`},
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ops, err := patch.Decode(b)
		if err != nil {
			if _, ok := errors.AsType[*scim.Error](err); !ok {
				t.Fatalf("Decode: got %T %v, want a *scim.Error", err, err)
			}
			return
		}
		if len(ops) == 0 {
			t.Fatal("Decode: no operations and no error")
		}
		for _, target := range targets {
			res := mustDecode(target.before)
			m, err := patch.Apply(target.rt, res, ops)
			if _, mErr := json.Marshal(res); mErr != nil {
				t.Fatalf("Apply to a %s left a resource that does not marshal: %v", target.rt.Name, mErr)
			}
			if err != nil {
				if _, ok := errors.AsType[*scim.Error](err); !ok {
					t.Fatalf("Apply: got %T %v, want a *scim.Error", err, err)
				}
				if want := mustDecode(target.before); !reflect.DeepEqual(res, want) {
					t.Fatalf("failed Apply to a %s changed it:\n got %s\nwant %s", target.rt.Name, marshal(res), marshal(want))
				}
				continue
			}
			checkMembers(t, m)
		}
	})
}

// checkMembers checks that Add and Remove hold distinct ids and are disjoint.
func checkMembers(t *testing.T, m patch.Members) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range append(append([]string{}, m.Add...), m.Remove...) {
		if id == "" || seen[id] {
			t.Fatalf("members %+v: id %q empty or listed twice", m, id)
		}
		seen[id] = true
	}
	if m.Replace && len(m.Remove) > 0 {
		t.Fatalf("members %+v: removals after a replace", m)
	}
}
