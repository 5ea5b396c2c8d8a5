package codec_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// TestDecodeObjectLimits checks the bounds DecodeObject keeps before and
// after decoding: elements counted on the wire, and member names once per
// object.
func TestDecodeObjectLimits(t *testing.T) {
	many := func(n int) string { return `{"a":[` + strings.TrimSuffix(strings.Repeat("1,", n), ",") + `]}` }
	tests := []struct {
		name     string
		body     string
		status   int
		scimType string
	}{
		{"elements at the limit", many(codec.MaxElements - 2), 0, ""},
		{"elements past the limit", many(codec.MaxElements + 1), http.StatusRequestEntityTooLarge, scim.TooMany},
		{"commas inside strings do not count", `{"a":"` + strings.Repeat(",", 2*codec.MaxElements) + `"}`, 0, ""},
		{"a name twice", `{"a":1,"a":2}`, http.StatusBadRequest, scim.InvalidSyntax},
		{"a name twice in a nested object", `{"a":[{"b":1,"c":{"d":1,"d":1}}]}`, http.StatusBadRequest, scim.InvalidSyntax},
		{"one name in two objects", `{"a":{"b":1},"c":{"b":1}}`, 0, ""},
		{"colons inside strings do not count", `{"a":"b:c","d":["e:f"]}`, 0, ""},
		{"names differing in case", `{"a":1,"A":2}`, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := codec.DecodeObject([]byte(tc.body), "the body")
			var e *scim.Error
			switch {
			case tc.status == 0 && err != nil:
				t.Errorf("got error %v, want none", err)
			case tc.status == 0:
			case !errors.As(err, &e):
				t.Errorf("got %v, want a %d *scim.Error", err, tc.status)
			case e.Status != tc.status || e.ScimType != tc.scimType:
				t.Errorf("got %d %s (%s), want %d %s", e.Status, e.ScimType, e.Detail, tc.status, tc.scimType)
			}
		})
	}
}

func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@contoso.com","emails":[{"type":"work","value":"a@contoso.com"}]}`,
		`{"a":1,"a":2}`, `{"a":{"b":1,"\u0062":2}}`, `{"a":"b:c,d"}`, `[1]`, `{"a":1} x`, "{\"a\":\"\xff\"}",
		`{"a":` + strings.Repeat("[", codec.MaxDepth) + strings.Repeat("]", codec.MaxDepth) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := codec.DecodeObject(b, "the body")
		if err != nil {
			var e *scim.Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest && e.Status != http.StatusRequestEntityTooLarge {
				t.Fatalf("DecodeObject(%q) = %v, want a 400 or 413 *scim.Error", b, err)
			}
		}
		if want := acceptable(b); (err == nil) != want {
			t.Fatalf("DecodeObject(%q) error %v, want one: %t", b, err, !want)
		}
		if err != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var want map[string]any
		if err := dec.Decode(&want); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("DecodeObject(%q)\n= %#v\nencoding/json: %#v, %v", b, got, want, err)
		}
	})
}

// acceptable reports whether DecodeObject must accept b, judged from
// encoding/json's tokens: one JSON object in valid UTF-8, nesting at most
// MaxDepth levels, with at most MaxElements containers and elements past
// each container's first, and no object naming a member twice.
func acceptable(b []byte) bool {
	if !utf8.Valid(b) || !json.Valid(b) || !bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("{")) {
		return false
	}
	type container struct {
		keys      map[string]bool // nil for an array
		values    int
		expectKey bool
	}
	var stack []*container
	elements := 0
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
		var top *container
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.expectKey {
			k := tok.(string)
			if top.keys[k] {
				return false
			}
			top.keys[k], top.expectKey = true, false
			continue
		}
		if top != nil {
			if top.values++; top.values > 1 {
				elements++
			}
			top.expectKey = top.keys != nil
		}
		if isDelim {
			c := &container{}
			if d == '{' {
				c.keys, c.expectKey = map[string]bool{}, true
			}
			stack = append(stack, c)
			if elements++; len(stack) > codec.MaxDepth || elements > codec.MaxElements {
				return false
			}
		}
		if elements > codec.MaxElements {
			return false
		}
	}
}
