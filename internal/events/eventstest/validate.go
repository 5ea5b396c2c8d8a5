// Package eventstest checks change events against their published JSON
// Schema, docs/events.schema.json. It validates the subset of JSON Schema
// (draft 2020-12) that the schema uses and refuses a schema using any other
// keyword, so the schema cannot state a rule that the tests do not check.
package eventstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// keywords are the schema keywords the validator implements; annotations
// ($schema, $id, title, description) have no effect on validation.
var keywords = []string{
	"$schema", "$id", "$defs", "$ref", "title", "description",
	"type", "enum", "const", "properties", "required", "additionalProperties",
	"items", "minItems", "uniqueItems", "minLength", "pattern", "minimum",
	"allOf", "anyOf", "oneOf", "not", "if", "then", "else",
}

// Validator validates JSON documents against one schema.
type Validator struct {
	root     map[string]any
	patterns map[string]*regexp.Regexp
}

// Load reads the schema at path (docs/events.schema.json).
func Load(path string) (*Validator, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eventstest: %w", err)
	}
	return New(b)
}

// New returns a validator of the schema, which must be a JSON object using
// only the keywords the validator implements, with valid patterns and
// references into its own $defs.
func New(schema []byte) (*Validator, error) {
	root, err := decode(schema)
	if err != nil {
		return nil, fmt.Errorf("eventstest: the schema: %w", err)
	}
	m, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("eventstest: the schema is not an object")
	}
	v := &Validator{root: m, patterns: map[string]*regexp.Regexp{}}
	if err := v.check(m, "#"); err != nil {
		return nil, fmt.Errorf("eventstest: the schema: %w", err)
	}
	return v, nil
}

// check walks a schema and fails on a keyword it does not know, a
// subschema that is not an object, a pattern that does not compile and a
// reference that does not resolve.
func (v *Validator) check(s map[string]any, at string) error {
	sub := func(x any, where string) error {
		m, ok := x.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: not a schema object", where)
		}
		return v.check(m, where)
	}
	for k, x := range s {
		if !slices.Contains(keywords, k) {
			return fmt.Errorf("%s: keyword %q is not implemented by eventstest", at, k)
		}
		var err error
		switch k {
		case "properties", "$defs":
			m, ok := x.(map[string]any)
			if !ok {
				return fmt.Errorf("%s/%s: not an object", at, k)
			}
			for name, s := range m {
				if err = sub(s, at+"/"+k+"/"+name); err != nil {
					break
				}
			}
		case "allOf", "anyOf", "oneOf":
			for i, s := range list(x) {
				if err = sub(s, fmt.Sprintf("%s/%s/%d", at, k, i)); err != nil {
					break
				}
			}
		case "items", "not", "if", "then", "else":
			err = sub(x, at+"/"+k)
		case "additionalProperties":
			if _, ok := x.(bool); !ok {
				err = fmt.Errorf("%s: additionalProperties must be a boolean here", at)
			}
		case "pattern":
			p, _ := x.(string)
			re, cerr := regexp.Compile(p)
			if cerr != nil {
				err = fmt.Errorf("%s: %w", at, cerr)
			}
			v.patterns[p] = re
		case "$ref":
			ref, _ := x.(string)
			if _, rerr := v.resolve(ref); rerr != nil {
				err = fmt.Errorf("%s: %w", at, rerr)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// resolve returns the schema a local reference (#/$defs/name) names.
func (v *Validator) resolve(ref string) (map[string]any, error) {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	defs, _ := v.root["$defs"].(map[string]any)
	s, found := defs[name].(map[string]any)
	if !ok || !found {
		return nil, fmt.Errorf("reference %q does not name a schema in $defs", ref)
	}
	return s, nil
}

// Validate checks the JSON document doc against the schema, and returns an
// error listing where it does not hold.
func (v *Validator) Validate(doc []byte) error {
	x, err := decode(doc)
	if err != nil {
		return err
	}
	if problems := v.validate(v.root, x, "$"); len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// validate returns where x violates schema s, x being at path.
func (v *Validator) validate(s map[string]any, x any, path string) []string {
	var out []string
	fail := func(format string, args ...any) { out = append(out, path+": "+fmt.Sprintf(format, args...)) }
	if ref, ok := s["$ref"].(string); ok {
		target, _ := v.resolve(ref) // check made sure it resolves
		out = append(out, v.validate(target, x, path)...)
	}
	if t, ok := s["type"].(string); ok && !hasType(x, t) {
		fail("is %s, not %s", typeOf(x), t)
		return out
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return reflect.DeepEqual(e, x) }) {
		fail("%v is not one of %v", x, enum)
	}
	if c, ok := s["const"]; ok && !reflect.DeepEqual(c, x) {
		fail("%v is not %v", x, c)
	}
	switch x := x.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for name, sub := range props {
			if val, ok := x[name]; ok {
				out = append(out, v.validate(sub.(map[string]any), val, path+"."+name)...)
			}
		}
		for _, r := range list(s["required"]) {
			if _, ok := x[r.(string)]; !ok {
				fail("%s is required", r)
			}
		}
		if extra, ok := s["additionalProperties"].(bool); ok && !extra {
			for name := range x {
				if _, known := props[name]; !known {
					fail("%s is not allowed", name)
				}
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				out = append(out, v.validate(items, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
		if n, ok := s["minItems"].(json.Number); ok && !atLeast(big.NewRat(int64(len(x)), 1), n) {
			fail("has %d items, fewer than %s", len(x), n)
		}
		if unique, _ := s["uniqueItems"].(bool); unique {
			for i := range x {
				for j := range i {
					if reflect.DeepEqual(x[i], x[j]) {
						fail("items %d and %d are equal", j, i)
					}
				}
			}
		}
	case string:
		if n, ok := s["minLength"].(json.Number); ok && !atLeast(big.NewRat(int64(utf8.RuneCountInString(x)), 1), n) {
			fail("is shorter than %s characters", n)
		}
		if p, ok := s["pattern"].(string); ok && !v.patterns[p].MatchString(x) {
			fail("%q does not match %s", x, p)
		}
	case json.Number:
		if n, ok := s["minimum"].(json.Number); ok {
			r, _ := new(big.Rat).SetString(string(x))
			if !atLeast(r, n) {
				fail("%s is less than %s", x, n)
			}
		}
	}
	for _, sub := range list(s["allOf"]) {
		out = append(out, v.validate(sub.(map[string]any), x, path)...)
	}
	if some := list(s["anyOf"]); len(some) > 0 && v.matching(some, x, path) == 0 {
		fail("matches none of anyOf")
	}
	if one := list(s["oneOf"]); len(one) > 0 {
		if n := v.matching(one, x, path); n != 1 {
			fail("matches %d of oneOf, not exactly one", n)
		}
	}
	if not, ok := s["not"].(map[string]any); ok && len(v.validate(not, x, path)) == 0 {
		fail("matches what it must not")
	}
	if cond, ok := s["if"].(map[string]any); ok {
		branch := "else"
		if len(v.validate(cond, x, path)) == 0 {
			branch = "then"
		}
		if sub, ok := s[branch].(map[string]any); ok {
			out = append(out, v.validate(sub, x, path)...)
		}
	}
	return out
}

// matching returns how many of schemas x satisfies.
func (v *Validator) matching(schemas []any, x any, path string) int {
	n := 0
	for _, sub := range schemas {
		if len(v.validate(sub.(map[string]any), x, path)) == 0 {
			n++
		}
	}
	return n
}

func list(x any) []any { l, _ := x.([]any); return l }

// atLeast reports whether r >= the number n.
func atLeast(r *big.Rat, n json.Number) bool {
	m, ok := new(big.Rat).SetString(string(n))
	return ok && r != nil && r.Cmp(m) >= 0
}

// hasType reports whether x is of JSON Schema type t.
func hasType(x any, t string) bool {
	if t == "integer" {
		n, ok := x.(json.Number)
		r, valid := new(big.Rat).SetString(string(n))
		return ok && valid && r.IsInt()
	}
	return typeOf(x) == t || t == "number" && typeOf(x) == "integer"
}

func typeOf(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(x)); ok && r.IsInt() {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", x)
}

// decode decodes one JSON value, with numbers as json.Number.
func decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("not one JSON value")
	}
	return x, nil
}
