package codec

import (
	"bytes"
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// MaxDepth bounds the nesting of a request body. The deepest legitimate
// SCIM body (a PATCH value holding an extension holding a complex attribute)
// nests a handful of levels; checking before decoding bounds what a hostile
// body costs.
const MaxDepth = 32

// MaxElements bounds the array elements and object members of a request
// body, counted before decoding: decoded, each costs a hundred bytes or more
// (an email of 4 bytes on the wire becomes a map), so a 1 MiB body of tiny
// elements would otherwise cost over 100 MiB. The largest legitimate body,
// a PATCH naming patch.MaxMembers members as {"$ref":null,"value":id},
// has about 30,000.
const MaxElements = 50_000

// DecodeObject decodes a request body holding exactly one JSON object, with
// numbers as json.Number. what names the body in error details ("the PATCH
// body"). Returns a 400 *scim.Error (invalidSyntax) for invalid UTF-8, nesting
// past MaxDepth, malformed JSON, another JSON value or trailing data, and a
// 413 *scim.Error (tooMany) for more than MaxElements elements and members.
func DecodeObject(b []byte, what string) (map[string]any, error) {
	if !utf8.Valid(b) {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s is not valid UTF-8", what)
	}
	deepest, elements, members := shape(b)
	if deepest > MaxDepth {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s nests deeper than %d levels", what, MaxDepth)
	}
	if elements > MaxElements {
		return nil, scim.Errorf(http.StatusRequestEntityTooLarge, scim.TooMany, "%s has more than %d array elements and object members; send less in each request", what, MaxElements)
	}
	v, err := parseJSON(b)
	if err != nil {
		return nil, invalidJSON(b, what)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s must be a JSON object, not %s", what, scim.DescribeJSON(v))
	}
	// The decoder keeps the last of members with one name; which one
	// counts differs between parsers, so a body that has them is refused.
	if countMembers(obj) != members {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s has an object with two members of the same name", what)
	}
	return obj, nil
}

// invalidJSON returns the 400 *scim.Error of a body that is not one valid JSON
// value, in encoding/json's words, which say where it goes wrong.
func invalidJSON(b []byte, what string) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return scim.BadRequest(scim.InvalidSyntax, "%s is not valid JSON: %v", what, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return scim.BadRequest(scim.InvalidSyntax, "%s must be a JSON object, not %s", what, scim.DescribeJSON(v))
	}
	return scim.BadRequest(scim.InvalidSyntax, "%s has data after its JSON object", what)
}

// countMembers returns the number of object members in the decoded value v.
func countMembers(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		n = len(v)
		for _, e := range v {
			n += countMembers(e)
		}
	case []any:
		for _, e := range v {
			n += countMembers(e)
		}
	}
	return n
}

// shape returns the deepest nesting of arrays and objects in the JSON text b,
// about how many elements and members they hold (one per container and per
// comma), and how many object members (one per colon), skipping strings; b
// need not be valid JSON.
func shape(b []byte) (deepest, elements, members int) {
	d := 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			d++
			deepest = max(deepest, d)
			elements++
		case c == '}' || c == ']':
			d--
		case c == ',':
			elements++
		case c == ':':
			members++
		}
	}
	return deepest, elements, members
}
