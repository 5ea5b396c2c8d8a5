package entra_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/entra"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDiffComparesResourcesExactly(t *testing.T) {
	for _, tc := range []struct {
		name, want, got string
		diffs           []string
	}{
		{"equal", `{"a":"x","n":1}`, `{"n":1,"a":"x"}`, nil},
		{"multi-valued attributes compare as sets", `{"l":[{"type":"work"},{"type":"home"}]}`, `{"l":[{"type":"home"},{"type":"work"}]}`, nil},
		{"a changed value", `{"a":"x"}`, `{"a":"y"}`, []string{`a: got "y", want "x"`}},
		{"a string is not a boolean", `{"active":false}`, `{"active":"False"}`, []string{`active: got "False", want false`}},
		{"a missing attribute", `{"a":"x","b":{"c":"d"}}`, `{"a":"x","b":{}}`, []string{`b.c: missing, want "d"`}},
		{"an extra attribute", `{"a":"x"}`, `{"a":"x","z":1}`, []string{`z: unexpected 1`}},
		{"a duplicate element", `{"l":[{"value":"1"}]}`, `{"l":[{"value":"1"},{"value":"1"}]}`, []string{`l: got [{"value":"1"},{"value":"1"}], want [{"value":"1"}]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := entra.Diff(decode(t, tc.want), decode(t, tc.got)); !reflect.DeepEqual(got, tc.diffs) {
				t.Errorf("got %q, want %q", got, tc.diffs)
			}
		})
	}
}
