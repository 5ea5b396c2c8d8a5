package httpapi_test

import (
	"encoding/json"
	"slices"
	"testing"
)

// docExtras are what the discovery documents carry beyond the attributes
// RFC 7643 §8.7.2 defines, with the definition the RFC's prose gives them.
var docExtras = map[string]extra{
	"ServiceProviderConfig:etag": {rfcAttr{"type": "complex", "required": true, "subAttributes": []any{
		map[string]any{"name": "supported", "type": "boolean", "required": true},
	}}, "§5 defines etag (REQUIRED); §8.7.2 leaves it out"},
	"ServiceProviderConfig:authenticationSchemes.type": {rfcAttr{"type": "string", "required": true, "canonicalValues": []any{"oauth", "oauth2", "oauthbearertoken", "httpbasic", "httpdigest"}},
		"§5 defines type (REQUIRED); §8.7.2 leaves it out"},
	"ServiceProviderConfig:authenticationSchemes.primary": {rfcAttr{"type": "boolean"}, "a default sub-attribute (§2.4) that §8.5's example sends"},
}

// TestDiscoveryDocumentsMatchRFC7643 checks /ServiceProviderConfig, every
// /ResourceTypes entry and every /Schemas entry against the schemas RFC 7643
// §8.7.2 gives them (with the errata, §5–§7 and docExtras): every required
// attribute is there, and every attribute has the type, plurality and one of
// the canonical values its definition gives.
func TestDiscoveryDocumentsMatchRFC7643(t *testing.T) {
	rfc := rfcSchemas(t, "service-provider-schemas.json")
	e := newEnv(t)
	seen := used{}
	check := func(schema string, doc map[string]any) {
		t.Helper()
		def := rfc[schema]
		if def == nil {
			t.Fatalf("RFC 7643 §8.7.2 has no %s schema", schema)
		}
		if !sameValue(doc["schemas"], []any{def.ID}) {
			t.Errorf("%s: schemas is %s, want [%q]", schema, describe(doc["schemas"]), def.ID)
		}
		if m, _ := doc["meta"].(map[string]any); m["resourceType"] == nil || m["location"] == nil {
			t.Errorf("%s: meta is %s, want resourceType and location (RFC 7643 §3.1)", schema, describe(doc["meta"]))
		}
		delete(doc, "schemas")
		delete(doc, "meta")
		matchDoc(t, schema+":", doc, def.Attributes, seen)
	}
	check("ServiceProviderConfig", served(t, e, "/ServiceProviderConfig"))
	for _, rt := range resources(t, served(t, e, "/ResourceTypes")) {
		check("ResourceType", rt)
	}
	for _, s := range resources(t, served(t, e, "/Schemas")) {
		check("Schema", s)
	}
	var keys []string
	for p := range docExtras {
		keys = append(keys, p)
	}
	seen.check(t, "extra", keys)
}

// matchDoc checks the attributes of doc, the document or one complex value
// at prefix, against their definitions.
func matchDoc(t *testing.T, prefix string, doc map[string]any, defs []rfcAttr, seen used) {
	t.Helper()
	for _, def := range defs {
		name := def["name"].(string)
		v, ok := doc[name]
		if !ok {
			if def["required"] == true {
				t.Errorf("%s%s: required by RFC 7643 §8.7.2, missing", prefix, name)
			}
			continue
		}
		matchValue(t, prefix+name, v, def, seen)
	}
	for k, v := range doc {
		if findAttr(defs, k) != nil {
			continue
		}
		x, ok := docExtras[prefix+k]
		if !ok {
			t.Errorf("%s%s is not in RFC 7643 §8.7.2; list it in docExtras, with the reason", prefix, k)
			continue
		}
		seen[prefix+k] = true
		matchValue(t, prefix+k, v, x.like, seen)
	}
}

// matchValue checks one attribute's value against its definition.
func matchValue(t *testing.T, path string, v any, def rfcAttr, seen used) {
	t.Helper()
	values := []any{v}
	if def["multiValued"] == true {
		list, ok := v.([]any)
		if !ok {
			t.Errorf("%s: %s, want a list", path, describe(v))
			return
		}
		values = list
	}
	canonical, _ := def["canonicalValues"].([]any)
	for _, v := range values {
		var ok bool
		switch def["type"] {
		case "boolean":
			_, ok = v.(bool)
		case "integer":
			n, isNum := v.(json.Number)
			_, err := n.Int64()
			ok = isNum && err == nil
		case "decimal":
			n, isNum := v.(json.Number)
			_, err := n.Float64()
			ok = isNum && err == nil
		case "complex":
			var m map[string]any
			if m, ok = v.(map[string]any); ok {
				matchDoc(t, path+".", m, subAttrs(def), seen)
			}
		default: // string, reference, dateTime, binary
			var s string
			s, ok = v.(string)
			ok = ok && s != "" && (len(canonical) == 0 || slices.Contains(canonical, any(s)))
		}
		if !ok {
			t.Errorf("%s: %s is no %v%s", path, describe(v), def["type"], canonicalHint(canonical))
		}
	}
}

func canonicalHint(canonical []any) string {
	if len(canonical) == 0 {
		return ""
	}
	b, _ := json.Marshal(canonical)
	return " among " + string(b)
}
