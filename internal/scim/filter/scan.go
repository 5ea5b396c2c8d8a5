package filter

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// Limits on what the parser accepts, so that a hostile filter cannot make it
// (or the recursive matcher) use unbounded time or stack.
const (
	maxLen   = 4096
	maxDepth = 32
)

// scanner reads the tokens of a filter or path: words (attribute paths,
// operators, keywords), JSON strings and numbers, and the punctuation
// ( ) [ ] and ".".
type scanner struct {
	s   string
	pos int
	// plusIsSpace is set for filters, which some clients send with "+" for
	// the spaces of a query string even after net/url decoded it.
	plusIsSpace bool
	depth       int
	// what names the input in errors, "filter" or "path", and scimType
	// is the RFC 7644 §3.12 error type for it.
	what, scimType string
}

func (p *scanner) errorf(format string, args ...any) error {
	return scim.BadRequest(p.scimType, "invalid %s at offset %d: %s", p.what, p.pos, fmt.Sprintf(format, args...))
}

func (p *scanner) eof() bool { return p.pos >= len(p.s) }

func (p *scanner) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.pos]
}

func (p *scanner) isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c == '+' && p.plusIsSpace)
}

func (p *scanner) skipSpace() {
	for !p.eof() && p.isSpace(p.s[p.pos]) {
		p.pos++
	}
}

// isDelim reports whether c ends a word.
func (p *scanner) isDelim(c byte) bool {
	return p.isSpace(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '"'
}

// wordEnd returns the end of the word starting at the current position.
func (p *scanner) wordEnd() int {
	i := p.pos
	for i < len(p.s) && !p.isDelim(p.s[i]) {
		i++
	}
	return i
}

func (p *scanner) peekWord() string { return p.s[p.pos:p.wordEnd()] }

func (p *scanner) word() string {
	end := p.wordEnd()
	w := p.s[p.pos:end]
	p.pos = end
	return w
}

// found describes what is at the current position, for error messages.
func (p *scanner) found() string {
	switch {
	case p.eof():
		return "the end of the " + p.what
	case p.peek() == '"':
		return "a string"
	}
	if w := p.peekWord(); w != "" {
		return strconv.Quote(w)
	}
	return strconv.Quote(string(p.peek()))
}

func (p *scanner) expect(c byte) error {
	p.skipSpace()
	if p.peek() != c {
		return p.errorf("expected %q, found %s", c, p.found())
	}
	p.pos++
	return nil
}

// enter records one more level of nesting; leave undoes it.
func (p *scanner) enter() error {
	if p.depth++; p.depth > maxDepth {
		return scim.BadRequest(p.scimType, "%s too deep: more than %d nested groups", p.what, maxDepth)
	}
	return nil
}

func (p *scanner) leave() { p.depth-- }

// value reads a comparison value: a JSON string, number, true, false or null,
// the keywords in any case like the operators (RFC 7644 §3.4.2.2), or an
// unquoted word, read as a string (see bare).
func (p *scanner) value() (any, error) {
	p.skipSpace()
	if p.peek() == '"' {
		return p.str()
	}
	w := p.bare()
	switch {
	case w == "":
		return nil, p.errorf("expected a value (a quoted string, a number, true, false or null), found %s", p.found())
	case strings.EqualFold(w, "true"):
		p.pos += len(w)
		return true, nil
	case strings.EqualFold(w, "false"):
		p.pos += len(w)
		return false, nil
	case strings.EqualFold(w, "null"):
		p.pos += len(w)
		return nil, nil
	case isKeyword(w):
		return nil, p.errorf("expected a value, found the keyword %q; quote a value that is a keyword, as in \"%s\"", w, w)
	case w[0] == '\'':
		return nil, p.errorf("single quotes do not delimit strings; quote values with \", as in \"%s\"", strings.Trim(w, "'"))
	}
	p.pos += len(w)
	if codec.IsNumber(w) {
		return json.Number(w), nil
	}
	return w, nil
}

// bare returns the unquoted word at the current position without consuming
// it. Clients such as Microsoft's SCIM validation suite send values without
// quotes (userName sw O, meta.created gt 2015-10-10T14:38:21.8617979-07:00),
// so a word that is not true, false, null or a JSON number is read as a
// string. A word ends at a space, a parenthesis, a bracket or a quote. In a
// filter "+" also ends it, since it stands for a space, except where it
// joins a JSON number's exponent (1e+3) or a date-time's offset (+02:00),
// which would otherwise be cut in two.
func (p *scanner) bare() string {
	w := p.peekWord()
	end := p.pos + len(w)
	if !p.plusIsSpace || end >= len(p.s) || p.s[end] != '+' {
		return w
	}
	next := end + 1
	for next < len(p.s) && !p.isDelim(p.s[next]) {
		next++
	}
	if joined := p.s[p.pos:next]; codec.IsNumber(joined) || isTime(joined) {
		return joined
	}
	return w
}

func isTime(s string) bool {
	_, ok := parseTime(s)
	return ok
}

// isKeyword reports whether w is a logical operator, which cannot be an
// unquoted value: in userName eq and x pr, "and" would be ambiguous.
func isKeyword(w string) bool {
	return strings.EqualFold(w, "and") || strings.EqualFold(w, "or") || strings.EqualFold(w, "not")
}

// str reads a JSON string (RFC 8259 §7). Strings without escapes, control
// characters or invalid UTF-8 are returned as a slice of the input; the
// rest are decoded by encoding/json, which also validates the escapes.
func (p *scanner) str() (string, error) {
	start := p.pos
	plain := true
	for i := start + 1; i < len(p.s); i++ {
		switch c := p.s[i]; {
		case c == '"':
			p.pos = i + 1
			inner := p.s[start+1 : i]
			if plain && utf8.ValidString(inner) {
				return inner, nil
			}
			var out string
			if err := json.Unmarshal([]byte(p.s[start:p.pos]), &out); err != nil {
				p.pos = start
				return "", p.errorf("malformed string: %v", err)
			}
			return out, nil
		case c == '\\':
			plain = false
			i++
		case c < 0x20:
			p.pos = i
			return "", p.errorf("control character %q in a string; escape it", c)
		}
	}
	return "", p.errorf("unterminated string")
}
