package scim

import "strings"

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
// extensions take; without a version segment, before the last segment.
func splitURN(s string) (urn, rest string) {
	for _, k := range knownURNs {
		if len(s) >= len(k) && strings.EqualFold(s[:len(k)], k) {
			if len(s) == len(k) {
				return k, ""
			}
			if s[len(k)] == ':' {
				return k, s[len(k)+1:]
			}
		}
	}
	segs := strings.Split(s, ":")
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
