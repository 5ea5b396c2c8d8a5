package scim_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

const (
	slack  = "urn:scim:schemas:extension:slack:guest:1.0"
	entra  = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User"
	object = `{"x":1}`
)

// TestKeyPathReadsExtensionURNs is the rule for URN keys of a body
// (RFC 7643 §3 against RFC 7644 §3.10): which part of the key is the schema.
func TestKeyPathReadsExtensionURNs(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		value string
		urns  []string
		want  scim.AttrPath
	}{
		{"a URN key holding an object is an extension under its full URN",
			"urn:foo:bar", object, nil, scim.AttrPath{URN: "urn:foo:bar"}},
		{"the same key holding a string is an attribute, as before",
			"urn:foo:bar", `"x"`, nil, scim.AttrPath{URN: "urn:foo", Name: "bar"}},
		{"Slack's URN, ending in its version, is whole",
			slack, `{"type":"multi"}`, nil, scim.AttrPath{URN: slack}},
		{"a URN listed in schemas is the extension's, whatever the value",
			"urn:foo:bar", `null`, []string{"urn:foo:bar"}, scim.AttrPath{URN: "urn:foo:bar"}},
		{"a listed URN is split after, so its attribute holds the object",
			"urn:foo:bar", object, []string{"urn:foo"}, scim.AttrPath{URN: "urn:foo", Name: "bar"}},
		{"the longest listed URN wins",
			"urn:foo:bar", object, []string{"urn:foo", "urn:foo:bar"}, scim.AttrPath{URN: "urn:foo:bar"}},
		{"a listed URN followed by a path that is not an attribute is no evidence",
			"urn:foo:bar", object, []string{"urn:f"}, scim.AttrPath{URN: "urn:foo:bar"}},
		{"an attribute of a listed Slack extension",
			slack + ":type", `"multi"`, []string{slack}, scim.AttrPath{URN: slack, Name: "type"}},
		{"listing URNs in another case still counts",
			"urn:foo:bar", object, []string{"URN:FOO:BAR"}, scim.AttrPath{URN: "urn:foo:bar"}},
		{"a core attribute holding an object keeps its meaning",
			scim.UserSchema + ":name", `{"givenName":"A"}`, []string{scim.UserSchema}, scim.AttrPath{URN: scim.UserSchema, Name: "name"}},
		{"an enterprise attribute holding an object keeps its meaning",
			scim.EnterpriseUserSchema + ":manager", `{"value":"m"}`, nil, scim.AttrPath{URN: scim.EnterpriseUserSchema, Name: "manager"}},
		{"the enterprise URN listed does not re-split its attributes",
			scim.EnterpriseUserSchema + ":department", `"Ops"`, []string{scim.EnterpriseUserSchema}, scim.AttrPath{URN: scim.EnterpriseUserSchema, Name: "department"}},
		{"Entra's custom extension whole",
			entra, `{"badge":"B"}`, nil, scim.AttrPath{URN: entra}},
		{"an attribute of Entra's custom extension holding an object stays one",
			entra + ":badge", object, nil, scim.AttrPath{URN: entra, Name: "badge"}},
		{"an attribute of Entra's custom extension listed in schemas",
			entra + ":badge", `"B"`, []string{scim.UserSchema, entra}, scim.AttrPath{URN: entra, Name: "badge"}},
		{"plain names are untouched",
			"name", `{"givenName":"A"}`, []string{"urn:foo"}, scim.AttrPath{Name: "name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := scim.ParseAttrPath(tt.key)
			if !ok {
				t.Fatalf("ParseAttrPath(%q) failed", tt.key)
			}
			var v any
			if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
				t.Fatal(err)
			}
			if got := scim.KeyPath(p, v, slices.Values(tt.urns)); got != tt.want {
				t.Errorf("KeyPath(%q, %s, %q) = %+v, want %+v", tt.key, tt.value, tt.urns, got, tt.want)
			}
		})
	}
}

// TestAnchorSplitsAfterHeldExtensions checks PATCH paths against the
// extensions a resource holds: a held URN addresses that extension whole,
// and <URN>:attr an attribute inside it.
func TestAnchorSplitsAfterHeldExtensions(t *testing.T) {
	held := []string{"userName", scim.EnterpriseUserSchema, entra, "urn:foo:bar", slack}
	tests := []struct {
		path string
		want scim.AttrPath
	}{
		{"urn:foo:bar", scim.AttrPath{URN: "urn:foo:bar"}},
		{"urn:foo:bar:x", scim.AttrPath{URN: "urn:foo:bar", Name: "x"}},
		{"URN:FOO:BAR:x.y", scim.AttrPath{URN: "URN:FOO:BAR", Name: "x", Sub: "y"}},
		{slack, scim.AttrPath{URN: slack}},
		{slack + ":type", scim.AttrPath{URN: slack, Name: "type"}},
		{"urn:foo:baz", scim.AttrPath{URN: "urn:foo", Name: "baz"}},
		{entra + ":badge", scim.AttrPath{URN: entra, Name: "badge"}},
		{entra, scim.AttrPath{URN: entra}},
		{scim.EnterpriseUserSchema + ":manager.value", scim.AttrPath{URN: scim.EnterpriseUserSchema, Name: "manager", Sub: "value"}},
		{"userName", scim.AttrPath{Name: "userName"}},
	}
	for _, tt := range tests {
		p, ok := scim.ParseAttrPath(tt.path)
		if !ok {
			t.Fatalf("ParseAttrPath(%q) failed", tt.path)
		}
		if got := p.Anchor(slices.Values(held)); got != tt.want {
			t.Errorf("Anchor(%q) = %+v, want %+v", tt.path, got, tt.want)
		}
	}
}

// TestNormalizeKeepsExtensionURNsWhole checks bodies with custom
// extension URNs of any shape: each is kept under the key it was sent with.
func TestNormalizeKeepsExtensionURNsWhole(t *testing.T) {
	tests := []normalizeCase{
		{
			name: "urn:foo:bar listed in schemas",
			in:   `{"schemas":["` + scim.UserSchema + `","urn:foo:bar"],"userName":"a","urn:foo:bar":{"x":1}}`,
			want: `{"userName":"a","urn:foo:bar":{"x":1}}`,
		},
		{
			name: "urn:foo:bar not listed",
			in:   `{"userName":"a","urn:foo:bar":{"x":1}}`,
			want: `{"userName":"a","urn:foo:bar":{"x":1}}`,
		},
		{
			name: "Slack's guest extension",
			in:   `{"schemas":["` + scim.UserSchema + `","` + slack + `"],"userName":"a","` + slack + `":{"type":"multi","expiration":"2026-12-31T00:00:00Z"}}`,
			want: `{"userName":"a","` + slack + `":{"type":"multi","expiration":"2026-12-31T00:00:00Z"}}`,
		},
		{
			name: "an attribute of a listed Slack extension by its full path",
			in:   `{"schemas":"` + slack + `","userName":"a","` + slack + `:type":"multi"}`,
			want: `{"userName":"a","` + slack + `":{"type":"multi"}}`,
		},
		{
			name: "an attribute of a listed shorter URN keeps the object inside it",
			in:   `{"schemas":["urn:foo"],"userName":"a","urn:foo:bar":{"x":1}}`,
			want: `{"userName":"a","urn:foo":{"bar":{"x":1}}}`,
		},
		{
			name: "Entra's custom extension, whole and by attribute",
			in:   `{"userName":"a","` + entra + `":{"badge":"B"},"` + entra + `:floor":"3"}`,
			want: `{"userName":"a","` + entra + `":{"badge":"B","floor":"3"}}`,
		},
	}
	for i := range tests {
		tests[i].rt = scim.Users
	}
	runNormalizeCases(t, tests)
	schemas := scim.Users.SchemaURNs(decode(t, `{"userName":"a","urn:foo:bar":{"x":1},"`+slack+`":{"type":"multi"}}`))
	if want := []string{scim.UserSchema, "urn:foo:bar", slack}; !slices.Equal(schemas, want) {
		t.Errorf("SchemaURNs = %q, want %q", schemas, want)
	}
}
