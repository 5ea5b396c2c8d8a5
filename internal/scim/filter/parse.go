package filter

import (
	"strings"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// operators are the attribute operators of RFC 7644 §3.4.2.2 that take a
// value; "pr" takes none.
var operators = [...]string{"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"}

// Parse parses a SCIM filter (RFC 7644 §3.4.2.2): attribute expressions with
// the operators eq ne co sw ew gt ge lt le and pr, "and" binding tighter than
// "or", "not (…)", grouping parentheses and value paths such as
// emails[type eq "work"]. Operators and keywords are case-insensitive.
//
// It also accepts what Microsoft Entra ID and other clients send beyond the
// RFC grammar: emails[type eq "work"].value eq "x", which parses as the
// ValuePath emails[type eq "work" and value eq "x"]; "+" for the spaces
// between tokens; any run of spaces and tabs as one separator; and unquoted
// values (userName sw O), read as strings unless they are true, false, null
// or a JSON number (the rules are in docs/decisions.md, "Filter parser").
//
// Returns a 400 *scim.Error with scimType invalidFilter for bad syntax, a
// filter longer than 4096 bytes or one nested more than 32 levels deep.
func Parse(s string) (Expr, error) {
	if len(s) > maxLen {
		return nil, scim.BadRequest(scim.InvalidFilter, "filter too long: %d bytes, the limit is %d", len(s), maxLen)
	}
	if !utf8.ValidString(s) {
		return nil, scim.BadRequest(scim.InvalidFilter, "the filter is not valid UTF-8")
	}
	p := &scanner{s: s, plusIsSpace: true, what: "filter", scimType: scim.InvalidFilter}
	e, err := p.or(false)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.eof() {
		return nil, p.errorf("expected \"and\", \"or\" or the end of the filter, found %s", p.found())
	}
	return e, nil
}

// or parses FILTER *("or" FILTER). inValue is set inside the brackets of a
// value path, where another value path may not appear.
func (p *scanner) or(inValue bool) (Expr, error) {
	e, err := p.and(inValue)
	for err == nil && p.keyword("or") {
		var r Expr
		if r, err = p.and(inValue); err == nil {
			e = &Or{Left: e, Right: r}
		}
	}
	return e, err
}

func (p *scanner) and(inValue bool) (Expr, error) {
	e, err := p.unary(inValue)
	for err == nil && p.keyword("and") {
		var r Expr
		if r, err = p.unary(inValue); err == nil {
			e = &And{Left: e, Right: r}
		}
	}
	return e, err
}

// keyword consumes the logical operator kw if it comes next.
func (p *scanner) keyword(kw string) bool {
	p.skipSpace()
	if w := p.peekWord(); strings.EqualFold(w, kw) {
		p.pos += len(w)
		return true
	}
	return false
}

// unary parses a group, a "not (…)" or an attribute expression.
func (p *scanner) unary(inValue bool) (Expr, error) {
	p.skipSpace()
	w := p.peekWord()
	isNot := strings.EqualFold(w, "not")
	if isNot {
		// "not" is a keyword only before "(": an attribute may be named
		// "not".
		save := p.pos
		p.pos += len(w)
		p.skipSpace()
		if isNot = p.peek() == '('; !isNot {
			p.pos = save
		}
	}
	if !isNot && p.peek() != '(' {
		return p.attrExp(inValue)
	}
	p.pos++
	if err := p.enter(); err != nil {
		return nil, err
	}
	e, err := p.or(inValue)
	if err != nil {
		return nil, err
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	p.leave()
	if isNot {
		return &Not{X: e}, nil
	}
	return e, nil
}

// attrExp parses "attrPath op value", "attrPath pr", or a value path with
// Entra's optional trailing ".sub op value".
func (p *scanner) attrExp(inValue bool) (Expr, error) {
	path, err := p.attrPath()
	if err != nil {
		return nil, err
	}
	if p.peek() != '[' {
		return p.comparison(path)
	}
	if inValue {
		return nil, p.errorf("a value filter cannot contain another value path")
	}
	f, err := p.valueFilter(path)
	if err != nil {
		return nil, err
	}
	vp := &ValuePath{Attr: path, Filter: f}
	if p.peek() == '.' {
		p.pos++
		sub, err := p.subAttr()
		if err != nil {
			return nil, err
		}
		c, err := p.comparison(scim.AttrPath{Name: sub})
		if err != nil {
			return nil, err
		}
		vp.Filter = &And{Left: f, Right: c}
	}
	return vp, nil
}

// attrPath reads an attribute path naming an attribute (not a whole
// extension schema).
func (p *scanner) attrPath() (scim.AttrPath, error) {
	start := p.pos
	w := p.word()
	path, ok := scim.ParseAttrPath(w)
	if !ok || path.Name == "" {
		p.pos = start
		if w == "" {
			return scim.AttrPath{}, p.errorf("expected an attribute name, found %s", p.found())
		}
		return scim.AttrPath{}, p.errorf("%q is not an attribute path", w)
	}
	return path, nil
}

// valueFilter parses "[valFilter]" after the attribute path attr.
func (p *scanner) valueFilter(attr scim.AttrPath) (Expr, error) {
	if attr.Sub != "" {
		return nil, p.errorf("a value filter must follow an attribute, not the sub-attribute %q", attr.String())
	}
	p.pos++
	if err := p.enter(); err != nil {
		return nil, err
	}
	f, err := p.or(true)
	if err != nil {
		return nil, err
	}
	if err := p.expect(']'); err != nil {
		return nil, err
	}
	p.leave()
	return f, nil
}

// subAttr reads the sub-attribute name after "].".
func (p *scanner) subAttr() (string, error) {
	w := p.peekWord()
	if path, ok := scim.ParseAttrPath(w); !ok || path.URN != "" || path.Sub != "" || path.Name == "" {
		return "", p.errorf("expected a sub-attribute name after \".\", found %s", p.found())
	}
	p.pos += len(w)
	return w, nil
}

// comparison parses the operator and value after an attribute path.
func (p *scanner) comparison(path scim.AttrPath) (Expr, error) {
	p.skipSpace()
	w := p.peekWord()
	if strings.EqualFold(w, "pr") {
		p.pos += len(w)
		return &Compare{Attr: path, Op: "pr"}, nil
	}
	for _, op := range operators {
		if strings.EqualFold(w, op) {
			p.pos += len(w)
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			return &Compare{Attr: path, Op: op, Value: v}, nil
		}
	}
	hint := ""
	if strings.EqualFold(path.String(), "not") {
		hint = `; "not" needs parentheses, as in not (title pr)`
	}
	return nil, p.errorf("expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after %q, found %s%s", path.String(), p.found(), hint)
}
