package patch_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

func TestApplyGroup(t *testing.T) {
	const sales = `{"displayName":"Sales","externalId":"8aa1"}`
	group := func(c applyCase) applyCase {
		c.rt = scim.Groups
		if c.before == "" {
			c.before = sales
		}
		return c
	}
	cases := []applyCase{
		{
			name:    "default dialect: Add members",
			body:    body(`{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"},{"value":"u2"}]}`),
			members: patch.Members{Add: []string{"u1", "u2"}},
		},
		{name: "add one member object", body: body(`{"op":"add","path":"members","value":{"value":"u1"}}`), members: patch.Members{Add: []string{"u1"}}},
		{name: "adding a member twice lists it once", body: body(`{"op":"add","path":"members","value":[{"value":"u1"},{"value":"u1"}]}`, `{"op":"add","path":"members","value":[{"value":"u1"}]}`), members: patch.Members{Add: []string{"u1"}}},
		{
			name:    "default dialect: Remove names the member in value, never clears the group",
			body:    body(`{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u1"}]}`),
			members: patch.Members{Remove: []string{"u1"}},
		},
		{name: "remove with an empty value array removes nothing", body: body(`{"op":"Remove","path":"members","value":[]}`)},
		{name: "aadOptscim062020: remove by filter", body: body(`{"op":"remove","path":"members[value eq \"u1\"]"}`), members: patch.Members{Remove: []string{"u1"}}},
		{name: "remove by a filter joined by or", body: body(`{"op":"remove","path":"members[value eq \"u1\" or value eq \"u2\"]"}`), members: patch.Members{Remove: []string{"u1", "u2"}}},
		{name: "remove without a value clears the members", body: body(`{"op":"remove","path":"members"}`), members: patch.Members{Replace: true}},
		{name: "Entra: replace with path members adds, as it carries only the changed member", body: body(`{"op":"replace","path":"members","value":[{"value":"u1"},{"value":"u2"}]}`), members: patch.Members{Add: []string{"u1", "u2"}}},
		{name: "replace with an empty array clears the members", body: body(`{"op":"Replace","path":"members","value":[]}`), members: patch.Members{Replace: true}},
		{name: "path-less add of members", body: body(`{"op":"add","value":{"members":[{"value":"u1"}]}}`), members: patch.Members{Add: []string{"u1"}}},
		{name: "validator: path-less replace of members", body: body(`{"op":"replace","value":{"members":[{"value":"u1"}]}}`), members: patch.Members{Replace: true, Add: []string{"u1"}}},
		{name: "path-less remove of members", body: body(`{"op":"remove","value":{"members":[{"value":"u1"}]}}`), members: patch.Members{Remove: []string{"u1"}}},
		{name: "add then remove of one member removes it", body: body(`{"op":"add","path":"members","value":[{"value":"u1"}]}`, `{"op":"remove","path":"members[value eq \"u1\"]"}`), members: patch.Members{Remove: []string{"u1"}}},
		{name: "remove then add of one member adds it", body: body(`{"op":"Remove","path":"members","value":[{"value":"u1"}]}`, `{"op":"Add","path":"members","value":[{"value":"u1"}]}`), members: patch.Members{Add: []string{"u1"}}},
		{
			name:    "mixed operations keep first-seen order",
			body:    body(`{"op":"add","path":"members","value":[{"value":"u1"},{"value":"u2"},{"value":"u3"}]}`, `{"op":"remove","path":"members","value":[{"value":"u2"},{"value":"u4"}]}`),
			members: patch.Members{Add: []string{"u1", "u3"}, Remove: []string{"u2", "u4"}},
		},
		{
			name:    "operations after a replace change the final list",
			body:    body(`{"op":"remove","path":"members","value":[{"value":"u0"}]}`, `{"op":"replace","value":{"members":[{"value":"u1"},{"value":"u2"}]}}`, `{"op":"remove","path":"members[value eq \"u1\"]"}`, `{"op":"add","path":"members","value":[{"value":"u3"}]}`),
			members: patch.Members{Replace: true, Add: []string{"u2", "u3"}},
		},
		{name: "rename with a path", body: body(`{"op":"Replace","path":"displayName","value":"Sales EU"}`), after: `{"displayName":"Sales EU","externalId":"8aa1"}`},
		{name: "Okta: path-less rename echoing the id", body: body(`{"op":"replace","value":{"id":"g1","displayName":"Sales EU"}}`), after: `{"displayName":"Sales EU","externalId":"8aa1"}`},
		{name: "validator: replace externalId", body: body(`{"op":"replace","path":"externalId","value":"9bb2"}`), after: `{"displayName":"Sales","externalId":"9bb2"}`},
		{
			name:    "rename and members in one request",
			body:    body(`{"op":"replace","value":{"displayName":"S2","members":[{"value":"u1"}]}}`),
			after:   `{"displayName":"S2","externalId":"8aa1"}`,
			members: patch.Members{Replace: true, Add: []string{"u1"}},
		},
		{name: "members selected by another attribute", body: body(`{"op":"remove","path":"members[display eq \"Bob\"]"}`), status: 400, scimType: scim.InvalidFilter, detail: "only by value"},
		{name: "members selected by value ne", body: body(`{"op":"remove","path":"members[value ne \"u1\"]"}`), status: 400, scimType: scim.InvalidFilter},
		{name: "members filter joined by and", body: body(`{"op":"remove","path":"members[value eq \"u1\" and type eq \"User\"]"}`), status: 400, scimType: scim.InvalidFilter},
		{name: "add with a members filter", body: body(`{"op":"add","path":"members[value eq \"u1\"]","value":{"value":"u1"}}`), status: 400, scimType: scim.InvalidPath},
		{name: "a members sub-attribute", body: body(`{"op":"replace","path":"members.value","value":"u1"}`), status: 400, scimType: scim.InvalidPath},
		{name: "empty member id", body: body(`{"op":"add","path":"members","value":[{"value":""}]}`), status: 400, scimType: scim.InvalidValue},
		{name: "member without a value", body: body(`{"op":"add","path":"members","value":[{"$ref":null}]}`), status: 400, scimType: scim.InvalidValue},
		{name: "numeric member id", body: body(`{"op":"add","path":"members","value":[{"value":673}]}`), status: 400, scimType: scim.InvalidValue},
		{
			name:   "a failing operation after member operations changes nothing",
			body:   body(`{"op":"add","path":"members","value":[{"value":"u1"}]}`, `{"op":"replace","path":"displayName","value":"X"}`, `{"op":"add","path":"owner","value":"u9"}`),
			status: 400, scimType: scim.InvalidPath,
		},
		{
			name:   "more member ids than the limit",
			body:   body(memberAdds(patch.MaxMembers+1, 1000)...),
			status: http.StatusRequestEntityTooLarge, scimType: scim.TooMany,
		},
	}
	for i := range cases {
		cases[i] = group(cases[i])
	}
	runApply(t, cases)
}

func TestApplyMemberLimit(t *testing.T) {
	ops, err := patch.Decode([]byte(body(memberAdds(patch.MaxMembers, 1000)...)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := patch.Apply(scim.Groups, map[string]any{"displayName": "G"}, ops)
	if err != nil {
		t.Fatalf("got error %v at exactly %d members, want none", err, patch.MaxMembers)
	}
	if got, want := len(m.Add), patch.MaxMembers; got != want {
		t.Errorf("got %d members added, want %d", got, want)
	}
}

// memberAdds returns add operations naming n distinct members, at most per
// in each operation.
func memberAdds(n, per int) []string {
	var ops []string
	for i := 0; i < n; i += per {
		var vals []string
		for j := i; j < min(n, i+per); j++ {
			vals = append(vals, fmt.Sprintf(`{"value":"u%d"}`, j))
		}
		ops = append(ops, `{"op":"add","path":"members","value":[`+strings.Join(vals, ",")+`]}`)
	}
	return ops
}

func TestMembersEmpty(t *testing.T) {
	for _, c := range []struct {
		m    patch.Members
		want bool
	}{
		{patch.Members{}, true},
		{patch.Members{Replace: true}, false},
		{patch.Members{Add: []string{"u1"}}, false},
		{patch.Members{Remove: []string{"u1"}}, false},
	} {
		if got := c.m.Empty(); got != c.want {
			t.Errorf("%+v.Empty() = %v, want %v", c.m, got, c.want)
		}
	}
}
