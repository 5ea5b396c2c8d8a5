package codec_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// jsonSeeds are JSON texts the codec must treat exactly as encoding/json:
// Entra's bodies, escapes of every kind, invalid UTF-8, duplicate names,
// numbers and empty containers.
var jsonSeeds = []string{
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"a@contoso.com"},{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"}]}]}`,
	`{"userName":"a\u00e9\ud83d\ude00\u2028<&>","n":-1.5e+3,"z":0,"t":true,"f":false,"x":null,"e":[],"o":{}}`,
	"{\"bad\":\"\xff\xfe\",\"lone\":\"\\ud800x\",\"ctl\":\"\\u0001\\b\\f\\n\\r\\t\"}",
	`{"dup":1,"dup":2,"DUP":3}`,
	` { "spaced" : [ 1 , 2 , { "a" : "b" } ] } `,
	`[1,2]`, `"s"`, `12`, `{"a":}`, `{"a":1}{}`,
}

func FuzzParseObject(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := codec.ParseObject(b)
		var want any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		wantErr := dec.Decode(&want) != nil || dec.More()
		if _, isObj := want.(map[string]any); !isObj || !json.Valid(b) {
			wantErr = true
		}
		if (err != nil) != wantErr {
			t.Fatalf("ParseObject(%q) error %v, encoding/json error %t", b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("ParseObject(%q)\n= %#v\nencoding/json: %#v", b, got, want)
		}
		if got, want := codec.ValidObject(b), !wantErr; got != want {
			t.Errorf("ValidObject(%q) = %t, want %t", b, got, want)
		}
	})
}

func TestParseObjectNestsAsDeepAsEncodingJSON(t *testing.T) {
	for _, depth := range []int{9999, 10000, 10001} {
		b := []byte(`{"a":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`)
		_, err := codec.ParseObject(b)
		if got, want := err == nil, json.Valid(b); got != want || codec.ValidObject(b) != want {
			t.Errorf("depth %d: ParseObject error %v, ValidObject %t; json.Valid %t", depth, err, codec.ValidObject(b), want)
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		want, wantErr := json.Marshal(v)
		got, err := codec.Append([]byte("x"), v)
		if (err != nil) != (wantErr != nil) || err == nil && !bytes.Equal(got[1:], want) {
			t.Errorf("Append(%q) = %s, %v\njson.Marshal: %s, %v", b, got, err, want, wantErr)
		}
	})
}

func TestAppendMatchesMarshal(t *testing.T) {
	for _, v := range []any{
		json.Number(""), json.Number("1e5"), json.Number("01"), map[string]any(nil), []any(nil),
		map[string]string{"other": "types"}, 3.5, []any{map[string]any{"b": 1, "a": []any{}}},
		"\x00\x7f<a>&\u2028\u2029\xff é",
	} {
		want, wantErr := json.Marshal(v)
		got, err := codec.Append(nil, v)
		if (err != nil) != (wantErr != nil) || err == nil && !bytes.Equal(got, want) {
			t.Errorf("Append(%#v) = %s, %v; json.Marshal: %s, %v", v, got, err, want, wantErr)
		}
	}
}

func TestAppendStringJoinsParts(t *testing.T) {
	got := codec.AppendString(nil, "https://h/scim/v2", "/Users", "/", "a&b\"c")
	want, _ := json.Marshal("https://h/scim/v2/Users/a&b\"c")
	if !bytes.Equal(got, want) {
		t.Errorf("got %s, want %s", got, want)
	}
}
