package codec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func FuzzEachMember(f *testing.F) {
	for _, s := range []string{
		`{"userName":"a","name":{"givenName":"b"},"emails":[{"value":"c"}],"n":-1.5e3,"t":true,"x":null}`,
		` { "a\"b" : [ 1 , { "c" : "d" } ] , "\u00e9" : "\ud83d\ude00" } `,
		`{"dup":1,"dup":2}`, `{}`, `{"a":}`, `{"a":1,}`, `[1]`, `{"a":1}x`, "{\"\xff\":\"\xfe\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := map[string]any{}
		eachMember(b, func(key, value []byte) bool {
			var k string
			if err := json.Unmarshal(key, &k); err != nil || key[0] != '"' {
				t.Fatalf("eachMember(%q) yielded the key %q, not a JSON string", b, key)
			}
			if !bytes.Equal(text(key), []byte(k)) {
				t.Fatalf("text(%q) = %q, encoding/json: %q", key, text(key), k)
			}
			dec := json.NewDecoder(bytes.NewReader(value))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil || dec.More() || !json.Valid(value) {
				t.Fatalf("eachMember(%q) yielded the value %q, not one JSON value", b, value)
			}
			got[k] = v
			return true
		})
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var want map[string]any
		if dec.Decode(&want) != nil || !json.Valid(b) || want == nil {
			return // not one JSON object: eachMember yields a valid prefix at most
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("eachMember(%q) yielded %#v\nencoding/json: %#v", b, got, want)
		}
	})
}
