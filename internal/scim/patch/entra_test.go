package patch_test

import (
	"encoding/json"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// entraDefault is the PATCH Entra sends for a changed user without the
// aadOptscim062020 flag (docs/entra.md §3.1).
var entraDefault = body(
	`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"new@contoso.com"}`,
	`{"op":"Replace","path":"name.givenName","value":"Al"}`,
	`{"op":"Replace","path":"name.familyName","value":"Smith"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"43"}`,
	`{"op":"Add","path":"nickName","value":"Babs"}`,
	`{"op":"Replace","path":"userName","value":"al@contoso.com"}`,
)

// aliceChanged is alice after entraDefault.
const aliceChanged = `{"userName":"al@contoso.com","externalId":"alice","active":true,"displayName":"Alice A","nickName":"Babs",
 "name":{"formatted":"Alice A","familyName":"Smith","givenName":"Al"},
 "emails":[{"primary":true,"type":"work","value":"new@contoso.com"}],
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"43"}}`

func TestApplyEntraDialects(t *testing.T) {
	runApply(t, []applyCase{
		{name: "default dialect: Entra's documented PATCH", body: entraDefault, after: aliceChanged},
		{
			name: "aadOptscim062020: one path-less replace with dotted and URN keys, filtered paths apart",
			body: body(
				`{"op":"replace","value":{"name.givenName":"Al","name.familyName":"Smith","userName":"al@contoso.com",
				  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"43"}}`,
				`{"op":"add","value":{"nickName":"Babs"}}`,
				`{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@contoso.com"}`),
			after: aliceChanged,
		},
		{
			name:  "default dialect: disable with the string False",
			body:  body(`{"op":"Replace","path":"active","value":"False"}`),
			after: aliceWith(`{"active":false}`),
		},
		{
			name:  "aadOptscim062020: disable with a boolean",
			body:  body(`{"op":"replace","path":"active","value":false}`),
			after: aliceWith(`{"active":false}`),
		},
		{
			name:   "default dialect: re-enable with the string True",
			before: aliceWith(`{"active":false}`),
			body:   body(`{"op":"Replace","path":"active","value":"True"}`),
			after:  alice,
		},
		{
			name:  "aadOptscim062020: disable path-less",
			body:  body(`{"op":"replace","value":{"active":false}}`),
			after: aliceWith(`{"active":false}`),
		},
		{
			name: "paths in any case, as Entra's mapping tables spell them",
			body: body(
				`{"op":"Replace","path":"NAME.GIVENNAME","value":"Al"}`,
				`{"op":"Add","path":"emails[Type eq \"other\"].Value","value":"o@x.com"}`,
				`{"op":"Add","path":"addresses[type eq \"other\"].Formatted","value":"1 Road"}`,
				`{"op":"Replace","path":"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Department","value":"Ops"}`),
			after: aliceWith(`{"name":{"formatted":"Alice A","familyName":"A","givenName":"Al"},
			  "emails":[{"primary":true,"type":"work","value":"alice@contoso.com"},{"type":"other","value":"o@x.com"}],
			  "addresses":[{"type":"other","formatted":"1 Road"}],
			  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops","employeeNumber":"42"}}`),
		},
		{
			name: "Logic App null and empty update clears attributes",
			body: body(
				`{"op":"Replace","path":"displayName","value":""}`,
				`{"op":"Replace","path":"name.givenName","value":null}`,
				`{"op":"Replace","path":"emails[type eq \"work\"].value","value":""}`,
				`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":null}`),
			after: aliceWith(`{"displayName":null,"emails":null,"name":{"formatted":"Alice A","familyName":"A"},
			  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42"}}`),
		},
		{
			name:  "aadOptscim062020: path-less keys in any case",
			body:  body(`{"op":"replace","value":{"NAME.GIVENNAME":"Al","DisplayName":"Al A","urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:Department":"Ops"}}`),
			after: aliceWith(`{"displayName":"Al A","name":{"formatted":"Alice A","familyName":"A","givenName":"Al"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops","employeeNumber":"42"}}`),
		},
		{
			name:  "aadOptscim062020: path-less null clears",
			body:  body(`{"op":"replace","value":{"displayName":null,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":""}}`),
			after: aliceWith(`{"displayName":null,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng"}}`),
		},
		{
			name:  "custom extension attribute keeps its URN and value as sent",
			body:  body(`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User:costId","value":"7"}`),
			after: aliceWith(`{"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User":{"costId":"7"}}`),
		},
		{
			name:   "custom multi-valued attribute: Add with an array replaces",
			before: aliceWith(`{"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User":{"tags":[{"value":"0"}]}}`),
			body:   body(`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User:tags","value":[{"value":"1"}]}`),
			after:  aliceWith(`{"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User":{"tags":[{"value":"1"}]}}`),
		},
		{
			name:  "role assignment sent as a JSON string with a string primary is the role it describes",
			body:  body(`{"op":"Add","path":"roles","value":[{"primary":"True","type":"WindowsAzureActiveDirectoryRole","value":"{\"id\":\"1\",\"value\":\"Admin\"}"}]}`),
			after: aliceWith(`{"roles":[{"primary":true,"type":"WindowsAzureActiveDirectoryRole","value":"Admin"}]}`),
		},
		{
			name:   "role removal names the role in value",
			before: aliceWith(`{"roles":[{"value":"Admin"},{"value":"Reader"}]}`),
			body:   body(`{"op":"Remove","path":"roles","value":[{"value":"Admin"}]}`),
			after:  aliceWith(`{"roles":[{"value":"Reader"}]}`),
		},
		{
			name: "Replace Attributes Verbose: many operations in one request",
			body: verbose,
			after: `{"userName":"v@contoso.com","externalId":"ext-2","active":true,"displayName":"Vera V","nickName":"Vee",
			  "title":"CTO","preferredLanguage":"fr-FR","locale":"fr","timezone":"Europe/Paris","userType":"Employee",
			  "profileUrl":"https://contoso.com/v",
			  "name":{"formatted":"Dr Vera V","familyName":"V","givenName":"Vera","middleName":"M","honorificPrefix":"Dr","honorificSuffix":"III"},
			  "emails":[{"primary":true,"type":"work","value":"v@contoso.com"},{"type":"other","value":"v@other.com"}],
			  "phoneNumbers":[{"type":"work","value":"+1 1"},{"type":"mobile","value":"+1 2"},{"type":"fax","value":"+1 3"}],
			  "addresses":[{"type":"work","formatted":"1 Main St, Town","streetAddress":"1 Main St","locality":"Town",
			    "region":"CA","postalCode":"90000","country":"US","primary":true},{"type":"other","formatted":"2 Side St"}],
			  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","employeeNumber":"7",
			    "costCenter":"CC1","organization":"Contoso","division":"Labs","manager":{"value":"m-1"}},
			  "urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User":{"badge":"B-9"}}`,
		},
	})
}

// verbose is in the style of the validator's "Replace Attributes Verbose":
// one operation per attribute, mixing Entra's spellings.
var verbose = body(
	`{"op":"Replace","path":"userName","value":"v@contoso.com"}`,
	`{"op":"Replace","path":"externalId","value":"ext-2"}`,
	`{"op":"Replace","path":"displayName","value":"Vera V"}`,
	`{"op":"Replace","path":"nickName","value":"Vee"}`,
	`{"op":"Replace","path":"title","value":"CTO"}`,
	`{"op":"Replace","path":"preferredLanguage","value":"fr-FR"}`,
	`{"op":"Replace","path":"locale","value":"fr"}`,
	`{"op":"Replace","path":"timezone","value":"Europe/Paris"}`,
	`{"op":"Replace","path":"userType","value":"Employee"}`,
	`{"op":"Replace","path":"profileUrl","value":"https://contoso.com/v"}`,
	`{"op":"Replace","path":"active","value":"True"}`,
	`{"op":"Replace","path":"name.givenName","value":"Vera"}`,
	`{"op":"Replace","path":"name.familyName","value":"V"}`,
	`{"op":"Replace","path":"name.middleName","value":"M"}`,
	`{"op":"Replace","path":"name.honorificPrefix","value":"Dr"}`,
	`{"op":"Replace","path":"name.honorificSuffix","value":"III"}`,
	`{"op":"Replace","path":"name.Formatted","value":"Dr Vera V"}`,
	`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"v@contoso.com"}`,
	`{"op":"Replace","path":"emails[type eq \"other\"].Value","value":"v@other.com"}`,
	`{"op":"Replace","path":"phoneNumbers[type eq \"work\"].value","value":"+1 1"}`,
	`{"op":"Replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 2"}`,
	`{"op":"Replace","path":"phoneNumbers[type eq \"fax\"].value","value":"+1 3"}`,
	`{"op":"Replace","path":"addresses[type eq \"work\"].formatted","value":"1 Main St, Town"}`,
	`{"op":"Replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 Main St"}`,
	`{"op":"Replace","path":"addresses[type eq \"work\"].locality","value":"Town"}`,
	`{"op":"Replace","path":"addresses[type eq \"work\"].region","value":"CA"}`,
	`{"op":"Replace","path":"addresses[type eq \"work\"].postalCode","value":"90000"}`,
	`{"op":"Replace","path":"addresses[type eq \"work\"].country","value":"US"}`,
	`{"op":"Replace","path":"addresses[type eq \"work\"].primary","value":"True"}`,
	`{"op":"Replace","path":"addresses[type eq \"other\"].Formatted","value":"2 Side St"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"R&D"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"7"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter","value":"CC1"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization","value":"Contoso"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division","value":"Labs"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m-1"}`,
	`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User:badge","value":"B-9"}`,
)

func TestApplyManager(t *testing.T) {
	const ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	withManager := aliceWith(`{"` + ext + `":{"department":"Eng","employeeNumber":"42","manager":{"value":"m-1"}}}`)
	withOld := aliceWith(`{"` + ext + `":{"department":"Eng","employeeNumber":"42","manager":{"value":"m-0","$ref":"../Users/m-0","displayName":"Old"}}}`)
	runApply(t, []applyCase{
		{name: "(a) legacy array shape on the bare name", body: body(`{"op":"Add","path":"manager","value":[{"$ref":null,"value":"m-1"}]}`), after: withManager},
		{name: "(b) bare id on the URN path", body: body(`{"op":"add","path":"` + ext + `:manager","value":"m-1"}`), after: withManager},
		{name: "(d) RFC complex form", body: body(`{"op":"Replace","path":"` + ext + `:manager","value":{"value":"m-1"}}`), after: withManager},
		{name: "manager.value sub-attribute", body: body(`{"op":"replace","path":"` + ext + `:manager.value","value":"m-1"}`), after: withManager},
		{name: "aadOptscim062020: path-less URN key", body: body(`{"op":"replace","value":{"` + ext + `:manager":"m-1"}}`), after: withManager},
		{name: "path-less extension object", body: body(`{"op":"add","value":{"` + ext + `":{"manager":{"value":"m-1"}}}}`), after: withManager},
		{name: "a new manager replaces the old one whole", before: withOld, body: body(`{"op":"Add","path":"manager","value":{"value":"m-1"}}`), after: withManager},
		{name: "(c) validator's remove: empty value", before: withManager, body: body(`{"op":"replace","path":"` + ext + `:manager","value":{"value":""}}`), after: alice},
		{name: "null removes", before: withManager, body: body(`{"op":"Replace","path":"manager","value":null}`), after: alice},
		{name: "empty string removes", before: withManager, body: body(`{"op":"Replace","path":"manager","value":""}`), after: alice},
		{name: "remove operation", before: withManager, body: body(`{"op":"Remove","path":"` + ext + `:manager"}`), after: alice},
		{name: "remove naming the manager with a filter", before: withManager, body: body(`{"op":"Remove","path":"` + ext + `:manager[value eq \"m-1\"]"}`), after: alice},
		{name: "remove naming another manager keeps this one", before: withManager, body: body(`{"op":"Remove","path":"manager[value eq \"m-9\"]"}`), after: withManager},
		{
			name:  "removing the last extension attribute removes the extension",
			body:  body(`{"op":"remove","path":"`+ext+`:department"}`, `{"op":"remove","path":"`+ext+`:employeeNumber"}`),
			after: aliceWith(`{"` + ext + `":null}`),
		},
		{name: "manager of the wrong type", body: body(`{"op":"add","path":"manager","value":42}`), status: 400, scimType: scim.InvalidValue},
	})
}

// TestApplyEntraSingleAppRole checks Entra's SingleAppRoleAssignment
// mapping: roles[primary eq "True"] carries "True" as a string, and must
// select the boolean primary role, so that a role change replaces the role
// instead of adding a second one and leaving the old one behind.
func TestApplyEntraSingleAppRole(t *testing.T) {
	const admin = `{"roles":[{"primary":true,"type":"WindowsAzureActiveDirectoryRole","value":"Admin","display":"Admin"}]}`
	const reader = `{"roles":[{"primary":true,"type":"WindowsAzureActiveDirectoryRole","value":"Reader","display":"Reader"}]}`
	change := func(filter string) string {
		return body(
			`{"op":"Replace","path":"roles[primary eq `+filter+`].value","value":"Reader"}`,
			`{"op":"Replace","path":"roles[primary eq `+filter+`].display","value":"Reader"}`,
			`{"op":"Replace","path":"roles[primary eq `+filter+`].type","value":"WindowsAzureActiveDirectoryRole"}`)
	}
	runApply(t, []applyCase{
		{name: "default dialect: a role change replaces the primary role", before: aliceWith(admin), body: change(`\"True\"`), after: aliceWith(reader)},
		{name: "the string in any case", before: aliceWith(admin), body: change(`\"true\"`), after: aliceWith(reader)},
		{name: "aadOptscim062020: a boolean filter", before: aliceWith(admin), body: change(`true`), after: aliceWith(reader)},
		{name: "an unquoted True", before: aliceWith(admin), body: change(`True`), after: aliceWith(reader)},
		{
			name: "the first role is created primary",
			body: body(
				`{"op":"Add","path":"roles[primary eq \"True\"].value","value":"Admin"}`,
				`{"op":"Add","path":"roles[primary eq \"True\"].display","value":"Admin"}`,
				`{"op":"Add","path":"roles[primary eq \"True\"].type","value":"WindowsAzureActiveDirectoryRole"}`),
			after: aliceWith(admin),
		},
		{
			name:   "only the primary role changes",
			before: aliceWith(`{"roles":[{"value":"Auditor","primary":false},{"value":"Admin","primary":true}]}`),
			body:   body(`{"op":"Replace","path":"roles[primary eq \"True\"].value","value":"Reader"}`),
			after:  aliceWith(`{"roles":[{"value":"Auditor","primary":false},{"value":"Reader","primary":true}]}`),
		},
		{
			name:   "a string False selects the non-primary roles",
			before: aliceWith(`{"roles":[{"value":"Auditor","primary":false},{"value":"Admin","primary":true}]}`),
			body:   body(`{"op":"Remove","path":"roles[primary eq \"False\"]"}`),
			after:  aliceWith(`{"roles":[{"value":"Admin","primary":true}]}`),
		},
		{
			name:   "removing the primary role",
			before: aliceWith(admin),
			body:   body(`{"op":"Remove","path":"roles[primary eq \"True\"]"}`),
			after:  aliceWith(`{"roles":null}`),
		},
		{
			name:  "a string True describes one element with a boolean True",
			body:  body(`{"op":"Add","path":"roles[primary eq \"True\" and primary eq true].value","value":"Admin"}`),
			after: aliceWith(`{"roles":[{"primary":true,"value":"Admin"}]}`),
		},
		{
			name:  "the string primary of emails",
			body:  body(`{"op":"Replace","path":"emails[primary eq \"true\"].value","value":"new@contoso.com"}`),
			after: aliceWith(`{"emails":[{"primary":true,"type":"work","value":"new@contoso.com"}]}`),
		},
		{
			name:     "a string that is no boolean describes no element",
			body:     body(`{"op":"Add","path":"roles[primary eq \"perhaps\"].value","value":"Admin"}`),
			status:   400,
			scimType: scim.InvalidValue,
		},
	})
}

// TestApplyEntraAppRoleExpressions checks Entra's two expressions for
// several app roles (docs/entra.md §3.11): AppRoleAssignmentsComplex adds
// each role as a JSON document inside a string value, and the role it
// describes is stored; AssertiveAppRoleAssignmentsComplex replaces the
// whole list, so a role taken away in Entra goes.
func TestApplyEntraAppRoleExpressions(t *testing.T) {
	const posted = `{"roles":[
	 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Admin","value":"Admin"},
	 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"}]}`
	role := func(id, value, display string) string {
		doc := `{"id":"` + id + `","value":"` + value + `","displayName":"` + display + `"}`
		b, _ := json.Marshal(map[string]string{"value": doc})
		return string(b)
	}
	runApply(t, []applyCase{
		{
			name:  "Complex: each JSON document becomes the role it describes",
			body:  body(`{"op":"Add","path":"roles","value":[` + role("06b07648-ecfe-589f-9d2f-6325724a46ee", "Admin", "Admin") + `,` + role("06b07648-ecfe-599f-9d2f-6325724a46ee", "User", "User") + `]}`),
			after: aliceWith(`{"roles":[{"value":"Admin","display":"Admin"},{"value":"User","display":"User"}]}`),
		},
		{
			name:   "Complex: roles already posted are not added twice",
			before: aliceWith(posted),
			body:   body(`{"op":"Add","path":"roles","value":[` + role("06b07648-ecfe-589f-9d2f-6325724a46ee", "Admin", "Administrator") + `,` + role("1", "Reader", "Reader") + `]}`),
			after: aliceWith(`{"roles":[
			 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Administrator","value":"Admin"},
			 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"},
			 {"value":"Reader","display":"Reader"}]}`),
		},
		{
			name:   "Complex, aadOptscim062020 op case and one document as the value",
			before: aliceWith(posted),
			body:   body(`{"op":"add","path":"roles","value":` + role("1", "Reader", "Reader") + `}`),
			after: aliceWith(`{"roles":[
			 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Admin","value":"Admin"},
			 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"},
			 {"value":"Reader","display":"Reader"}]}`),
		},
		{
			name:   "a Remove naming a role by its document removes that role",
			before: aliceWith(posted),
			body:   body(`{"op":"Remove","path":"roles","value":[` + role("06b07648-ecfe-589f-9d2f-6325724a46ee", "Admin", "Admin") + `]}`),
			after:  aliceWith(`{"roles":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"}]}`),
		},
		{
			name:   "a value that is not a role document stays the string it is",
			before: aliceWith(`{"roles":null}`),
			body:   body(`{"op":"Add","path":"roles","value":[{"value":"{not json"},{"value":"{\"id\":\"only an id\"}"},{"value":"{\"value\":42}"}]}`),
			after:  aliceWith(`{"roles":[{"value":"{not json"},{"value":"{\"id\":\"only an id\"}"},{"value":"{\"value\":42}"}]}`),
		},
		{
			name:   "Assertive, default dialect: Replace sets exactly the roles assigned",
			before: aliceWith(posted),
			body:   body(`{"op":"Replace","path":"roles","value":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"},{"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Test","value":"Test"}]}`),
			after: aliceWith(`{"roles":[
			 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"User","value":"User"},
			 {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display":"Test","value":"Test"}]}`),
		},
		{
			name:   "Assertive, aadOptscim062020: the last role taken away",
			before: aliceWith(posted),
			body:   body(`{"op":"replace","path":"roles","value":[]}`),
			after:  aliceWith(`{"roles":null}`),
		},
	})
}
