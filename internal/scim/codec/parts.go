package codec

// This file renders a stored resource by copying its document's members
// as JSON text instead of decoding it into a map and encoding the map
// again, which was most of a request's allocations (docs/performance.md).

import (
	"bytes"
	"net/url"
	"slices"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// appendParts appends the representation of r that proj selects, written
// from r's parts: its stored document's members copied as they are, and
// schemas, id, meta and a user's groups or a group's members written
// around them. It is the same JSON as Append writes of proj.Apply of
// linked, without decoding the document. It reports false, having
// appended nothing, when proj keeps only part of an attribute, which only
// proj.Apply computes.
func appendParts(dst []byte, base string, r *Resource, proj *scim.Projection) ([]byte, bool) {
	if !utf8.Valid(r.Doc) {
		// The service never stores one; decoding replaces what is
		// invalid, so that the response is valid UTF-8 all the same.
		return dst, false
	}
	rt := r.Type
	// decide says whether to write the attribute; abort, when only part
	// of it is kept.
	var abort bool
	identity := proj.Identity()
	decide := func(urn string, key []byte) bool {
		if identity {
			return true
		}
		keep, whole := proj.Keeps(urn, string(key))
		abort = abort || keep && !whole
		return keep && whole
	}

	// schemas comes first but names the extensions the document holds
	// data of, which the one walk over it finds: the members are written
	// first, each after a comma, and schemas and id put before them.
	start := len(dst)
	o := object{b: dst, n: 1}
	var urnBuf [4]string
	urns := urnBuf[:0]
	eachMember(r.Doc, func(rawKey, value []byte) bool {
		key := text(rawKey)
		switch k := string(key); {
		case k == "schemas" || k == "id" || k == "meta",
			k == "groups" && len(r.Groups) > 0, k == "members" && len(r.Members) > 0:
			// The service's own values replace the document's.
		case isURN(key):
			urn := extensionURN(rt, key)
			urns = append(urns, urn)
			appendExtension(&o, base, rawKey, urn, value, proj, decide)
		case decide("", key):
			o.raw(rawKey, value)
		}
		return !abort
	})
	var headBuf [256]byte
	head := append(headBuf[:0], `{"schemas":[`...)
	for i, urn := range rt.SchemaURNsOf(slices.Values(urns)) {
		if i > 0 {
			head = append(head, ',')
		}
		head = AppendString(head, urn)
	}
	head = append(head, ']')
	if decide("", []byte("id")) {
		head = append(head, `,"id":`...)
		head = AppendString(head, r.ID)
	}
	o.b = slices.Insert(o.b, start, head...)
	if decide("", []byte("meta")) {
		o.member("meta")
		o.b = append(o.b, `{"resourceType":`...)
		o.b = AppendString(o.b, rt.Name)
		o.b = append(o.b, `,"created":"`...)
		o.b = r.Created.AppendFormat(o.b, TimeLayout)
		o.b = append(o.b, `","lastModified":"`...)
		o.b = r.LastModified.AppendFormat(o.b, TimeLayout)
		o.b = append(o.b, `","version":`...)
		o.b = appendETag(o.b, r.Version)
		o.b = append(o.b, `,"location":`...)
		o.b = appendURL(o.b, base, rt, r.ID)
		o.b = append(o.b, '}')
	}
	if len(r.Groups) > 0 && decide("", []byte("groups")) {
		o.member("groups")
		o.b = appendRefs(o.b, base, r.Groups, "direct", scim.Groups)
	}
	if len(r.Members) > 0 && decide("", []byte("members")) {
		o.member("members")
		o.b = appendRefs(o.b, base, r.Members, "User", scim.Users)
	}
	if abort {
		return dst, false
	}
	return append(o.b, '}'), true
}

// extensionURN returns the URN key as a string: a known extension's own
// ID when it is spelled so, which costs no allocation.
func extensionURN(rt *scim.ResourceType, key []byte) string {
	for _, e := range rt.Extensions {
		if string(key) == e.ID {
			return e.ID
		}
	}
	return string(key)
}

// isURN is scim.IsURN for a key as bytes.
func isURN(key []byte) bool { return len(key) > 4 && bytes.EqualFold(key[:4], []byte("urn:")) }

// appendExtension writes an extension's object: as stored under an
// identity projection, else only the attributes proj keeps, and nothing
// when it keeps none (as proj.Apply does). The enterprise manager gets its
// $ref.
func appendExtension(o *object, base string, rawKey []byte, urn string, value []byte, proj *scim.Projection, decide func(urn string, key []byte) bool) {
	enterprise := urn == scim.EnterpriseUserSchema
	if proj.Identity() && (!enterprise || !isObject(value)) {
		o.raw(rawKey, value)
		return
	}
	if !isObject(value) {
		return // proj.Apply drops what is not an extension's object
	}
	mark, n := len(o.b), o.n
	o.raw(rawKey, []byte{'{'})
	ext := object{b: o.b}
	eachMember(value, func(rawSub, sub []byte) bool {
		name := text(rawSub)
		switch {
		case !decide(urn, name):
		case enterprise && string(name) == "manager":
			ext.member("manager")
			ext.b = appendManager(ext.b, base, sub)
		default:
			ext.raw(rawSub, sub)
		}
		return true
	})
	if ext.n == 0 && !proj.Identity() {
		o.b, o.n = o.b[:mark], n
		return
	}
	o.b = append(ext.b, '}')
}

// appendManager writes a manager {"value": id, …} with its $ref added, as
// linked does; another value is written as it is.
func appendManager(dst []byte, base string, manager []byte) []byte {
	if !isObject(manager) {
		return append(dst, manager...)
	}
	var id string
	eachMember(manager, func(rawKey, v []byte) bool {
		if string(text(rawKey)) == "value" {
			id, _ = stringValue(v)
			return false
		}
		return true
	})
	if id == "" {
		return append(dst, manager...)
	}
	m := object{b: append(dst, '{')}
	eachMember(manager, func(rawKey, v []byte) bool {
		if string(text(rawKey)) != "$ref" {
			m.raw(rawKey, v)
		}
		return true
	})
	m.member("$ref")
	m.b = appendURL(m.b, base, scim.Users, id)
	return append(m.b, '}')
}

// appendRefs writes a list of references to ids of rt, as
// [{"value": id, "type": typ, "$ref": url}].
func appendRefs(dst []byte, base string, ids []string, typ string, rt *scim.ResourceType) []byte {
	dst = append(dst, '[')
	for i, id := range ids {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"value":`...)
		dst = AppendString(dst, id)
		dst = append(dst, `,"type":`...)
		dst = AppendString(dst, typ)
		dst = append(dst, `,"$ref":`...)
		dst = appendURL(dst, base, rt, id)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendURL writes Location(base, rt, id) as a JSON string, without
// building it.
func appendURL(dst []byte, base string, rt *scim.ResourceType, id string) []byte {
	return AppendString(dst, base, rt.Endpoint, "/", url.PathEscape(id))
}

// stringValue returns the value of the valid JSON value v if it is a
// string.
func stringValue(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	return string(text(v)), true
}

// isObject reports whether the valid JSON value v is an object.
func isObject(v []byte) bool { return len(v) > 0 && v[0] == '{' }

// object appends the members of a JSON object, each after a comma but the
// first.
type object struct {
	b []byte
	n int
}

// member appends key and the colon; the caller appends the value.
func (o *object) member(key string) {
	o.comma()
	o.b = AppendString(o.b, key)
	o.b = append(o.b, ':')
}

// raw appends a member whose key (a quoted token) and value are JSON text.
func (o *object) raw(key, value []byte) {
	o.comma()
	o.b = append(o.b, key...)
	o.b = append(o.b, ':')
	o.b = append(o.b, value...)
}

func (o *object) comma() {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
}
