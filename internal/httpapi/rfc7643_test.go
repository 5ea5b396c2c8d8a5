package httpapi_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// testdata/rfc7643 holds RFC 7643's own schema representations, transcribed
// from the RFC as published: resource-schemas.json is §8.7.1 (User, Group,
// EnterpriseUser), service-provider-schemas.json is §8.7.2
// (ServiceProviderConfig, ResourceType, Schema). The tests apply the
// verified errata (rfc7643Errata) before comparing, and list every place
// where the bridge differs on purpose, with the reason, so that neither a
// lost characteristic nor an unexplained difference can come back.

// rfcAttr is an attribute definition as the RFC writes it (RFC 7643 §7).
type rfcAttr = map[string]any

type rfcSchema struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Attributes []rfcAttr `json:"attributes"`
}

// rfcSchemas reads one of the transcriptions, keyed by schemaKey, with the
// verified errata applied.
func rfcSchemas(t *testing.T, file string) map[string]*rfcSchema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "rfc7643", file))
	if err != nil {
		t.Fatal(err)
	}
	var list []*rfcSchema
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	byName := map[string]*rfcSchema{}
	for _, s := range list {
		byName[schemaKey(s.ID, s.Name)] = s
	}
	for _, e := range rfc7643Errata {
		if schema, _, _ := strings.Cut(e.path, ":"); byName[schema] == nil {
			continue // the other file's
		}
		def := lookupAttr(byName, e.path)
		if def == nil {
			t.Fatalf("erratum %s names %s, which %s does not define", e.why, e.path, file)
		}
		def[e.key] = e.value
	}
	return byName
}

// schemaKey names a schema in attribute paths: the last segment of a core
// schema's URN ("User", "ServiceProviderConfig"), else its name
// ("EnterpriseUser").
func schemaKey(id, name string) string {
	const core = "urn:ietf:params:scim:schemas:core:2.0:"
	if strings.HasPrefix(id, core) {
		return strings.TrimPrefix(id, core)
	}
	return name
}

// lookupAttr returns the definition at a path such as
// "User:emails.primary" or "Schema:attributes.subAttributes.type", or nil.
func lookupAttr(schemas map[string]*rfcSchema, path string) rfcAttr {
	schema, rest, _ := strings.Cut(path, ":")
	s := schemas[schema]
	if s == nil {
		return nil
	}
	attrs := s.Attributes
	var def rfcAttr
	for name := range strings.SplitSeq(rest, ".") {
		if def = findAttr(attrs, name); def == nil {
			return nil
		}
		attrs = subAttrs(def)
	}
	return def
}

func findAttr(attrs []rfcAttr, name string) rfcAttr {
	for _, a := range attrs {
		if a["name"] == name {
			return a
		}
	}
	return nil
}

func subAttrs(def rfcAttr) []rfcAttr {
	list, _ := def["subAttributes"].([]any)
	out := make([]rfcAttr, 0, len(list))
	for _, s := range list {
		if m, ok := s.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// amendment sets one characteristic of the attribute at path, a schema name
// and an attribute path ("User:groups.$ref").
type amendment struct {
	path, key string
	value     any
	why       string
}

// rfc7643Errata are the verified errata of RFC 7643 that correct its §8.7
// representations (https://www.rfc-editor.org/errata/rfc7643).
var rfc7643Errata = []amendment{
	{"Group:displayName", "required", true, "5368"},
	{"EnterpriseUser:manager.value", "caseExact", true, "8472"},
	{"User:groups.$ref", "referenceTypes", []any{"Group"}, "8471"},
	{"ResourceType:schemaExtensions", "multiValued", true, "7522"},
	{"Schema:attributes.type", "canonicalValues", []any{"string", "complex", "boolean", "decimal", "integer", "dateTime", "reference", "binary"}, "5606"},
	{"Schema:attributes.subAttributes.type", "canonicalValues", []any{"string", "boolean", "decimal", "integer", "dateTime", "reference", "binary"}, "8415"},
	{"Schema:attributes.subAttributes.referenceTypes", "multiValued", true, "5607"},
}

// served fetches a discovery document and decodes it.
func served(t *testing.T, e *env, path string) map[string]any {
	t.Helper()
	return e.mustDo(200, "GET", "/scim/v2"+path, "").body
}

// resources returns the Resources of a ListResponse.
func resources(t *testing.T, list map[string]any) []map[string]any {
	t.Helper()
	items, ok := list["Resources"].([]any)
	if !ok {
		t.Fatalf("no Resources in %v", list)
	}
	out := make([]map[string]any, len(items))
	for i, r := range items {
		out[i] = r.(map[string]any)
	}
	return out
}

// used records which entries of a list of exceptions a test applied, so
// that an exception that no longer applies fails the test.
type used map[string]bool

func (u used) check(t *testing.T, what string, keys []string) {
	t.Helper()
	for _, k := range keys {
		if !u[k] {
			t.Errorf("%s %q no longer applies; remove it", what, k)
		}
	}
}

func sameValue(got, want any) bool {
	if g, ok := got.([]any); ok && len(g) == 0 {
		got = nil
	}
	if w, ok := want.([]any); ok && len(w) == 0 {
		want = nil
	}
	return reflect.DeepEqual(got, want)
}

func oneOf(v any, values ...string) bool {
	s, ok := v.(string)
	return ok && slices.Contains(values, s)
}

func describe(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
