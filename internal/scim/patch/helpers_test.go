package patch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// applyCase is one PATCH request applied to one resource.
type applyCase struct {
	name string
	// rt is the resource type; nil means scim.Users.
	rt *scim.ResourceType
	// before is the resource's attributes; "" means alice.
	before string
	// body is the PATCH request body.
	body string
	// after is the resource wanted afterwards; "" means unchanged.
	after string
	// members is the wanted effect on a group's members.
	members patch.Members
	// status and scimType are the wanted error, when status is not 0.
	status   int
	scimType string
	// detail, when set, must appear in the error's detail.
	detail string
}

// alice is a user as Entra creates her (docs/entra.md §2.2).
const alice = `{"userName":"alice@contoso.com","externalId":"alice","active":true,"displayName":"Alice A",
 "name":{"formatted":"Alice A","familyName":"A","givenName":"Alice"},
 "emails":[{"primary":true,"type":"work","value":"alice@contoso.com"}],
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"42"}}`

// aliceWith returns alice with some attributes replaced (or removed, for a
// null value), so that a case states only what changed.
func aliceWith(changes string) string {
	res := mustDecode(alice)
	for k, v := range mustDecode(changes) {
		if v == nil {
			delete(res, k)
		} else {
			res[k] = v
		}
	}
	b, err := json.Marshal(res)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func mustDecode(s string) map[string]any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		panic("bad test JSON: " + err.Error() + ": " + s)
	}
	return m
}

// body wraps operations in a PatchOp request the way Entra sends it.
func body(ops ...string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

func runApply(t *testing.T, cases []applyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := c.rt
			if rt == nil {
				rt = scim.Users
			}
			before := c.before
			if before == "" {
				before = alice
			}
			after := c.after
			if after == "" {
				after = before
			}
			res := mustDecode(before)
			ops, err := patch.Decode([]byte(c.body))
			var got patch.Members
			if err == nil {
				got, err = patch.Apply(rt, res, ops)
			}
			checkError(t, err, c.status, c.scimType, c.detail)
			if c.status != 0 {
				after = before
			}
			if want := mustDecode(after); !reflect.DeepEqual(res, want) {
				t.Errorf("resource:\n got %s\nwant %s", marshal(res), marshal(want))
			}
			if !reflect.DeepEqual(got, c.members) {
				t.Errorf("members: got %+v, want %+v", got, c.members)
			}
		})
	}
}

// checkError checks that err is the wanted *scim.Error, or nil when status
// is 0.
func checkError(t *testing.T, err error, status int, scimType, detail string) {
	t.Helper()
	if status == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	var e *scim.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want a *scim.Error %d %s", err, status, scimType)
	}
	if e.Status != status || e.ScimType != scimType {
		t.Errorf("got error %d %s (%s), want %d %s", e.Status, e.ScimType, e.Detail, status, scimType)
	}
	if !strings.Contains(e.Detail, detail) {
		t.Errorf("got detail %q, want it to contain %q", e.Detail, detail)
	}
}

func marshal(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "<" + err.Error() + ">"
	}
	return strings.TrimSpace(b.String())
}
