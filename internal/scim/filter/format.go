package filter

import (
	"encoding/json"
	"fmt"
	"strings"
)

// String renders c in RFC 7644 §3.4.2.2 syntax; Parse reads it back as c.
func (c *Compare) String() string {
	var b strings.Builder
	c.format(&b)
	return b.String()
}

// String renders a in RFC 7644 §3.4.2.2 syntax; Parse reads it back as a.
func (a *And) String() string { return render(a) }

// String renders o in RFC 7644 §3.4.2.2 syntax; Parse reads it back as o.
func (o *Or) String() string { return render(o) }

// String renders n in RFC 7644 §3.4.2.2 syntax; Parse reads it back as n.
func (n *Not) String() string { return render(n) }

// String renders v in RFC 7644 §3.4.2.2 syntax; Parse reads it back as v.
// Entra's emails[type eq "work"].value eq "x" renders as
// emails[type eq "work" and value eq "x"].
func (v *ValuePath) String() string { return render(v) }

// String renders p in RFC 7644 §3.5.2 syntax; ParsePath reads it back as p.
func (p *Path) String() string {
	var b strings.Builder
	b.WriteString(p.Attr.String())
	if p.Filter != nil {
		b.WriteByte('[')
		format(&b, p.Filter)
		b.WriteByte(']')
		if p.Sub != "" {
			b.WriteByte('.')
			b.WriteString(p.Sub)
		}
	}
	return b.String()
}

func render(e Expr) string {
	var b strings.Builder
	format(&b, e)
	return b.String()
}

// format writes e, adding the parentheses that the left-associative
// grammar, with "and" binding tighter than "or", needs to read e back.
func format(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *Compare:
		x.format(b)
	case *And:
		formatOperand(b, x.Left, isOr)
		b.WriteString(" and ")
		formatOperand(b, x.Right, isLogical)
	case *Or:
		format(b, x.Left)
		b.WriteString(" or ")
		formatOperand(b, x.Right, isOr)
	case *Not:
		b.WriteString("not (")
		format(b, x.X)
		b.WriteByte(')')
	case *ValuePath:
		b.WriteString(x.Attr.String())
		b.WriteByte('[')
		format(b, x.Filter)
		b.WriteByte(']')
	default:
		fmt.Fprintf(b, "%v", e)
	}
}

func formatOperand(b *strings.Builder, e Expr, needsParens func(Expr) bool) {
	if !needsParens(e) {
		format(b, e)
		return
	}
	b.WriteByte('(')
	format(b, e)
	b.WriteByte(')')
}

func isOr(e Expr) bool { _, ok := e.(*Or); return ok }

func isLogical(e Expr) bool {
	_, and := e.(*And)
	return and || isOr(e)
}

func (c *Compare) format(b *strings.Builder) {
	b.WriteString(c.Attr.String())
	b.WriteByte(' ')
	b.WriteString(c.Op)
	if c.Op == "pr" {
		return
	}
	b.WriteByte(' ')
	formatValue(b, c.Value)
}

// formatValue writes a comparison value as the filter grammar reads it.
func formatValue(b *strings.Builder, value any) {
	switch v := value.(type) {
	case string:
		quote(b, v)
	case json.Number:
		b.WriteString(v.String())
	case nil:
		b.WriteString("null")
	default:
		fmt.Fprintf(b, "%v", v)
	}
}

// quote writes s as a JSON string, escaping only what JSON requires.
func quote(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}
