package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// errInvalidJSON is the parser's one error: callers that owe their client
// a precise message ask encoding/json for one.
var errInvalidJSON = errors.New("codec: not valid JSON")

// ParseObject decodes the JSON object b into canonical form, exactly as
// encoding/json decodes it into a map[string]any with UseNumber (the last
// of duplicate names wins, invalid UTF-8 becomes U+FFFD), in one pass and
// with a fraction of the allocations: every string without escapes is a
// slice of one copy of b. Stored documents are read through it on every
// PATCH. It returns an error for anything but one valid JSON object.
func ParseObject(b []byte) (map[string]any, error) {
	v, err := parseJSON(b)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("codec: the JSON text is " + scim.DescribeJSON(v) + ", not an object")
	}
	return obj, nil
}

// ValidObject reports whether b is one valid JSON object, with white space
// around it or not: what json.Valid reports of a text starting with '{',
// several times faster, and without allocating.
func ValidObject(b []byte) bool {
	p := parser{b: b}
	p.space()
	if p.i >= len(b) || b[p.i] != '{' {
		return false
	}
	p.value(false)
	p.space()
	return !p.bad && p.i == len(b)
}

// parseJSON decodes the one JSON value b holds, as encoding/json decodes
// it into an any with UseNumber.
func parseJSON(b []byte) (any, error) {
	p := parser{b: b, src: string(b)}
	v := p.value(true)
	p.space()
	if p.bad || p.i != len(b) {
		return nil, errInvalidJSON
	}
	return v, nil
}

// eachMember calls yield with the key (the quoted token, as written) and
// the value (its JSON text) of each member of the JSON object obj, in
// order, until yield returns false. It reads obj with the parser, so it
// stops where obj is not valid JSON.
func eachMember(obj []byte, yield func(key, value []byte) bool) {
	p := parser{b: obj}
	p.space()
	if p.i >= len(obj) || obj[p.i] != '{' {
		return
	}
	p.members(false, func(_ string, key []byte) bool {
		start := p.i
		p.value(false)
		return !p.bad && yield(key, obj[start:p.i])
	})
}

// text returns the value of the valid JSON string token s: a slice of s
// when it holds no escape and is valid UTF-8, as all the keys and values
// the service writes are, so that reading a document allocates nothing;
// else what encoding/json decodes it to (U+FFFD for invalid UTF-8
// included).
func text(s []byte) []byte {
	if inner := s[1 : len(s)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	return []byte(decodeString(s))
}

// decodeString returns the value of the valid JSON string token s, as
// encoding/json decodes it.
func decodeString(s []byte) string {
	var out string
	// s is a valid JSON string, so this cannot fail.
	_ = json.Unmarshal(s, &out)
	return out
}
