package patch_test

import "testing"

// TestApplyExtensionURNsOfAnyShape checks PATCH on custom extensions whose
// URNs are not Entra's "…:<ver>:<Type>": a path-less value keys them by
// their full URN as a POST body does, and a path equal to a URN the user
// holds names that extension, "<URN>:attr" an attribute inside it.
func TestApplyExtensionURNsOfAnyShape(t *testing.T) {
	const slack = "urn:scim:schemas:extension:slack:guest:1.0"
	withFoo := aliceWith(`{"urn:foo:bar":{"x":1}}`)
	withSlack := aliceWith(`{"` + slack + `":{"type":"multi","expiration":"2026-12-31T00:00:00Z"}}`)
	runApply(t, []applyCase{
		{
			name:  "path-less, a URN key holding an object is that extension",
			body:  body(`{"op":"add","value":{"urn:foo:bar":{"x":1}}}`),
			after: withFoo,
		},
		{
			name:  "path-less, a URN listed in the value's schemas is split after",
			body:  body(`{"op":"add","value":{"schemas":["urn:foo"],"urn:foo:bar":{"x":1}}}`),
			after: aliceWith(`{"urn:foo":{"bar":{"x":1}}}`),
		},
		{
			name:  "Slack's extension added with its URN as path",
			body:  body(`{"op":"add","path":"` + slack + `","value":{"type":"multi","expiration":"2026-12-31T00:00:00Z"}}`),
			after: withSlack,
		},
		{
			name:   "an attribute of a held Slack extension",
			before: withSlack,
			body:   body(`{"op":"replace","path":"` + slack + `:type","value":"single"}`),
			after:  aliceWith(`{"` + slack + `":{"type":"single","expiration":"2026-12-31T00:00:00Z"}}`),
		},
		{
			name:   "an attribute of a held urn:foo:bar",
			before: withFoo,
			body:   body(`{"op":"add","path":"urn:foo:bar:y","value":"2"}`),
			after:  aliceWith(`{"urn:foo:bar":{"x":1,"y":"2"}}`),
		},
		{
			name:   "a held urn:foo:bar removed whole",
			before: withFoo,
			body:   body(`{"op":"remove","path":"urn:foo:bar"}`),
			after:  alice,
		},
		{
			name:   "path-less, a held extension's key merges into it",
			before: withFoo,
			body:   body(`{"op":"add","value":{"urn:foo:bar":{"y":"2"}}}`),
			after:  aliceWith(`{"urn:foo:bar":{"x":1,"y":"2"}}`),
		},
		{
			name:   "a held urn:foo is still split after, so urn:foo:bar is its attribute",
			before: aliceWith(`{"urn:foo":{"bar":{"x":1}}}`),
			body:   body(`{"op":"remove","path":"urn:foo:bar"}`),
			after:  alice,
		},
	})
}
