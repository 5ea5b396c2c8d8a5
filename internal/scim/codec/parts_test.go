package codec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// partsDocs are stored documents the rendering from parts must copy
// faithfully: Entra's users and groups, escapes, a manager, extensions
// known and unknown, and the odd shapes a document may still hold.
var partsDocs = []struct {
	name string
	rt   *scim.ResourceType
	doc  string
}{
	{"entra user", scim.Users, `{"active":true,"displayName":"Adele Vance","emails":[{"primary":true,"type":"work","value":"adele@contoso.com"}],"externalId":"adele","name":{"familyName":"Vance","givenName":"Adele"},"userName":"adele@contoso.com","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Retail","employeeNumber":"42","manager":{"value":"0190-m\u003cgr"}}}`},
	{"manager with a stale $ref", scim.Users, `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"$ref":"old","displayName":"M","value":"m1"}}}`},
	{"manager with invalid UTF-8", scim.Users, "{\"userName\":\"a\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{\"manager\":{\"value\":\"\x97\"}}}"},
	{"manager without value", scim.Users, `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":""}}}`},
	{"custom extension", scim.Users, `{"userName":"a","urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"7","tags":["x","y"]},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng"}}`},
	{"escapes and numbers", scim.Users, " {\"userName\" : \"a\\\"b\\u2028<&>\\ud83d\\ude00\", \"nickName\":\"tab\\there\",\"x509Certificates\":[{\"value\":\"MII=\"}],\"n\":-1.5e3 }"},
	{"empty extension", scim.Users, `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{}}`},
	{"entra group", scim.Groups, `{"displayName":"Sales","externalId":"8aa1a0c0"}`},
}

// partsProjections are attributes and excludedAttributes parameters:
// Entra's, and ones that keep only part of an attribute (partial), which
// render through Apply instead.
var partsProjections = []struct {
	attributes, excluded string
	partial              bool
}{
	{"", "", false},
	{"", "members", false},
	{"userName", "", false},
	{"id", "", false},
	{"userName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "", false},
	{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "", false},
	{"", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department,meta", false},
	{"", "groups,emails", false},
	{"displayName,members", "", false},
	{"", "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User", false},
	{"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:badge", "", false},
	{"name.givenName", "", true},
	{"", "meta.version", true},
}

func TestPartsRenderLikeAttrs(t *testing.T) {
	const base = "https://bridge.example/scim/v2"
	for _, d := range partsDocs {
		for _, p := range partsProjections {
			t.Run(d.name+"/"+p.attributes+"/"+p.excluded, func(t *testing.T) {
				checkParts(t, base, d.rt, []byte(d.doc), p.attributes, p.excluded)
				proj, _ := d.rt.NewProjection(p.attributes, p.excluded, nil)
				res := &Resource{Type: d.rt, ID: "x", Doc: []byte(d.doc)}
				// A partial projection needs Apply only where the
				// document has the attribute; Entra's user has them all.
				// Invalid UTF-8, which the service never stores, always
				// goes through Apply.
				if _, ok := appendParts(nil, base, res, proj); utf8.ValidString(d.doc) && ok == p.partial && (!ok || d.name == "entra user") {
					t.Errorf("rendered from parts: %t, want %t", ok, !p.partial)
				}
			})
		}
	}
}

// checkParts compares AppendResource with the rendering through Attrs.
func checkParts(t *testing.T, base string, rt *scim.ResourceType, doc []byte, attributes, excluded string) {
	t.Helper()
	proj, err := rt.NewProjection(attributes, excluded, nil)
	if err != nil {
		return
	}
	newRes := func() *Resource {
		at := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
		r := &Resource{Type: rt, ID: "0190a1b2-<id>", Version: 3, Created: at, LastModified: at.Add(time.Second), Doc: doc}
		if rt == scim.Users {
			r.Groups = []string{"g1", "g&2"}
		} else {
			r.Members = []string{"u1", "u2"}
		}
		return r
	}
	got, err := AppendResource([]byte("prefix"), base, newRes(), proj)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("AppendResource dropped what dst held: %s", got)
	}
	got = got[len("prefix"):]
	attrs, err := newRes().linked(base)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(proj.Apply(attrs))
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSONText(got, want) {
		t.Errorf("from parts:\n%s\nthrough Attrs:\n%s", got, want)
	}
}

func sameJSONText(a, b []byte) bool {
	decode := func(b []byte) (any, bool) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		return v, dec.Decode(&v) == nil && !dec.More()
	}
	x, okx := decode(a)
	y, oky := decode(b)
	return okx && oky && reflect.DeepEqual(x, y)
}

func FuzzParts(f *testing.F) {
	for _, d := range partsDocs {
		for _, p := range partsProjections[:4] {
			f.Add(d.doc, p.attributes, p.excluded, d.rt == scim.Groups)
		}
	}
	f.Fuzz(func(t *testing.T, doc, attributes, excluded string, group bool) {
		// The service stores only what Append writes: an object,
		// without duplicate names, in valid UTF-8.
		v, err := ParseObject([]byte(doc))
		if err != nil {
			return
		}
		stored, err := Append(nil, v)
		if err != nil {
			return
		}
		rt := scim.Users
		if group {
			rt = scim.Groups
		}
		checkParts(t, "http://localhost/scim/v2", rt, stored, attributes, excluded)
	})
}
