package scim

import (
	"encoding/json"
	"maps"
	"strings"
)

// maxRoleDocument bounds the JSON document read from a role's value: Entra's
// describe one app role in well under a hundred bytes.
const maxRoleDocument = 4096

// appRole returns the role element elem describes, as Entra's app role
// expressions send it (docs/entra.md §3.11):
//
//   - AppRoleAssignmentsComplex PATCHes each role as a JSON document inside
//     the value, {"value":"{\"id\":\"…\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"}:
//     the role is what the document says of the role's sub-attributes
//     (value, display, type, primary). The app role's id, for which
//     RFC 7643 §4.1.2 gives roles no sub-attribute, and anything else the
//     document holds are dropped. A value that is not a JSON object with a
//     string value of its own stays the string it is.
//   - Its POST, and the document, name the display "displayName", as
//     Microsoft Graph does; it is read as display when display itself is
//     absent.
//
// What the element says besides (primary, type) is kept, and the document
// wins where both give a sub-attribute. elem is not changed.
func appRole(d *Attribute, elem map[string]any) map[string]any {
	vk, _ := LookupKey(elem, "value")
	doc, isDoc := roleDocument(elem[vk])
	_, hasDisplayName := LookupKey(elem, "displayName")
	if !isDoc && !hasDisplayName {
		return elem
	}
	out := maps.Clone(elem)
	if isDoc {
		delete(out, vk)
		for dk, dv := range doc {
			if d.Sub(dk) == nil && !strings.EqualFold(dk, "displayName") {
				continue
			}
			ok, _ := LookupKey(out, dk)
			delete(out, ok)
			out[dk] = dv
		}
	}
	if dn, ok := LookupKey(out, "displayName"); ok {
		if _, has := LookupKey(out, "display"); !has {
			out["display"] = out[dn]
		}
		delete(out, dn)
	}
	return out
}

// roleDocument returns the object v holds as a JSON document, if v is a
// string holding one with a non-empty string value.
func roleDocument(v any) (map[string]any, bool) {
	s, ok := v.(string)
	if !ok || len(s) > maxRoleDocument || !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return nil, false
	}
	k, _ := LookupKey(doc, "value")
	value, isString := doc[k].(string)
	return doc, isString && value != ""
}
