package entra_test

import (
	"encoding/json"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/entra"
)

// asJSON returns v's JSON, for comparing operations with the shapes the
// docs show.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

func TestDialectsWriteTheShapesEntraSends(t *testing.T) {
	old := entra.User{UserName: "al@contoso.com", Active: true, GivenName: "Alice", FamilyName: "A", WorkEmail: "al@contoso.com", EmployeeNumber: "42"}
	changed := old
	changed.GivenName, changed.FamilyName, changed.WorkEmail, changed.EmployeeNumber = "Al", "Smith", "new@contoso.com", "43"
	changed.NickName, changed.UserName = "Babs", "al2@contoso.com"
	disabled := old
	disabled.Active = false
	for _, tc := range []struct {
		name    string
		dialect entra.Dialect
		ops     []entra.Op
		want    string
	}{
		{"default update: one Pascal-case op per attribute, each with a path (USE, COMPAT)", entra.Default, entra.Default.UserChanges(old, changed),
			`[{"op":"Replace","path":"userName","value":"al2@contoso.com"},{"op":"Replace","path":"name.givenName","value":"Al"},` +
				`{"op":"Replace","path":"name.familyName","value":"Smith"},{"op":"Add","path":"nickName","value":"Babs"},` +
				`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"new@contoso.com"},` +
				`{"op":"Replace","path":"` + ent + `:employeeNumber","value":"43"}]`},
		{"flag update: one path-less replace with dotted and URN keys, filtered paths and adds apart", entra.AADOptscim062020, entra.AADOptscim062020.UserChanges(old, changed),
			`[{"op":"replace","value":{"name.familyName":"Smith","name.givenName":"Al","` + ent + `:employeeNumber":"43","userName":"al2@contoso.com"}},` +
				`{"op":"add","path":"nickName","value":"Babs"},` +
				`{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@contoso.com"}]`},
		{"default disable: the string False", entra.Default, entra.Default.UserChanges(old, disabled),
			`[{"op":"Replace","path":"active","value":"False"}]`},
		{"flag disable: a boolean", entra.AADOptscim062020, entra.AADOptscim062020.UserChanges(old, disabled),
			`[{"op":"replace","path":"active","value":false}]`},
		{"default re-enable", entra.Default, entra.Default.Active(true), `[{"op":"Replace","path":"active","value":"True"}]`},
		{"an attribute that became empty is not sent", entra.Default, entra.Default.UserChanges(changed, entra.User{UserName: changed.UserName, Active: true}), `null`},
		{"default manager set: a bare id", entra.Default, entra.Default.Manager("", "m1"), `[{"op":"Add","path":"` + ent + `:manager","value":"m1"}]`},
		{"flag manager change", entra.AADOptscim062020, entra.AADOptscim062020.Manager("m1", "m2"), `[{"op":"replace","path":"` + ent + `:manager","value":"m2"}]`},
		{"default manager removal names the old manager", entra.Default, entra.Default.Manager("m1", ""),
			`[{"op":"Remove","path":"` + ent + `:manager","value":[{"$ref":null,"value":"m1"}]}]`},
		{"flag manager removal: the validator's empty value", entra.AADOptscim062020, entra.AADOptscim062020.Manager("m1", ""),
			`[{"op":"replace","path":"` + ent + `:manager","value":{"value":""}}]`},
		{"an unchanged manager sends nothing", entra.Default, entra.Default.Manager("m1", "m1"), `null`},
		{"default rename", entra.Default, entra.Default.Rename("Sales EMEA"), `[{"op":"Replace","path":"displayName","value":"Sales EMEA"}]`},
		{"flag rename: path-less", entra.AADOptscim062020, entra.AADOptscim062020.Rename("Sales EMEA"), `[{"op":"replace","value":{"displayName":"Sales EMEA"}}]`},
		{"default member add with null $ref", entra.Default, entra.Default.AddMembers([]string{"u1", "u2"}),
			`[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"},{"$ref":null,"value":"u2"}]}]`},
		{"flag member add", entra.AADOptscim062020, entra.AADOptscim062020.AddMembers([]string{"u1"}), `[{"op":"add","path":"members","value":[{"value":"u1"}]}]`},
		{"default member remove: the members in value", entra.Default, entra.Default.RemoveMembers([]string{"u1", "u2"}),
			`[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u1"},{"$ref":null,"value":"u2"}]}]`},
		{"flag member remove: one filtered path each", entra.AADOptscim062020, entra.AADOptscim062020.RemoveMembers([]string{"u1", "u2"}),
			`[{"op":"remove","path":"members[value eq \"u1\"]"},{"op":"remove","path":"members[value eq \"u2\"]"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := asJSON(t, tc.ops); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseDialectNamesBothDialects(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    entra.Dialect
		wantErr bool
	}{
		{"default", entra.Default, false},
		{"flag", entra.AADOptscim062020, false},
		{"aadOptscim062020", entra.AADOptscim062020, false},
		{"AADOPTSCIM062020", entra.AADOptscim062020, false},
		{"both", 0, true},
		{"", 0, true},
	} {
		got, err := entra.ParseDialect(tc.in)
		if (err != nil) != tc.wantErr || err == nil && got != tc.want {
			t.Errorf("ParseDialect(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
