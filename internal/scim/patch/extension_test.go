package patch_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// TestApplyWholeExtension checks PATCH operations whose target is a whole
// extension schema (issue 11 item 2): with the URN as the path, and
// path-less with the URN as a key, for the enterprise extension and for a
// custom one the bridge keeps as sent. A "schemas" key inside the value is
// what clients that serialise an extension as a resource send; it is
// ignored, never an error.
func TestApplyWholeExtension(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	const custom = "urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User"
	merged := aliceWith(`{"` + ent + `":{"department":"Ops","employeeNumber":"42","costCenter":"C7"}}`)
	withCustom := aliceWith(`{"` + custom + `":{"badge":"B-9","floor":"3"}}`)
	runApply(t, []applyCase{
		{
			name:  "add with the URN as path merges into the extension",
			body:  body(`{"op":"add","path":"` + ent + `","value":{"department":"Ops","costCenter":"C7"}}`),
			after: merged,
		},
		{
			name:  "replace with the URN as path merges into the extension (RFC 7644 §3.5.2.3)",
			body:  body(`{"op":"replace","path":"` + ent + `","value":{"department":"Ops","costCenter":"C7"}}`),
			after: merged,
		},
		{
			name:  "a schemas key in the value is ignored (add)",
			body:  body(`{"op":"add","path":"` + ent + `","value":{"schemas":["` + ent + `"],"department":"Ops","costCenter":"C7"}}`),
			after: merged,
		},
		{
			name:  "a schemas key in the value is ignored (replace, Entra's op case)",
			body:  body(`{"op":"Replace","path":"` + ent + `","value":{"Schemas":"` + ent + `","department":"Ops","costCenter":"C7"}}`),
			after: merged,
		},
		{
			name:  "path-less value keyed by the URN merges (add)",
			body:  body(`{"op":"add","value":{"` + ent + `":{"schemas":["` + ent + `"],"department":"Ops","costCenter":"C7"}}}`),
			after: merged,
		},
		{
			name:  "path-less value keyed by the URN merges (replace, RFC 7644 §3.5.2.3)",
			body:  body(`{"op":"replace","value":{"` + ent + `":{"schemas":["` + ent + `"],"department":"Ops","costCenter":"C7"}}}`),
			after: merged,
		},
		{
			name:  "the URN in another case",
			body:  body(`{"op":"add","path":"urn:ietf:params:scim:schemas:extension:Enterprise:2.0:user","value":{"department":"Ops","costCenter":"C7"}}`),
			after: merged,
		},
		{
			name:  "the manager inside a whole-extension value",
			body:  body(`{"op":"add","path":"` + ent + `","value":{"schemas":[],"manager":{"value":"m-1"}}}`),
			after: aliceWith(`{"` + ent + `":{"department":"Eng","employeeNumber":"42","manager":{"value":"m-1"}}}`),
		},
		{
			name:  "a custom extension with the URN as path, schemas ignored",
			body:  body(`{"op":"add","path":"` + custom + `","value":{"schemas":["` + custom + `"],"badge":"B-9","floor":"3"}}`),
			after: withCustom,
		},
		{
			name:   "replace of a custom extension merges into it",
			before: withCustom,
			body:   body(`{"op":"replace","path":"` + custom + `","value":{"schemas":["` + custom + `"],"badge":"B-10"}}`),
			after:  aliceWith(`{"` + custom + `":{"badge":"B-10","floor":"3"}}`),
		},
		{
			name:  "a custom extension path-less, keyed by its URN",
			body:  body(`{"op":"add","value":{"` + custom + `":{"schemas":["` + custom + `"],"badge":"B-9","floor":"3"}}}`),
			after: withCustom,
		},
		{
			name:  "a value holding only schemas changes nothing",
			body:  body(`{"op":"add","path":"` + ent + `","value":{"schemas":["` + ent + `"]}}`),
			after: alice,
		},
		{
			name:     "an unknown attribute of the enterprise extension is still refused",
			body:     body(`{"op":"add","path":"` + ent + `","value":{"schemas":["` + ent + `"],"floor":"3"}}`),
			status:   400,
			scimType: scim.InvalidPath,
			detail:   "floor",
		},
		{
			name:     "a whole-extension value that is not an object",
			body:     body(`{"op":"replace","path":"` + ent + `","value":"Ops"}`),
			status:   400,
			scimType: scim.InvalidValue,
		},
	})
}
