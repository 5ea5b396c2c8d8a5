package httpapi_test

import (
	"slices"
	"strings"
	"testing"
)

// characteristics are what every attribute of /Schemas carries (RFC 7643
// §7), whether or not the RFC's own representation spells them out.
var characteristics = []string{"name", "type", "multiValued", "description", "required", "caseExact", "mutability", "returned", "uniqueness"}

// compared are the characteristics whose values must agree with RFC 7643
// §8.7.1; a characteristic the RFC leaves out has its §2.2 default.
var compared = []string{"type", "multiValued", "required", "caseExact", "mutability", "returned", "uniqueness", "canonicalValues", "referenceTypes"}

var defaults = map[string]any{
	"multiValued": false, "required": false, "caseExact": false,
	"mutability": "readWrite", "returned": "default", "uniqueness": "none",
}

// differences are where the bridge's schemas depart from RFC 7643 §8.7.1
// (with its errata) on purpose.
var differences = []amendment{
	{"User:groups.value", "caseExact", true, "it holds a group's id, and ids compare exactly (RFC 7643 §3.1); erratum 8472 says so of manager.value"},
	{"Group:members.value", "caseExact", true, "it holds a member's id, and ids compare exactly (RFC 7643 §3.1); erratum 8472 says so of manager.value"},
	{"Group:displayName", "uniqueness", "server", "Entra matches groups by displayName, so two groups may not share one (docs/decisions.md)"},
	{"User:profileUrl", "caseExact", true, `§2.3.7: "A reference is case exact" (erratum 6001, held, asks §8.7.1 to agree)`},
	{"User:photos.value", "caseExact", true, "§2.3.7, as profileUrl"},
	{"User:groups.$ref", "caseExact", true, "§2.3.7, as profileUrl"},
	{"Group:members.$ref", "caseExact", true, "§2.3.7, as profileUrl"},
	{"EnterpriseUser:manager.$ref", "caseExact", true, "§2.3.7, as profileUrl"},
	{"EnterpriseUser:manager.$ref", "mutability", "readOnly", "the bridge computes $ref from manager.value, and ignores a client's"},
	{"User:x509Certificates.value", "caseExact", true, `§2.3.6: "A binary is case exact"`},
}

// extra is an attribute the bridge serves that §8.7.1 does not list: like
// names the RFC definition it must match (nil for none), why says why it
// is there.
type extra struct {
	like rfcAttr
	why  string
}

// externalIDDef is externalId as RFC 7643 §3.1 defines it in prose.
var externalIDDef = rfcAttr{"type": "string", "multiValued": false, "caseExact": true, "mutability": "readWrite", "returned": "default", "uniqueness": "none"}

// TestSchemasMatchRFC7643 checks /Schemas attribute by attribute against RFC
// 7643 §8.7.1: every attribute and sub-attribute the RFC defines is served,
// carries every characteristic, and agrees with the RFC on each, except
// where differences says why not.
func TestSchemasMatchRFC7643(t *testing.T) {
	rfc := rfcSchemas(t, "resource-schemas.json")
	extras := map[string]extra{
		"User:externalId":        {externalIDDef, "a common attribute (§3.1), listed so that Entra finds every attribute it maps in /Schemas"},
		"Group:externalId":       {externalIDDef, "as User:externalId"},
		"User:sentryOrgRole":     {nil, "kept for Entra's Sentry application (internal/scim/user.go)"},
		"User:addresses.primary": {lookupAttr(rfc, "User:emails.primary"), "a default sub-attribute of every multi-valued attribute (§2.4); §8.2's example and Entra send it"},
		"Group:members.display":  {lookupAttr(rfc, "User:groups.display"), "a default sub-attribute (§2.4) that §8.4's example sends (erratum 6011, reported)"},
	}
	e := newEnv(t)
	seen := used{}
	for _, s := range resources(t, served(t, e, "/Schemas")) {
		id, _ := s["id"].(string)
		name := schemaKey(id, s["name"].(string))
		want := rfc[name]
		if want == nil || want.ID != id {
			t.Errorf("/Schemas serves %s, which RFC 7643 §8.7.1 does not define", id)
			continue
		}
		attrs, _ := s["attributes"].([]any)
		matchAttrs(t, name+":", attrs, want.Attributes, extras, seen)
		seen[name] = true
	}
	for name := range rfc {
		if !seen[name] {
			t.Errorf("/Schemas does not serve RFC 7643's %s schema", name)
		}
	}
	var keys []string
	for _, d := range differences {
		keys = append(keys, d.path+" "+d.key)
	}
	for p := range extras {
		keys = append(keys, p)
	}
	seen.check(t, "exception", keys)
}

// matchAttrs compares the served attributes under prefix ("User:" or
// "User:emails.") with the RFC's definitions of them.
func matchAttrs(t *testing.T, prefix string, got []any, want []rfcAttr, extras map[string]extra, seen used) {
	t.Helper()
	for _, g := range got {
		a, _ := g.(map[string]any)
		name, _ := a["name"].(string)
		path := prefix + name
		checkAttrShape(t, path, a, strings.Contains(prefix, "."))
		def := findAttr(want, name)
		if def == nil {
			x, ok := extras[path]
			if !ok {
				t.Errorf("%s is not in RFC 7643 §8.7.1; list it as an extra, with the reason", path)
				continue
			}
			seen[path] = true
			if def = x.like; def == nil {
				continue
			}
		}
		for _, k := range compared {
			w, ok := def[k]
			if !ok {
				w = defaults[k]
			}
			if d := difference(path, k); d != nil {
				seen[path+" "+k] = true
				if sameValue(w, d.value) {
					t.Errorf("%s: %s is listed as a difference but agrees with the RFC", path, k)
				}
				w = d.value
			}
			if !sameValue(a[k], w) {
				t.Errorf("%s: %s is %s, RFC 7643 §8.7.1 says %s", path, k, describe(a[k]), describe(w))
			}
		}
		subs, _ := a["subAttributes"].([]any)
		matchAttrs(t, path+".", subs, subAttrs(def), extras, seen)
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g any) bool { return g.(map[string]any)["name"] == w["name"] }) {
			t.Errorf("%s%v: defined by RFC 7643 §8.7.1, missing from /Schemas", prefix, w["name"])
		}
	}
}

func difference(path, key string) *amendment {
	for i, d := range differences {
		if d.path == path && d.key == key {
			return &differences[i]
		}
	}
	return nil
}

// checkAttrShape checks that a served attribute definition carries every
// characteristic, each of the type and among the values RFC 7643 §7
// allows; that complex attributes, and only they, have sub-attributes,
// none of them complex (§2.3.8); and that reference attributes, and only
// they, name their referenceTypes.
func checkAttrShape(t *testing.T, path string, a map[string]any, isSub bool) {
	t.Helper()
	for _, k := range characteristics {
		if _, ok := a[k]; !ok {
			t.Errorf("%s: no %s", path, k)
		}
	}
	for _, k := range []string{"multiValued", "required", "caseExact"} {
		if _, ok := a[k].(bool); !ok {
			t.Errorf("%s: %s is %s, want a boolean", path, k, describe(a[k]))
		}
	}
	if d, _ := a["description"].(string); d == "" {
		t.Errorf("%s: empty description", path)
	}
	if !oneOf(a["type"], "string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex") {
		t.Errorf("%s: type %s", path, describe(a["type"]))
	}
	if !oneOf(a["mutability"], "readOnly", "readWrite", "immutable", "writeOnly") ||
		!oneOf(a["returned"], "always", "never", "default", "request") ||
		!oneOf(a["uniqueness"], "none", "server", "global") {
		t.Errorf("%s: mutability %s, returned %s, uniqueness %s", path, describe(a["mutability"]), describe(a["returned"]), describe(a["uniqueness"]))
	}
	subs, hasSubs := a["subAttributes"].([]any)
	switch complex := a["type"] == "complex"; {
	case complex && isSub:
		t.Errorf("%s: a complex sub-attribute (RFC 7643 §2.3.8)", path)
	case complex && len(subs) == 0:
		t.Errorf("%s: complex, without subAttributes", path)
	case !complex && hasSubs:
		t.Errorf("%s: subAttributes on a %v", path, a["type"])
	}
	refs, hasRefs := a["referenceTypes"].([]any)
	if isRef := a["type"] == "reference"; isRef && len(refs) == 0 || !isRef && hasRefs {
		t.Errorf("%s: type %v with referenceTypes %s", path, a["type"], describe(a["referenceTypes"]))
	}
	for k := range a {
		if !slices.Contains(characteristics, k) && k != "canonicalValues" && k != "referenceTypes" && k != "subAttributes" {
			t.Errorf("%s: %q is no characteristic of RFC 7643 §7", path, k)
		}
	}
}
