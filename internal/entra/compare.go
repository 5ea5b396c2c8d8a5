package entra

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Without returns a copy of res without the top-level keys given, e.g. the
// ones the server manages (id, meta, schemas) before comparing a resource
// with what was sent.
func Without(res map[string]any, keys ...string) map[string]any {
	out := maps.Clone(res)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// Diff returns the differences between want and got, values decoded from
// JSON (numbers may be json.Number), one description per difference, or
// nil if they are equal. Objects must have the same keys; lists are
// compared as sets, since the order of a multi-valued attribute carries no
// meaning (RFC 7643 §2.4), but their lengths must be equal, so duplicates
// count.
func Diff(want, got any) []string {
	var out []string
	diff("", want, got, &out)
	return out
}

func diff(at string, want, got any, out *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: got %s, want an object", name(at), show(got)))
			return
		}
		for _, k := range slices.Sorted(maps.Keys(w)) {
			gv, ok := g[k]
			if !ok {
				*out = append(*out, fmt.Sprintf("%s: missing, want %s", name(at+"."+k), show(w[k])))
				continue
			}
			diff(at+"."+k, w[k], gv, out)
		}
		for _, k := range slices.Sorted(maps.Keys(g)) {
			if _, ok := w[k]; !ok {
				*out = append(*out, fmt.Sprintf("%s: unexpected %s", name(at+"."+k), show(g[k])))
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", name(at), show(got), show(want)))
			return
		}
		if !slices.Equal(canonical(w), canonical(g)) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", name(at), show(got), show(want)))
		}
	default:
		if show(want) != show(got) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", name(at), show(got), show(want)))
		}
	}
}

// canonical returns the JSON of each element, sorted: a list as a set.
func canonical(list []any) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = show(e)
	}
	slices.Sort(out)
	return out
}

// show returns v's JSON (encoding/json sorts object keys), so that a
// json.Number and the number it holds look the same.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

func name(at string) string {
	if at == "" {
		return "the resource"
	}
	return strings.TrimPrefix(at, ".")
}
