package httpapi

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// This file reads and writes JSON text directly, so that a stored resource
// is rendered by copying its document's members instead of decoding it into
// a map and encoding the map again, which was most of a request's
// allocations (docs/performance.md).

// eachMember calls yield with the key (still escaped, without its quotes)
// and the value of each member of the JSON object obj, in order, until
// yield returns false. obj must be valid JSON (json.Valid) and an object.
func eachMember(obj []byte, yield func(key, value []byte) bool) {
	i := skipSpace(obj, 0) + 1 // past '{'
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] == '}' {
			return
		}
		k := skipString(obj, i)
		key := obj[i+1 : k-1]
		v := skipSpace(obj, skipSpace(obj, k)+1) // past ':'
		end := skipValue(obj, v)
		if !yield(key, obj[v:end]) {
			return
		}
		if i = skipSpace(obj, end); i < len(obj) && obj[i] == ',' {
			i++
		}
	}
}

// isObject reports whether the valid JSON value v is an object.
func isObject(v []byte) bool { return len(v) > 0 && v[0] == '{' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}

// unescaped returns the value of a key or string content as eachMember
// yields it: raw itself when it holds no escape and is valid UTF-8, as all
// the keys and values the service writes are, so that reading a document
// allocates nothing; else what encoding/json decodes it to (U+FFFD for
// invalid UTF-8 included).
func unescaped(raw []byte) []byte {
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return raw
	}
	var s string
	// raw came from a valid JSON string, so this cannot fail.
	_ = json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s)
	return []byte(s)
}

// stringValue returns the value of the valid JSON value v if it is a
// string.
func stringValue(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	return string(unescaped(v[1 : len(v)-1])), true
}

// object appends the members of a JSON object, each after a comma but the
// first.
type object struct {
	b []byte
	n int
}

// member appends key and the colon; the caller appends the value.
func (o *object) member(key string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = codec.AppendString(o.b, key)
	o.b = append(o.b, ':')
}

// raw appends a member whose key is already escaped and whose value is
// JSON text.
func (o *object) raw(key, value []byte) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, '"')
	o.b = append(o.b, key...)
	o.b = append(o.b, '"', ':')
	o.b = append(o.b, value...)
}
