package filter

import (
	"cmp"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// condition is one attribute operator with its comparison value, prepared
// once for the attribute's type and case rule and then applied to each value.
type condition struct {
	op   string
	want any
	// str is a string want, folded when fold is set: strings then compare
	// by scim.Fold.
	str  string
	fold bool
	// when is want as a time, for dateTime attributes (isTime set).
	when   time.Time
	isTime bool
}

func newCondition(op string, c *Compare, ref scim.Ref) condition {
	d := ref.Def()
	want := c.ValueFor(d)
	cond := condition{op: op, want: want}
	if s, ok := want.(string); ok {
		if d != nil && d.Type == scim.DateTime && isOrdering(op) {
			cond.when, cond.isTime = parseTime(s)
		}
		cond.str, cond.fold = s, !ref.CaseExact()
		if cond.fold {
			cond.str = scim.Fold(s)
		}
	}
	return cond
}

// ValueFor returns c's comparison value read in the type that def, the
// definition of the compared attribute, gives it, so that clients need not
// know the JSON type of every attribute: for a boolean attribute the strings
// "true" and "false" in any case are booleans (Entra's
// roles[primary eq "True"]); for a string, reference or binary attribute a
// number or boolean literal is its text (employeeNumber eq 42). Any other
// value, and every value when def is nil (an extension the bridge has no
// schema for), is returned as parsed.
func (c *Compare) ValueFor(def *scim.Attribute) any {
	if def == nil {
		return c.Value
	}
	switch def.Type {
	case scim.Boolean:
		if s, ok := c.Value.(string); ok {
			switch {
			case strings.EqualFold(s, "true"):
				return true
			case strings.EqualFold(s, "false"):
				return false
			}
		}
	case scim.String, scim.Reference, scim.Binary:
		switch v := c.Value.(type) {
		case json.Number:
			return v.String()
		case bool:
			return strconv.FormatBool(v)
		}
	}
	return c.Value
}

// holds reports whether have satisfies cond. Values of different types never
// compare: an attribute of an unknown extension holding the boolean true is
// not "eq" to the string "true".
func (cond *condition) holds(have any) bool {
	switch want := cond.want.(type) {
	case string:
		h, ok := have.(string)
		if !ok {
			return false
		}
		if cond.isTime {
			// An unparsable stored time still compares as a string.
			if ht, ok := parseTime(h); ok {
				return order(cond.op, ht.Compare(cond.when))
			}
		}
		if cond.fold {
			h = scim.Fold(h)
		}
		switch cond.op {
		case "co":
			return strings.Contains(h, cond.str)
		case "sw":
			return strings.HasPrefix(h, cond.str)
		case "ew":
			return strings.HasSuffix(h, cond.str)
		}
		return order(cond.op, strings.Compare(h, cond.str))
	case json.Number:
		h, ok := asNumber(have)
		if !ok {
			return false
		}
		c, ok := compareNumbers(h, want)
		return ok && order(cond.op, c)
	case bool:
		// Booleans have no order: only eq can hold (RFC 7644 §3.4.2.2).
		h, ok := have.(bool)
		return ok && cond.op == "eq" && h == want
	}
	return false
}

// isOrdering reports whether op compares by order (or equality) rather
// than by substring.
func isOrdering(op string) bool { return op != "co" && op != "sw" && op != "ew" }

// order reports whether the ordering operator op holds for a comparison
// result c; it is false for the substring operators.
func order(op string, c int) bool {
	switch op {
	case "eq":
		return c == 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

// parseTime reads an RFC 3339 date-time (RFC 7643 §2.3.5) with any number
// of fractional digits (those past nanoseconds are dropped) and any offset,
// such as the seven digits .NET writes: 2015-10-10T14:38:21.8617979-07:00.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

func asNumber(v any) (json.Number, bool) {
	switch n := v.(type) {
	case json.Number:
		return n, true
	case float64:
		return json.Number(strconv.FormatFloat(n, 'g', -1, 64)), true
	}
	return "", false
}

// compareNumbers compares exactly when both are integers that fit in 64
// bits, else as floats; it reports false when either does not parse.
func compareNumbers(a, b json.Number) (int, bool) {
	ai, aerr := a.Int64()
	bi, berr := b.Int64()
	if aerr == nil && berr == nil {
		return cmp.Compare(ai, bi), true
	}
	af, aerr := a.Float64()
	bf, berr := b.Float64()
	if aerr != nil || berr != nil {
		return 0, false
	}
	return cmp.Compare(af, bf), true
}
