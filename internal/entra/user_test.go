package entra_test

import (
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/entra"
)

func TestUserBodyIsEntrasCreateBody(t *testing.T) {
	u := entra.User{
		ExternalID: "alice", UserName: "alice@contoso.com", Active: true, DisplayName: "Alice A",
		GivenName: "Alice", FamilyName: "A", Formatted: "Alice A", WorkEmail: "alice@contoso.com",
		MobilePhone: "+1 555 0100", Locality: "Seattle",
		Department: "Eng", EmployeeNumber: "42",
	}
	// The body of docs/entra.md §2.2, with a phone number and an
	// address added.
	want := `{"active":true,"addresses":[{"locality":"Seattle","type":"work"}],"displayName":"Alice A",` +
		`"emails":[{"primary":true,"type":"work","value":"alice@contoso.com"}],"externalId":"alice",` +
		`"meta":{"resourceType":"User"},"name":{"familyName":"A","formatted":"Alice A","givenName":"Alice"},` +
		`"phoneNumbers":[{"type":"mobile","value":"+1 555 0100"}],"roles":[],` +
		`"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],` +
		`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"42"},` +
		`"userName":"alice@contoso.com"}`
	if got := asJSON(t, u.Body()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestGroupBodyIsEntrasCreateBody(t *testing.T) {
	want := `{"displayName":"Sales","externalId":"8aa1a0c0","meta":{"resourceType":"Group"},` +
		`"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"]}`
	if got := asJSON(t, entra.Group{DisplayName: "Sales", ExternalID: "8aa1a0c0"}.Body()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestUserOfReadsBackWhatWasSent(t *testing.T) {
	u := entra.User{
		UserName: "b@contoso.com", ExternalID: "b", DisplayName: "B", GivenName: "Bo", FamilyName: "Bee", Formatted: "Bo Bee",
		NickName: "bb", Title: "T", PreferredLanguage: "en", WorkEmail: "b@contoso.com", OtherEmail: "b@example.net",
		WorkPhone: "1", MobilePhone: "2", Fax: "3", StreetAddress: "s", Locality: "l", Region: "r", PostalCode: "p",
		Country: "c", FormattedAddress: "f", Department: "d", EmployeeNumber: "e", CostCenter: "cc", Organization: "o", Division: "dv",
	}
	res := u.Attributes()
	res[ent].(map[string]any)["manager"] = map[string]any{"value": "m1", "$ref": "https://x/Users/m1"}
	// The server capitalises types as it likes; Entra matches them ignoring case.
	res["phoneNumbers"].([]any)[1].(map[string]any)["type"] = "Mobile"
	got, manager := entra.UserOf(res)
	if !reflect.DeepEqual(got, u) || manager != "m1" {
		t.Errorf("got %+v, manager %q\nwant %+v, manager m1", got, manager, u)
	}
	if ops := entra.Default.UserChanges(got, u); len(ops) != 0 {
		t.Errorf("a user read back differs from itself by %v", ops)
	}
}
