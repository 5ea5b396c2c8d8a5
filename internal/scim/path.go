package scim

import (
	"iter"
	"strings"
)

// AttrPath is an attribute path as written in filters, PATCH paths and the
// attributes parameter (RFC 7644 §3.10): an optional schema URN, an attribute
// name and an optional sub-attribute name, all as the client spelt them.
type AttrPath struct {
	URN  string
	Name string
	Sub  string
}

func (p AttrPath) String() string {
	s := p.Name
	if p.Sub != "" {
		s += "." + p.Sub
	}
	if p.URN != "" {
		if s == "" {
			return p.URN
		}
		return p.URN + ":" + s
	}
	return s
}

// knownURNs are matched as prefixes before the generic split, because a
// known URN tells exactly where the schema ends.
var knownURNs = []string{UserSchema, EnterpriseUserSchema, GroupSchema}

// ParseAttrPath parses "name", "name.sub", "urn:…:name[.sub]" and a bare
// schema URN (which names a whole extension). It reports false when s is not
// an attribute path of RFC 7644's grammar.
func ParseAttrPath(s string) (AttrPath, bool) {
	// A URN with an empty segment names no schema a client could mean.
	if strings.Contains(s, "::") || strings.HasSuffix(s, ":") {
		return AttrPath{}, false
	}
	var p AttrPath
	rest := s
	if len(s) > 4 && strings.EqualFold(s[:4], "urn:") {
		p.URN, rest = splitURN(s)
		if rest == "" {
			return p, true
		}
	}
	name, sub, hasSub := strings.Cut(rest, ".")
	if !validName(name) || (hasSub && !validName(sub)) {
		return AttrPath{}, false
	}
	p.Name, p.Sub = name, sub
	return p, true
}

// splitURN separates a schema URN from the attribute after it. For an
// unknown extension the schema ends after the segment that follows a version
// segment ("…:extension:Name:2.0:User:attr"), the shape Entra's custom
// extensions take; at a version segment that comes last
// ("urn:scim:schemas:extension:slack:guest:1.0"), since an attribute name
// never begins with a digit (RFC 7643 §2.1); otherwise before the last
// segment. Which URN an unknown key names is a guess without context; see
// AttrPath.Anchor and KeyPath for what a resource and a body tell.
func splitURN(s string) (urn, rest string) {
	for _, k := range knownURNs {
		if n, ok := urnPrefix(s, k); ok {
			return k, s[min(n+1, len(s)):]
		}
	}
	segs := strings.Split(s, ":")
	if isVersion(segs[len(segs)-1]) {
		return s, ""
	}
	for i := 1; i+1 < len(segs); i++ {
		if isVersion(segs[i]) {
			end := i + 2
			if end > len(segs) {
				end = len(segs)
			}
			return strings.Join(segs[:end], ":"), strings.Join(segs[end:], ":")
		}
	}
	if len(segs) < 3 {
		return s, ""
	}
	return strings.Join(segs[:len(segs)-1], ":"), segs[len(segs)-1]
}

// urnPrefix reports whether s is the schema URN urn, or urn followed by
// ":", ignoring case, and returns the length of urn.
func urnPrefix(s, urn string) (int, bool) {
	n := len(urn)
	return n, len(s) >= n && strings.EqualFold(s[:n], urn) && (len(s) == n || s[n] == ':')
}

// isKnownURN reports whether urn is one of the schemas the bridge defines.
func isKnownURN(urn string) bool {
	for _, k := range knownURNs {
		if strings.EqualFold(urn, k) {
			return true
		}
	}
	return false
}

// Anchor returns p split again after the longest of urns that begins it,
// when what follows names an attribute: urns are the extensions a resource
// holds (its keys, of which only URNs count) or a body lists in "schemas",
// and such a URN is certainly a schema's
// (RFC 7643 §3), where splitURN only guesses. So with
// "urn:scim:schemas:extension:slack:guest:1.0" held, its ":type" is an
// attribute of it, and with "urn:foo:bar" held, "urn:foo:bar" is not the
// attribute bar of "urn:foo". Paths into the schemas the bridge defines, and
// paths without a URN, are returned unchanged.
func (p AttrPath) Anchor(urns iter.Seq[string]) AttrPath {
	q, _ := p.anchor(urns)
	return q
}

// anchor is Anchor, and reports whether one of urns begins p.
func (p AttrPath) anchor(urns iter.Seq[string]) (AttrPath, bool) {
	if p.URN == "" || isKnownURN(p.URN) {
		return p, false
	}
	s := p.String()
	best, found := AttrPath{}, false
	for u := range urns {
		n, ok := urnPrefix(s, u)
		if !ok || !IsURN(u) || (found && n <= len(best.URN)) || isKnownURN(u) {
			continue
		}
		q := AttrPath{URN: s[:n]}
		if n < len(s) {
			name, sub, hasSub := strings.Cut(s[n+1:], ".")
			if !validName(name) || (hasSub && !validName(sub)) {
				continue
			}
			q.Name, q.Sub = name, sub
		}
		best, found = q, true
	}
	if !found {
		return p, false
	}
	return best, true
}

// KeyPath resolves the schema URN of p, parsed from a top-level key of a
// resource body or of a path-less PATCH value whose value is v, where urns
// are the extensions the body lists in "schemas" or the resource holds.
//
// RFC 7643 §3 keys an extension's attributes "within a JSON object keyed by
// the schema URI", and RFC 7644 §3.10 writes an attribute as "urn:…:attr":
// a URN key with an object value could be either. The rule: a path into a
// schema the bridge defines keeps its meaning ("…:core:2.0:User:name",
// "…:enterprise:2.0:User:manager"); a key that begins with one of urns is
// split after it (Anchor); an Entra-shaped "…:<ver>:<Type>:attr" stays an
// attribute of "…:<ver>:<Type>"; any other URN key holding an object is an
// extension under its full URN ("urn:foo:bar"), kept as sent.
func KeyPath(p AttrPath, v any, urns iter.Seq[string]) AttrPath {
	if p.URN == "" || isKnownURN(p.URN) {
		return p
	}
	if q, ok := p.anchor(urns); ok {
		return q
	}
	if _, isObj := v.(map[string]any); !isObj || p.Name == "" || versionedType(p.URN) {
		return p
	}
	return AttrPath{URN: p.String()}
}

// DeclaredSchemas returns the URNs a body lists under "schemas" (in any
// case), as an array or, as Entra sometimes sends it, a single string.
func DeclaredSchemas(body map[string]any) []string {
	k, ok := LookupKey(body, "schemas")
	if !ok {
		return nil
	}
	switch v := body[k].(type) {
	case string:
		return []string{v}
	case []any:
		urns := make([]string, 0, len(v))
		for _, u := range v {
			if u, ok := u.(string); ok {
				urns = append(urns, u)
			}
		}
		return urns
	}
	return nil
}

// versionedType reports whether urn ends in a version segment and the
// segment after it, as Entra's custom extensions do ("…:Name:2.0:User").
func versionedType(urn string) bool {
	segs := strings.Split(urn, ":")
	return len(segs) >= 3 && isVersion(segs[len(segs)-2])
}

func isVersion(seg string) bool {
	major, minor, ok := strings.Cut(seg, ".")
	return ok && allDigits(major) && allDigits(minor)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validName reports whether s is an ATTRNAME (RFC 7643 §2.1) or "$ref".
func validName(s string) bool {
	if s == "$ref" {
		return true
	}
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !('0' <= c && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// Ref is an attribute path resolved against a resource type: canonical names
// and the definitions that say how to compare and coerce values.
type Ref struct {
	// Schema is the canonical URN of the extension that holds the
	// attribute, or "" for core and common attributes.
	Schema string
	// Attr is the attribute's definition; nil for an attribute of an
	// extension the bridge has no schema for, or when Name is "".
	Attr *Attribute
	// Name is the canonical attribute name; "" when the path names a whole
	// extension.
	Name string
	// Sub and SubName are the sub-attribute, when the path has one.
	Sub     *Attribute
	SubName string
}

// Def returns the definition of the addressed value: the sub-attribute when
// there is one, else the attribute. It is nil for unknown extensions.
func (r Ref) Def() *Attribute {
	if r.SubName != "" {
		return r.Sub
	}
	return r.Attr
}

// CaseExact reports whether values at r compare case-sensitively. Attributes
// of unknown extensions compare exactly, as they are stored exactly as sent.
func (r Ref) CaseExact() bool {
	d := r.Def()
	return d == nil || d.CaseExact
}
