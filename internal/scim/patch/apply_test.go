package patch_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

func TestApplySingular(t *testing.T) {
	runApply(t, []applyCase{
		{name: "add sets a simple attribute", body: body(`{"op":"Add","path":"title","value":"CEO"}`), after: aliceWith(`{"title":"CEO"}`)},
		{name: "replace sets a simple attribute", body: body(`{"op":"replace","path":"displayName","value":"Al"}`), after: aliceWith(`{"displayName":"Al"}`)},
		{name: "URN-qualified core attribute", body: body(`{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:displayName","value":"Al"}`), after: aliceWith(`{"displayName":"Al"}`)},
		{
			name:  "add to a complex attribute merges sub-attributes",
			body:  body(`{"op":"Add","path":"name","value":{"givenName":"Al","middleName":"M"}}`),
			after: aliceWith(`{"name":{"formatted":"Alice A","familyName":"A","givenName":"Al","middleName":"M"}}`),
		},
		{
			name:  "replace of a complex attribute with a path merges sub-attributes",
			body:  body(`{"op":"Replace","path":"name","value":{"givenName":"Al"}}`),
			after: aliceWith(`{"name":{"formatted":"Alice A","familyName":"A","givenName":"Al"}}`),
		},
		{
			name:  "path-less replace of a complex attribute merges",
			body:  body(`{"op":"replace","value":{"name":{"givenName":"Al","familyName":""}}}`),
			after: aliceWith(`{"name":{"formatted":"Alice A","givenName":"Al"}}`),
		},
		{
			name:  "path-less add with plain, dotted, URN and extension keys",
			body:  body(`{"op":"add","value":{"title":"CTO","name.middleName":"M","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division":"Labs","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"C"}}}`),
			after: aliceWith(`{"title":"CTO","name":{"formatted":"Alice A","familyName":"A","givenName":"Alice","middleName":"M"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"42","division":"Labs","costCenter":"C"}}`),
		},
		{
			name:  "path-less value ignores id, schemas and meta, as Okta echoes them",
			body:  body(`{"op":"replace","value":{"id":"x","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"meta":{"version":"W/\"1\""},"displayName":"Al"}}`),
			after: aliceWith(`{"displayName":"Al"}`),
		},
		{name: "path-less value skips read-only groups", body: body(`{"op":"add","value":{"groups":[{"value":"g"}],"title":"T"}}`), after: aliceWith(`{"title":"T"}`)},
		{name: "password is accepted and dropped", body: body(`{"op":"replace","path":"password","value":"s3cret"}`, `{"op":"add","value":{"password":"x"}}`)},
		{name: "remove removes an attribute", body: body(`{"op":"Remove","path":"displayName"}`), after: aliceWith(`{"displayName":null}`)},
		{name: "remove removes a sub-attribute", body: body(`{"op":"remove","path":"name.givenName"}`), after: aliceWith(`{"name":{"formatted":"Alice A","familyName":"A"}}`)},
		{name: "removing an absent attribute is a no-op", body: body(`{"op":"remove","path":"title"}`, `{"op":"remove","path":"name.middleName"}`)},
		{
			name:  "remove with a path to a whole extension",
			body:  body(`{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}`),
			after: aliceWith(`{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":null}`),
		},
		{
			name:  "replace with a path to a whole extension merges its attributes",
			body:  body(`{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"division":"D"}}`),
			after: aliceWith(`{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"42","division":"D"}}`),
		},
		{
			name:  "path-less remove names attributes in its value",
			body:  body(`{"op":"remove","value":{"displayName":"Alice A"}}`),
			after: aliceWith(`{"displayName":null}`),
		},
		{name: "unknown attribute", body: body(`{"op":"add","path":"shoeSize","value":"9"}`), status: 400, scimType: scim.InvalidPath, detail: "shoeSize"},
		{name: "unknown sub-attribute", body: body(`{"op":"add","path":"name.nick","value":"x"}`), status: 400, scimType: scim.InvalidPath, detail: "name.nick"},
		{name: "unknown attribute of a known extension", body: body(`{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:floor","value":"3"}`), status: 400, scimType: scim.InvalidPath, detail: "floor"},
		{name: "unknown key in a path-less value", body: body(`{"op":"replace","value":{"shoeSize":"9"}}`), status: 400, scimType: scim.InvalidPath, detail: "shoeSize"},
		{name: "unknown key nested in a complex value", body: body(`{"op":"add","value":{"name":{"nick":"x"}}}`), status: 400, scimType: scim.InvalidPath, detail: "name.nick"},
		{name: "path-less value that is not an object", body: body(`{"op":"replace","value":"Al"}`), status: 400, scimType: scim.InvalidValue},
		{name: "value of the wrong type", body: body(`{"op":"replace","path":"active","value":"maybe"}`), status: 400, scimType: scim.InvalidValue},
		{name: "explicit path to id is read-only", body: body(`{"op":"replace","path":"id","value":"x"}`), status: 400, scimType: scim.Mutability},
		{name: "explicit path to meta is read-only", body: body(`{"op":"replace","path":"meta.created","value":"2020-01-01T00:00:00Z"}`), status: 400, scimType: scim.Mutability},
		{name: "explicit path to groups is read-only", body: body(`{"op":"add","path":"groups","value":[{"value":"g"}]}`), status: 400, scimType: scim.Mutability},
		{name: "explicit path to a read-only sub-attribute", body: body(`{"op":"add","path":"manager.displayName","value":"Bob"}`), status: 400, scimType: scim.Mutability},
		{name: "sub-attribute of a multi-valued attribute without a filter", body: body(`{"op":"replace","path":"emails.value","value":"x@y"}`), status: 400, scimType: scim.InvalidPath},
		{name: "members of a user", body: body(`{"op":"add","path":"members","value":[{"value":"1"}]}`), status: 400, scimType: scim.InvalidPath},
		{
			name:   "all or nothing: a failing operation leaves the resource untouched",
			body:   body(`{"op":"replace","path":"displayName","value":"Al"}`, `{"op":"remove","path":"emails"}`, `{"op":"add","path":"shoeSize","value":"9"}`),
			status: 400, scimType: scim.InvalidPath, detail: "operation 3",
		},
		{
			name:   "all or nothing inside a path-less value",
			body:   body(`{"op":"replace","value":{"active":false,"displayName":"B","title":42}}`),
			status: 400, scimType: scim.InvalidValue, detail: "operation 1",
		},
	})
}

func TestApplyMultiValued(t *testing.T) {
	const two = `{"userName":"a","emails":[{"type":"work","value":"a@w.com","primary":true},{"type":"home","value":"a@h.com"}]}`
	const addr = `{"userName":"a","addresses":[{"type":"work","streetAddress":"1 Main","locality":"Town"}]}`
	runApply(t, []applyCase{
		{
			name:  "add appends elements",
			body:  body(`{"op":"Add","path":"emails","value":[{"type":"other","value":"a@o.com"}]}`),
			after: aliceWith(`{"emails":[{"primary":true,"type":"work","value":"alice@contoso.com"},{"type":"other","value":"a@o.com"}]}`),
		},
		{name: "adding an existing email is a no-op", body: body(`{"op":"add","path":"emails","value":[{"type":"work","value":"ALICE@contoso.com"}]}`)},
		{name: "adding an existing email again with its flags is a no-op", body: body(`{"op":"Add","path":"emails","value":{"primary":"True","type":"work","value":"alice@contoso.com"}}`)},
		{
			name:   "an added primary element clears the other primary",
			before: two,
			body:   body(`{"op":"add","path":"emails","value":[{"type":"other","value":"a@o.com","primary":true}]}`),
			after:  `{"userName":"a","emails":[{"type":"work","value":"a@w.com","primary":false},{"type":"home","value":"a@h.com"},{"type":"other","value":"a@o.com","primary":true}]}`,
		},
		{
			name:   "replace without a filter replaces the list",
			before: two,
			body:   body(`{"op":"Replace","path":"emails","value":[{"type":"work","value":"b@w.com"}]}`),
			after:  `{"userName":"a","emails":[{"type":"work","value":"b@w.com"}]}`,
		},
		{
			name:   "replace with an empty array clears the list",
			before: two,
			body:   body(`{"op":"replace","path":"emails","value":[]}`),
			after:  `{"userName":"a"}`,
		},
		{
			name:   "path-less replace of a multi-valued attribute replaces it",
			before: two,
			body:   body(`{"op":"replace","value":{"emails":[{"type":"home","value":"x@h.com"}]}}`),
			after:  `{"userName":"a","emails":[{"type":"home","value":"x@h.com"}]}`,
		},
		{
			name:   "filtered path sets the sub-attribute of the matching element",
			before: two,
			body:   body(`{"op":"Replace","path":"emails[type eq \"home\"].value","value":"new@h.com"}`),
			after:  `{"userName":"a","emails":[{"type":"work","value":"a@w.com","primary":true},{"type":"home","value":"new@h.com"}]}`,
		},
		{
			name:   "filtered path setting primary clears the other primary",
			before: two,
			body:   body(`{"op":"replace","path":"emails[type eq \"home\"].primary","value":"True"}`),
			after:  `{"userName":"a","emails":[{"type":"work","value":"a@w.com","primary":false},{"type":"home","value":"a@h.com","primary":true}]}`,
		},
		{
			name:  "Add to a filtered path with no match creates the element",
			body:  body(`{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555"}`),
			after: aliceWith(`{"phoneNumbers":[{"type":"mobile","value":"+1 555"}]}`),
		},
		{
			name:  "Replace on a filtered path with no match creates the element",
			body:  body(`{"op":"Replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 Main"}`),
			after: aliceWith(`{"addresses":[{"type":"work","streetAddress":"1 Main"}]}`),
		},
		{
			name:  "equalities joined by and describe the new element",
			body:  body(`{"op":"replace","path":"emails[type eq \"home\" and primary eq false].value","value":"a@h.com"}`),
			after: aliceWith(`{"emails":[{"primary":true,"type":"work","value":"alice@contoso.com"},{"type":"home","primary":false,"value":"a@h.com"}]}`),
		},
		{
			name:   "filtered path without a sub-attribute merges the object",
			before: two,
			body:   body(`{"op":"add","path":"emails[type eq \"home\"]","value":{"display":"Home","primary":true}}`),
			after:  `{"userName":"a","emails":[{"type":"work","value":"a@w.com","primary":false},{"type":"home","value":"a@h.com","display":"Home","primary":true}]}`,
		},
		{
			name:   "remove with a filter removes the matching elements",
			before: two,
			body:   body(`{"op":"remove","path":"emails[type eq \"work\"]"}`),
			after:  `{"userName":"a","emails":[{"type":"home","value":"a@h.com"}]}`,
		},
		{
			name:   "remove with a filter and sub-attribute removes only that",
			before: addr,
			body:   body(`{"op":"Remove","path":"addresses[type eq \"work\"].streetAddress"}`),
			after:  `{"userName":"a","addresses":[{"type":"work","locality":"Town"}]}`,
		},
		{
			name:   "removing the last element removes the attribute",
			before: addr,
			body:   body(`{"op":"remove","path":"addresses[type eq \"work\"]"}`),
			after:  `{"userName":"a"}`,
		},
		{name: "remove with a filter matching nothing is a no-op", body: body(`{"op":"remove","path":"emails[type eq \"home\"]"}`)},
		{name: "clearing an element that does not exist is a no-op", body: body(`{"op":"Replace","path":"phoneNumbers[type eq \"fax\"].value","value":""}`)},
		{name: "remove without a filter removes the attribute", before: two, body: body(`{"op":"remove","path":"emails"}`), after: `{"userName":"a"}`},
		{
			name:   "no match for a filter that is not equalities",
			body:   body(`{"op":"replace","path":"emails[value co \"nomatch\"].value","value":"x@y"}`),
			status: 400, scimType: scim.NoTarget,
		},
		{
			name:   "no match for an or filter",
			body:   body(`{"op":"add","path":"emails[type eq \"home\" or type eq \"other\"].value","value":"x@y"}`),
			status: 400, scimType: scim.NoTarget,
		},
		{name: "filter naming an unknown sub-attribute", body: body(`{"op":"replace","path":"emails[kind eq \"work\"].value","value":"x"}`), status: 400, scimType: scim.InvalidFilter},
		{name: "filter on a singular attribute", body: body(`{"op":"replace","path":"name[givenName eq \"A\"].familyName","value":"x"}`), status: 400, scimType: scim.InvalidPath},
		{name: "unknown sub-attribute after a filter", body: body(`{"op":"replace","path":"emails[type eq \"work\"].domain","value":"x"}`), status: 400, scimType: scim.InvalidPath},
		{name: "filter value of the wrong type for a new element", body: body(`{"op":"add","path":"emails[type eq \"home\" and primary eq \"perhaps\"].value","value":"x"}`), status: 400, scimType: scim.InvalidValue},
	})
}

// TestApplyOpsNotFromDecode checks that Apply takes ops built by a caller,
// whose op names may be in any case.
func TestApplyOpsNotFromDecode(t *testing.T) {
	path, err := filter.ParsePath("displayName")
	if err != nil {
		t.Fatal(err)
	}
	res := mustDecode(alice)
	if _, err := patch.Apply(scim.Users, res, []patch.Op{{Op: "Replace", Path: path, Value: "Al"}}); err != nil {
		t.Fatalf("got error %v, want none", err)
	}
	if got, want := res["displayName"], "Al"; got != want {
		t.Errorf("got displayName %v, want %v", got, want)
	}
	_, err = patch.Apply(scim.Users, res, []patch.Op{{Op: "move", Path: path, Value: "B"}})
	checkError(t, err, 400, scim.InvalidSyntax, "move")
	if got, want := res["displayName"], "Al"; got != want {
		t.Errorf("after a failed Apply got displayName %v, want %v", got, want)
	}
}
