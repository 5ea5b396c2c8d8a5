package patch

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// MaxOperations is the most operations one PATCH request may carry. Entra
// sends one operation per changed attribute, a few dozen at most.
const MaxOperations = 1000

// The operation names of RFC 7644 §3.5.2, as Op.Op holds them.
const (
	opAdd     = "add"
	opRemove  = "remove"
	opReplace = "replace"
)

// Decode parses a PatchOp request body (RFC 7644 §3.5.2) in every dialect
// Entra sends: "Operations" in any case, "op" in any case ("Replace", "add"),
// paths in any case, path-less operations whose value holds attributes, and
// "schemas" missing. Values are kept as decoded, with numbers as json.Number.
//
// Returns a 400 *scim.Error: invalidSyntax when the body is not a JSON object
// (or nests deeper than 32 levels), lists only other schemas, or has an
// operation that is not an object or has an unknown op; invalidValue when
// Operations is missing or empty or an add or replace has no value;
// invalidPath when a path does not parse; noTarget for a remove with neither a
// path nor an object value. Returns a 413 *scim.Error (tooMany) for more than
// MaxOperations operations.
func Decode(body []byte) ([]Op, error) {
	doc, err := codec.DecodeObject(body, "the PATCH body")
	if err != nil {
		return nil, err
	}
	if v, ok := field(doc, "schemas"); ok && !listsPatchOp(v) {
		return nil, scim.BadRequest(scim.InvalidSyntax, "schemas must include %s", scim.PatchOpSchema)
	}
	v, _ := field(doc, "Operations")
	if v == nil {
		return nil, scim.BadRequest(scim.InvalidValue, "the PATCH body has no Operations")
	}
	raw, ok := v.([]any)
	switch {
	case !ok:
		return nil, scim.BadRequest(scim.InvalidSyntax, "Operations must be an array, not %s", scim.DescribeJSON(v))
	case len(raw) == 0:
		return nil, scim.BadRequest(scim.InvalidValue, "Operations is empty")
	case len(raw) > MaxOperations:
		return nil, scim.Errorf(http.StatusRequestEntityTooLarge, scim.TooMany,
			"%d operations in one PATCH; at most %d are allowed", len(raw), MaxOperations)
	}
	ops := make([]Op, len(raw))
	for i, r := range raw {
		if ops[i], err = decodeOp(r); err != nil {
			return nil, atOp(i, err)
		}
	}
	return ops, nil
}

func decodeOp(raw any) (Op, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return Op{}, scim.BadRequest(scim.InvalidSyntax, "an operation must be an object, not %s", scim.DescribeJSON(raw))
	}
	var op Op
	name, _ := field(m, "op")
	s, _ := name.(string)
	switch op.Op = strings.ToLower(s); op.Op {
	case opAdd, opRemove, opReplace:
	default:
		return Op{}, scim.BadRequest(scim.InvalidSyntax, `unknown op %q; use "add", "remove" or "replace"`, s)
	}
	switch p, _ := field(m, "path"); p := p.(type) {
	case nil:
	case string:
		if strings.TrimSpace(p) != "" {
			path, err := filter.ParsePath(p)
			if err != nil {
				return Op{}, err
			}
			op.Path = path
		}
	default:
		return Op{}, scim.BadRequest(scim.InvalidPath, "path must be a string, not %s", scim.DescribeJSON(p))
	}
	var hasValue bool
	op.Value, hasValue = field(m, "value")
	if op.Op != opRemove && !hasValue {
		return Op{}, scim.BadRequest(scim.InvalidValue, "%s needs a value", op.Op)
	}
	if _, isObject := op.Value.(map[string]any); op.Op == opRemove && op.Path == nil && !isObject {
		return Op{}, scim.BadRequest(scim.NoTarget, "remove needs a path")
	}
	return op, nil
}

// field returns the member of m named name, ignoring case: clients send both
// "Operations" and "operations".
func field(m map[string]any, name string) (any, bool) {
	k, ok := scim.LookupKey(m, name)
	return m[k], ok
}

// listsPatchOp reports whether a request's schemas value is absent or names
// the PatchOp message schema.
func listsPatchOp(v any) bool {
	switch s := v.(type) {
	case nil:
		return true
	case string:
		return strings.EqualFold(s, scim.PatchOpSchema)
	case []any:
		for _, u := range s {
			if u, ok := u.(string); ok && strings.EqualFold(u, scim.PatchOpSchema) {
				return true
			}
		}
		return len(s) == 0
	}
	return false
}

// atOp prefixes an error's detail with the (1-based) number of the operation
// that failed, so that a client sending 30 operations knows which to fix.
func atOp(i int, err error) error {
	var e *scim.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("patch: operation %d: %w", i+1, err)
	}
	c := *e
	c.Detail = fmt.Sprintf("operation %d: %s", i+1, e.Detail)
	return &c
}
