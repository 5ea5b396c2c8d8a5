package codec

import (
	"bytes"
	"unicode/utf8"
)

// This file reads and writes an object's members as JSON text, so that a
// stored resource is rendered by copying its document's members instead of
// decoding it into a map and encoding the map again, which was most of a
// request's allocations (docs/performance.md).

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

// stringValue returns the value of the valid JSON value v if it is a
// string.
func stringValue(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	return string(text(v)), true
}

// isObject reports whether the valid JSON value v is an object.
func isObject(v []byte) bool { return len(v) > 0 && v[0] == '{' }

// object appends the members of a JSON object, each after a comma but the
// first.
type object struct {
	b []byte
	n int
}

// member appends key and the colon; the caller appends the value.
func (o *object) member(key string) {
	o.comma()
	o.b = AppendString(o.b, key)
	o.b = append(o.b, ':')
}

// raw appends a member whose key (a quoted token) and value are JSON text.
func (o *object) raw(key, value []byte) {
	o.comma()
	o.b = append(o.b, key...)
	o.b = append(o.b, ':')
	o.b = append(o.b, value...)
}

func (o *object) comma() {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
}
