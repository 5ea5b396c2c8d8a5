package entra

import (
	"fmt"
	"strings"
)

// Dialect is one of the two PATCH formats Entra sends (docs/entra.md
// §3.1). Both reach the same endpoint, even from one tenant.
type Dialect int

const (
	// Default is the format of a Tenant URL without the flag: Pascal-case
	// ops, one op per attribute, each with a path, booleans as the strings
	// "True" and "False", and a member removal that names the member in
	// the value of a "members" op.
	Default Dialect = iota
	// AADOptscim062020 is the format the aadOptscim062020 flag selects:
	// lower-case ops, changed attributes in one path-less replace keyed by
	// dotted and URN paths, JSON booleans, and member removal by the path
	// members[value eq "id"].
	AADOptscim062020
)

// Dialects are every dialect, in the order String names them.
var Dialects = []Dialect{Default, AADOptscim062020}

// String returns "default" or "aadOptscim062020".
func (d Dialect) String() string {
	if d == AADOptscim062020 {
		return FlagParameter
	}
	return "default"
}

// ParseDialect returns the dialect named s: "default", or "flag" or
// "aadOptscim062020" (any case). Any other name is an error.
func ParseDialect(s string) (Dialect, error) {
	switch strings.ToLower(s) {
	case "default":
		return Default, nil
	case "flag", strings.ToLower(FlagParameter):
		return AADOptscim062020, nil
	}
	return 0, fmt.Errorf("unknown dialect %q: use default or flag", s)
}

// Op is one PATCH operation (RFC 7644 §3.5.2) as Entra writes it.
type Op struct {
	Op   string `json:"op"`
	Path string `json:"path,omitempty"`
	// Value is omitted only when nil; false and "" are sent.
	Value any `json:"value,omitempty"`
}

// PatchSchema is the PatchOp message's schema URN (RFC 7644 §3.5.2).
const PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// patchBody is the PatchOp message carrying ops.
func patchBody(ops []Op) map[string]any {
	return map[string]any{"schemas": []string{PatchSchema}, "Operations": ops}
}

// op returns the operation name kind ("add", "replace", "remove") in the
// dialect's case.
func (d Dialect) op(kind string) string {
	if d == AADOptscim062020 {
		return kind
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

// boolean returns b as the dialect sends it: "True"/"False" by default.
func (d Dialect) boolean(b bool) any {
	if d == AADOptscim062020 {
		return b
	}
	if b {
		return "True"
	}
	return "False"
}

// Rename returns the operations that rename a group: a Replace with the
// path displayName, or with the flag a path-less replace.
func (d Dialect) Rename(name string) []Op {
	if d == AADOptscim062020 {
		return []Op{{Op: "replace", Value: map[string]any{"displayName": name}}}
	}
	return []Op{{Op: "Replace", Path: "displayName", Value: name}}
}

// AddMembers returns the operation that adds the users ids to a group:
// one op listing them all; the default dialect writes a null $ref in each.
func (d Dialect) AddMembers(ids []string) []Op {
	return []Op{{Op: d.op("add"), Path: "members", Value: d.memberValues(ids)}}
}

// RemoveMembers returns the operations that remove the users ids from a
// group: by default one op on the path "members" naming them in its value
// (which a literal RFC reading takes as "remove all"); with the flag one
// op per member with the path members[value eq "id"].
func (d Dialect) RemoveMembers(ids []string) []Op {
	if d == AADOptscim062020 {
		ops := make([]Op, len(ids))
		for i, id := range ids {
			ops[i] = Op{Op: "remove", Path: fmt.Sprintf("members[value eq %q]", id)}
		}
		return ops
	}
	return []Op{{Op: "Remove", Path: "members", Value: d.memberValues(ids)}}
}

func (d Dialect) memberValues(ids []string) []map[string]any {
	vals := make([]map[string]any, len(ids))
	for i, id := range ids {
		vals[i] = map[string]any{"value": id}
		if d == Default {
			vals[i]["$ref"] = nil
		}
	}
	return vals
}

// managerPath is the enterprise manager's path as current Entra traffic
// writes it (docs/entra.md §3.7).
const managerPath = EnterpriseSchema + ":manager"

// Manager returns the operations that change a user's manager from the
// user id old to new ("" for none), or nil if they are equal. Setting and
// changing send the id as a bare string (Add when there was none, else
// Replace); removing sends, by default, a Remove naming the old manager in
// its value, and with the flag the validator's replace with an empty value.
func (d Dialect) Manager(old, new string) []Op {
	switch {
	case old == new:
		return nil
	case new == "" && d == AADOptscim062020:
		return []Op{{Op: "replace", Path: managerPath, Value: map[string]any{"value": ""}}}
	case new == "":
		return []Op{{Op: "Remove", Path: managerPath, Value: []map[string]any{{"$ref": nil, "value": old}}}}
	case old == "":
		return []Op{{Op: d.op("add"), Path: managerPath, Value: new}}
	}
	return []Op{{Op: d.op("replace"), Path: managerPath, Value: new}}
}

// Active returns the operation that enables or disables a user: a Replace
// of active with "True"/"False" by default, a boolean with the flag.
func (d Dialect) Active(active bool) []Op {
	return []Op{{Op: d.op("replace"), Path: "active", Value: d.boolean(active)}}
}

// UserChanges returns the operations that turn the user old into new, or
// nil if nothing changed. Only attributes with a new value are sent: Entra
// never provisions an attribute that became empty (docs/entra.md §2.4).
// An attribute that had no value is added, one that had is replaced; by
// default each gets its own op with its path, while with the flag the
// replaced ones without a value filter share one path-less replace keyed by
// their dotted or URN paths. A change of active comes last.
func (d Dialect) UserChanges(old, new User) []Op {
	var ops []Op
	merged := map[string]any{}
	for _, a := range userAttributes {
		was, now := *a.field(&old), *a.field(&new)
		if now == "" || now == was {
			continue
		}
		kind := "replace"
		if was == "" {
			kind = "add"
		}
		if d == AADOptscim062020 && kind == "replace" && !a.filtered() {
			merged[a.path] = now
			continue
		}
		ops = append(ops, Op{Op: d.op(kind), Path: a.path, Value: now})
	}
	if len(merged) > 0 {
		ops = append([]Op{{Op: "replace", Value: merged}}, ops...)
	}
	if old.Active != new.Active {
		ops = append(ops, d.Active(new.Active)...)
	}
	return ops
}
