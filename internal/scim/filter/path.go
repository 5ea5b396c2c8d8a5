package filter

import (
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// ParsePath parses the path of a PATCH operation (RFC 7644 §3.5.2:
// PATH = attrPath / valuePath [subAttr]), such as "name.givenName",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
// `emails[type eq "work"].value` or `members[value eq "id"]`. A bare schema
// URN, naming a whole extension, is accepted as an Attr with only URN set.
// Names are kept as the client spelt them; resolving them is the caller's
// job.
//
// Returns a 400 *scim.Error with scimType invalidPath for bad syntax, a path
// that is not valid UTF-8, longer than 4096 bytes or with a value filter
// nested more than 32 levels deep.
func ParsePath(s string) (*Path, error) {
	if len(s) > maxLen {
		return nil, scim.BadRequest(scim.InvalidPath, "path too long: %d bytes, the limit is %d", len(s), maxLen)
	}
	if !utf8.ValidString(s) {
		// Unquoted values are kept as written, so the path must be
		// valid text; a decoded JSON body always is.
		return nil, scim.BadRequest(scim.InvalidPath, "the path is not valid UTF-8")
	}
	p := &scanner{s: s, what: "path", scimType: scim.InvalidPath}
	p.skipSpace()
	start := p.pos
	w := p.word()
	attr, ok := scim.ParseAttrPath(w)
	if !ok {
		p.pos = start
		if w == "" {
			return nil, p.errorf("expected an attribute name, found %s", p.found())
		}
		return nil, p.errorf("%q is not an attribute path", w)
	}
	path := &Path{Attr: attr}
	if p.peek() == '[' {
		if attr.Name == "" {
			return nil, p.errorf("a value filter must follow an attribute, not the schema %q", w)
		}
		f, err := p.valueFilter(attr)
		if err != nil {
			return nil, err
		}
		path.Filter = f
		if p.peek() == '.' {
			p.pos++
			if path.Sub, err = p.subAttr(); err != nil {
				return nil, err
			}
		}
	}
	p.skipSpace()
	if !p.eof() {
		return nil, p.errorf("unexpected %s after the path", p.found())
	}
	return path, nil
}
