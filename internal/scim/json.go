package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of a request body. The deepest legitimate
// SCIM body (a PATCH value holding an extension holding a complex attribute)
// nests a handful of levels; checking before decoding bounds what a hostile
// body costs.
const MaxDepth = 32

// DecodeObject decodes a request body holding exactly one JSON object, with
// numbers as json.Number. what names the body in error details ("the PATCH
// body"). Returns a 400 *Error (invalidSyntax) for invalid UTF-8, nesting
// past MaxDepth, malformed JSON, another JSON value or trailing data.
func DecodeObject(b []byte, what string) (map[string]any, error) {
	if !utf8.Valid(b) {
		return nil, BadRequest(InvalidSyntax, "%s is not valid UTF-8", what)
	}
	if depth(b) > MaxDepth {
		return nil, BadRequest(InvalidSyntax, "%s nests deeper than %d levels", what, MaxDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, BadRequest(InvalidSyntax, "%s is not valid JSON: %v", what, err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, BadRequest(InvalidSyntax, "%s must be a JSON object, not %s", what, DescribeJSON(v))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, BadRequest(InvalidSyntax, "%s has data after its JSON object", what)
	}
	return obj, nil
}

// depth returns the deepest nesting of arrays and objects in the JSON text b,
// skipping strings; b need not be valid JSON.
func depth(b []byte) int {
	d, deepest := 0, 0
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
		case c == '}' || c == ']':
			d--
		}
	}
	return deepest
}
