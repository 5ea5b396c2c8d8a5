package patch_test

import "testing"

// TestApplyReplaceMerges checks that a replace whose path names a singular
// complex attribute or a whole extension sets the sub-attributes its value
// names and leaves the others unchanged (RFC 7644 §3.5.2.3), as a path-less
// replace does, while a manager, multi-valued attributes and filtered paths
// keep their own rules.
func TestApplyReplaceMerges(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	const custom = "urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User"
	withOldManager := aliceWith(`{"` + ent + `":{"department":"Eng","employeeNumber":"42","manager":{"value":"m-0","displayName":"Old"}}}`)
	runApply(t, []applyCase{
		{
			name:  "a named sub-attribute is replaced and the others are kept",
			body:  body(`{"op":"replace","path":"name","value":{"givenName":"G2"}}`),
			after: aliceWith(`{"name":{"formatted":"Alice A","familyName":"A","givenName":"G2"}}`),
		},
		{
			name:  "a sub-attribute the attribute lacked is added",
			body:  body(`{"op":"replace","path":"name","value":{"middleName":"M","familyName":"B"}}`),
			after: aliceWith(`{"name":{"formatted":"Alice A","familyName":"B","givenName":"Alice","middleName":"M"}}`),
		},
		{
			name:  "Entra's op case and a URN-qualified path in another case",
			body:  body(`{"op":"Replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:NAME","value":{"GivenName":"G2"}}`),
			after: aliceWith(`{"name":{"formatted":"Alice A","familyName":"A","givenName":"G2"}}`),
		},
		{
			name:  "a null or empty sub-attribute is cleared, as null and \"\" clear anywhere",
			body:  body(`{"op":"replace","path":"name","value":{"givenName":null,"formatted":""}}`),
			after: aliceWith(`{"name":{"familyName":"A"}}`),
		},
		{
			name:  "clearing every sub-attribute removes the attribute",
			body:  body(`{"op":"replace","path":"name","value":{"givenName":null,"familyName":null,"formatted":null}}`),
			after: aliceWith(`{"name":null}`),
		},
		{name: "an empty object changes nothing", body: body(`{"op":"replace","path":"name","value":{}}`)},
		{name: "an empty object for an absent attribute adds nothing", before: aliceWith(`{"name":null}`), body: body(`{"op":"replace","path":"name","value":{}}`)},
		{
			name:   "replace of an absent attribute adds it",
			before: aliceWith(`{"name":null}`),
			body:   body(`{"op":"replace","path":"name","value":{"givenName":"G2"}}`),
			after:  aliceWith(`{"name":{"givenName":"G2"}}`),
		},
		{name: "a null value still removes the whole attribute", body: body(`{"op":"replace","path":"name","value":null}`), after: aliceWith(`{"name":null}`)},
		{
			name:  "the enterprise extension by its URN: attributes not named are kept",
			body:  body(`{"op":"replace","path":"` + ent + `","value":{"department":"Ops"}}`),
			after: aliceWith(`{"` + ent + `":{"department":"Ops","employeeNumber":"42"}}`),
		},
		{
			name:  "the enterprise extension by its URN: a null attribute is cleared",
			body:  body(`{"op":"replace","path":"` + ent + `","value":{"department":null,"costCenter":"C1"}}`),
			after: aliceWith(`{"` + ent + `":{"employeeNumber":"42","costCenter":"C1"}}`),
		},
		{
			name: "the enterprise extension by its URN: an empty object changes nothing",
			body: body(`{"op":"replace","path":"` + ent + `","value":{}}`),
		},
		{
			name:  "the enterprise extension by its URN: a null value removes it",
			body:  body(`{"op":"replace","path":"` + ent + `","value":null}`),
			after: aliceWith(`{"` + ent + `":null}`),
		},
		{
			name:   "a custom extension by its URN: attributes not named are kept",
			before: aliceWith(`{"` + custom + `":{"badge":"B-9","floor":"3"}}`),
			body:   body(`{"op":"replace","path":"` + custom + `","value":{"badge":"B-10"}}`),
			after:  aliceWith(`{"` + custom + `":{"badge":"B-10","floor":"3"}}`),
		},
		{
			name:   "the manager by path: the new manager replaces the old one whole",
			before: withOldManager,
			body:   body(`{"op":"replace","path":"manager","value":{"value":"m-1"}}`),
			after:  aliceWith(`{"` + ent + `":{"department":"Eng","employeeNumber":"42","manager":{"value":"m-1"}}}`),
		},
		{
			name:   "the manager inside the extension by its URN: replaced, the rest kept",
			before: withOldManager,
			body:   body(`{"op":"replace","path":"` + ent + `","value":{"manager":{"value":"m-1"}}}`),
			after:  aliceWith(`{"` + ent + `":{"department":"Eng","employeeNumber":"42","manager":{"value":"m-1"}}}`),
		},
		{
			name:   "a multi-valued attribute without a filter is still replaced whole",
			before: aliceWith(`{"emails":[{"type":"work","value":"a@w.com"},{"type":"home","value":"a@h.com"}]}`),
			body:   body(`{"op":"replace","path":"emails","value":[{"type":"other","value":"a@o.com"}]}`),
			after:  aliceWith(`{"emails":[{"type":"other","value":"a@o.com"}]}`),
		},
		{
			name:   "a filtered path still sets the matching element only",
			before: aliceWith(`{"emails":[{"type":"work","value":"a@w.com"},{"type":"home","value":"a@h.com"}]}`),
			body:   body(`{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"b@w.com"}}`),
			after:  aliceWith(`{"emails":[{"type":"work","value":"b@w.com"},{"type":"home","value":"a@h.com"}]}`),
		},
	})
}
