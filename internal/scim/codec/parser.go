package codec

import (
	"encoding/json"
	"unicode/utf8"
)

// maxNesting is encoding/json's limit on nested arrays and objects, which
// the parser keeps so that both accept the same texts.
const maxNesting = 10000

// parser reads a JSON text (RFC 8259), checking it as it goes. Building,
// it returns the values; otherwise it only checks. src is b as a string
// when building, so that strings are slices of it.
type parser struct {
	b     []byte
	src   string
	i     int
	depth int
	bad   bool
}

// fail records that the text is not valid JSON.
func (p *parser) fail() any {
	p.bad = true
	return nil
}

func (p *parser) space() {
	// White space is rare: one comparison passes over any other byte.
	for p.i < len(p.b) && p.b[p.i] <= ' ' && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) value(build bool) any {
	p.space()
	if p.i >= len(p.b) {
		return p.fail()
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(build)
	case c == '[':
		return p.array(build)
	case c == '"':
		s := p.string(build)
		if !build || p.bad {
			return nil
		}
		return s
	case c == 't':
		return p.literal("true", true)
	case c == 'f':
		return p.literal("false", false)
	case c == 'n':
		return p.literal("null", nil)
	case c == '-' || '0' <= c && c <= '9':
		return p.number(build)
	}
	return p.fail()
}

func (p *parser) literal(text string, v any) any {
	if len(p.b)-p.i < len(text) || string(p.b[p.i:p.i+len(text)]) != text {
		return p.fail()
	}
	p.i += len(text)
	return v
}

func (p *parser) object(build bool) any {
	var m map[string]any
	if build {
		m = map[string]any{}
	}
	ok := p.members(build, func(k string, _ []byte) bool {
		v := p.value(build)
		if build && !p.bad {
			m[k] = v
		}
		return !p.bad
	})
	if !ok {
		return nil
	}
	return m
}

// members reads the object at p.i, calling member for each of its members
// with p.i at the member's value, which member must read. It passes the
// key decoded when building, and as written (the quoted token) always. It
// reports false when the text is not valid JSON or member returned false.
func (p *parser) members(build bool, member func(key string, token []byte) bool) bool {
	if p.depth++; p.depth > maxNesting {
		p.fail()
		return false
	}
	defer func() { p.depth-- }()
	p.i++ // {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return true
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			p.fail()
			return false
		}
		start := p.i
		k := p.string(build)
		end := p.i
		p.space()
		if p.bad || p.i >= len(p.b) || p.b[p.i] != ':' {
			p.fail()
			return false
		}
		p.i++
		p.space()
		if !member(k, p.b[start:end]) {
			return false
		}
		if !p.next('}') {
			return false
		}
		if p.b[p.i-1] == '}' {
			return true
		}
	}
}

func (p *parser) array(build bool) any {
	if p.depth++; p.depth > maxNesting {
		return p.fail()
	}
	defer func() { p.depth-- }()
	var a []any
	if build {
		a = []any{} // encoding/json decodes [] as empty, not nil
	}
	p.i++ // [
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return a
	}
	for {
		v := p.value(build)
		if p.bad {
			return nil
		}
		if build {
			a = append(a, v)
		}
		if !p.next(']') {
			return nil
		}
		if p.b[p.i-1] == ']' {
			return a
		}
	}
}

// next reads what follows a member or element: a comma or the closing
// byte. It reports false, having failed, for anything else.
func (p *parser) next(closing byte) bool {
	p.space()
	if p.i < len(p.b) && (p.b[p.i] == ',' || p.b[p.i] == closing) {
		p.i++
		return true
	}
	p.fail()
	return false
}

// string reads the string at p.i. Building, one that needs no decoding
// is a slice of p.src; one with escapes or invalid UTF-8 is decoded by
// encoding/json, so that every rule (surrogates, U+FFFD) is its own.
func (p *parser) string(build bool) string {
	start := p.i + 1
	// plain: neither escapes nor bytes past ASCII, the common case, which
	// needs no decoding and no UTF-8 check.
	plain, escaped := true, false
	for j := start; j < len(p.b); j++ {
		for j < len(p.b) && !stringStop[p.b[j]] {
			j++
		}
		if j >= len(p.b) {
			break
		}
		switch c := p.b[j]; c {
		case '"':
			p.i = j + 1
			switch {
			case !build:
				return ""
			case plain || !escaped && utf8.ValidString(p.src[start:j]):
				return p.src[start:j]
			}
			return decodeString(p.b[start-1 : j+1])
		case '\\':
			plain, escaped = false, true
			if j++; j >= len(p.b) {
				break
			}
			switch p.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(p.b) || !isHex(p.b[j+1]) || !isHex(p.b[j+2]) || !isHex(p.b[j+3]) || !isHex(p.b[j+4]) {
					p.fail()
					return ""
				}
				j += 4
			default:
				p.fail()
				return ""
			}
		default:
			if c >= utf8.RuneSelf {
				plain = false
				continue
			}
			p.fail() // a control character (RFC 8259 §7)
			return ""
		}
	}
	p.fail() // unterminated
	return ""
}

// stringStop marks the bytes that end a run of plain bytes in a string:
// the closing quote, an escape, the control characters, which JSON does
// not allow unescaped (RFC 8259 §7), and bytes past ASCII. Most strings
// are one run, which the parser skips in a tight loop.
var stringStop = func() (stop [256]bool) {
	for c := range 256 {
		stop[c] = c < 0x20 || c >= utf8.RuneSelf
	}
	stop['"'], stop['\\'] = true, true
	return stop
}()

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// number reads a number (RFC 8259 §6).
func (p *parser) number(build bool) any {
	start, b := p.i, p.b
	i := start
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return p.fail()
	}
	if i < len(b) && b[i] == '.' {
		if i+1 >= len(b) || !isDigit(b[i+1]) {
			return p.fail()
		}
		i = skipDigits(b, i+1)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return p.fail()
		}
		i = skipDigits(b, i)
	}
	p.i = i
	if !build {
		return nil
	}
	return json.Number(p.src[start:i])
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}
