package httpapi

import (
	"bytes"
	"net/url"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// appendParts appends the representation of res that proj selects, written
// from res's parts: its stored document's members copied as they are, and
// schemas, id, meta and a user's groups or a group's members written
// around them. It is the same JSON as links.resource renders from
// res.Attrs, without decoding the document. It reports false, having
// appended nothing, when proj keeps only part of an attribute, which only
// proj.Apply computes.
func (l links) appendParts(dst []byte, res *directory.Resource, proj *scim.Projection) ([]byte, bool) {
	if !utf8.Valid(res.Doc) {
		// The service never stores one; decoding replaces what is
		// invalid, so that the response is valid UTF-8 all the same.
		return dst, false
	}
	o := object{b: append(dst, '{')}
	rt := res.Type
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

	o.member("schemas")
	o.b = append(o.b, '[')
	for i, urn := range rt.SchemaURNsOf(urnKeys(rt, res.Doc)) {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = codec.AppendString(o.b, urn)
	}
	o.b = append(o.b, ']')
	if decide("", []byte("id")) {
		o.member("id")
		o.b = codec.AppendString(o.b, res.ID)
	}
	eachMember(res.Doc, func(rawKey, value []byte) bool {
		key := unescaped(rawKey)
		switch k := string(key); {
		case k == "schemas" || k == "id" || k == "meta",
			k == "groups" && len(res.Groups) > 0, k == "members" && len(res.Members) > 0:
			// The service's own values replace the document's.
		case isURN(key):
			l.appendExtension(&o, rawKey, extensionURN(rt, key), value, proj, decide)
		case decide("", key):
			o.raw(rawKey, value)
		}
		return !abort
	})
	if decide("", []byte("meta")) {
		o.member("meta")
		o.b = append(o.b, `{"resourceType":`...)
		o.b = codec.AppendString(o.b, rt.Name)
		o.b = append(o.b, `,"created":"`...)
		o.b = res.Created.AppendFormat(o.b, directory.TimeLayout)
		o.b = append(o.b, `","lastModified":"`...)
		o.b = res.LastModified.AppendFormat(o.b, directory.TimeLayout)
		o.b = append(o.b, `","version":`...)
		o.b = codec.AppendString(o.b, res.ETag())
		o.b = append(o.b, `,"location":`...)
		o.b = l.appendURL(o.b, rt, res.ID)
		o.b = append(o.b, '}')
	}
	if len(res.Groups) > 0 && decide("", []byte("groups")) {
		o.member("groups")
		o.b = l.appendRefs(o.b, res.Groups, "direct", scim.Groups)
	}
	if len(res.Members) > 0 && decide("", []byte("members")) {
		o.member("members")
		o.b = l.appendRefs(o.b, res.Members, "User", scim.Users)
	}
	if abort {
		return dst, false
	}
	return append(o.b, '}'), true
}

// urnKeys yields the document's top-level keys that are schema URNs: the
// extensions it holds data of.
func urnKeys(rt *scim.ResourceType, doc []byte) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		eachMember(doc, func(rawKey, _ []byte) bool {
			if key := unescaped(rawKey); isURN(key) {
				return yield(extensionURN(rt, key))
			}
			return true
		})
	}
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
func (l links) appendExtension(o *object, rawKey []byte, urn string, value []byte, proj *scim.Projection, decide func(urn string, key []byte) bool) {
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
		name := unescaped(rawSub)
		switch {
		case !decide(urn, name):
		case enterprise && string(name) == "manager":
			ext.member("manager")
			ext.b = l.appendManager(ext.b, sub)
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
// links.resource does; another value is written as it is.
func (l links) appendManager(dst []byte, manager []byte) []byte {
	if !isObject(manager) {
		return append(dst, manager...)
	}
	var id string
	eachMember(manager, func(rawKey, v []byte) bool {
		if string(unescaped(rawKey)) == "value" {
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
		if string(unescaped(rawKey)) != "$ref" {
			m.raw(rawKey, v)
		}
		return true
	})
	m.member("$ref")
	m.b = l.appendURL(m.b, scim.Users, id)
	return append(m.b, '}')
}

// appendRefs writes a list of references to ids of rt, as
// [{"value": id, "type": typ, "$ref": url}].
func (l links) appendRefs(dst []byte, ids []string, typ string, rt *scim.ResourceType) []byte {
	dst = append(dst, '[')
	for i, id := range ids {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"value":`...)
		dst = codec.AppendString(dst, id)
		dst = append(dst, `,"type":`...)
		dst = codec.AppendString(dst, typ)
		dst = append(dst, `,"$ref":`...)
		dst = l.appendURL(dst, rt, id)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendURL writes links.of(rt, id) as a JSON string, without building it.
func (l links) appendURL(dst []byte, rt *scim.ResourceType, id string) []byte {
	return codec.AppendString(dst, l.base, rt.Endpoint, "/", url.PathEscape(id))
}
