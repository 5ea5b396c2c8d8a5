package patch

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// Apply applies ops, in order and all-or-nothing, to res: the attributes of
// a resource of type rt in canonical form, without id, meta, groups or
// members (RFC 7644 §3.5.2). res must not be nil.
//
// It accepts what Entra sends in both its dialects: paths in any case,
// "True"/"False" strings for booleans, every shape of manager, filtered paths
// whose element does not exist yet (the element is created when the filter
// is equalities joined by "and"), path-less values with plain, dotted,
// URN-qualified or nested keys, and an add with an array to an attribute of
// an unknown extension, which replaces it. A value of null or "" clears its
// target. Ids, meta and schemas in a path-less value are ignored, and the
// write-only password is accepted and dropped.
//
// Operations on a Group's members are not applied to res: their net effect,
// in operation order, is returned as Members. A remove with path "members"
// and a value removes only the members listed in the value (Entra's default
// dialect), never the whole group; members[value eq "id"] filters, joined by
// "or", select members to remove.
//
// On error res is left exactly as it was. Returns a 400 *scim.Error:
// invalidPath for an unknown attribute of a known schema or a path that
// cannot address its target; mutability for an explicit path to a read-only
// attribute; invalidValue for a value of the wrong type; invalidFilter for an
// invalid filter or a members filter other than value equality; noTarget when
// a filter of an add or replace matches no element and cannot describe a new
// one (a remove whose filter matches nothing changes nothing). Returns a 413
// *scim.Error (tooMany) for more than MaxMembers member ids, or for
// operations that take more than 100,000 comparisons of values.
func Apply(rt *scim.ResourceType, res map[string]any, ops []Op) (Members, error) {
	a := applier{rt: rt, res: clone(res).(map[string]any)}
	for i, op := range ops {
		if err := a.apply(op); err != nil {
			return Members{}, atOp(i, err)
		}
	}
	clear(res)
	maps.Copy(res, a.res)
	return a.members.result(), nil
}

// applier applies operations to a private copy of the resource, so that a
// failing operation leaves the caller's resource untouched.
type applier struct {
	rt      *scim.ResourceType
	res     map[string]any
	members memberSet
	work    int
}

// maxWork bounds the element comparisons and filter matches one PATCH may
// cost. Adding n elements to a list of m compares up to n×m, so without a
// bound a 400 KB PATCH adding 50,000 distinct emails runs for minutes;
// Entra's PATCHes cost a few dozen.
const maxWork = 100_000

// spend counts n comparisons. Returns a 413 *scim.Error (tooMany) past
// maxWork.
func (a *applier) spend(n int) error {
	if a.work += n; a.work > maxWork {
		return scim.Errorf(http.StatusRequestEntityTooLarge, scim.TooMany,
			"the PATCH takes more than %d comparisons of values to apply; send fewer values in each request", maxWork)
	}
	return nil
}

func (a *applier) apply(op Op) error {
	kind := strings.ToLower(op.Op)
	switch kind {
	case opAdd, opRemove, opReplace:
	default:
		return scim.BadRequest(scim.InvalidSyntax, `unknown op %q; use "add", "remove" or "replace"`, op.Op)
	}
	if op.Path == nil {
		return a.pathless(kind, op.Value)
	}
	// A path into an extension the resource holds is split after its URN
	// (scim.AttrPath.Anchor): "urn:foo:bar" held is that extension whole.
	p := *op.Path
	p.Attr = p.Attr.Anchor(maps.Keys(a.res))
	return a.target(kind, &p, op.Value, true)
}

// pathless applies an operation without a path: each key of its value is
// applied as if it were the path (RFC 7644 §3.5.2.1 and §3.5.2.3). Keys are
// taken in sorted order so that overlapping keys ("name" and
// "name.givenName") give the same result every time.
func (a *applier) pathless(kind string, v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return scim.BadRequest(scim.InvalidValue, "%s without a path needs an object of attributes as its value, not %s", kind, scim.DescribeJSON(v))
	}
	urns := slices.Values(append(scim.DeclaredSchemas(obj), slices.Collect(maps.Keys(a.res))...))
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if isIgnoredKey(k) {
			continue
		}
		p, err := filter.ParsePath(k)
		if err != nil {
			return err
		}
		// The value is a resource body (RFC 7644 §3.5.2.1): its URN keys
		// read as in POST and PUT.
		if p.Filter == nil {
			p.Attr = scim.KeyPath(p.Attr, obj[k], urns)
		}
		if err := a.target(kind, p, obj[k], false); err != nil {
			return err
		}
	}
	return nil
}

// isIgnoredKey reports whether a key of a path-less value is one clients
// echo from the resource rather than change: Okta sends the id back.
func isIgnoredKey(k string) bool {
	return strings.EqualFold(k, "id") || strings.EqualFold(k, "schemas") || strings.EqualFold(k, "meta")
}

// target applies one operation to the attribute at p. explicit is false for
// targets named by the keys of a value rather than by the operation's path;
// those skip read-only attributes instead of failing.
func (a *applier) target(kind string, p *filter.Path, v any, explicit bool) error {
	ref, ok := a.rt.Resolve(p.Attr)
	if !ok {
		return a.rt.UnknownAttribute(scim.InvalidPath, p.Attr.String())
	}
	switch {
	case ref.Attr == groupMembers:
		return a.members.apply(kind, p, v, explicit)
	case p.Filter != nil:
		return a.filtered(kind, p, ref, v, explicit)
	case ref.Name == "":
		return a.extension(kind, ref, v)
	}
	if skip, err := skipped(ref, explicit); skip || err != nil {
		return err
	}
	if ref.Attr != nil && ref.Attr.MultiValued && ref.SubName == "" {
		return a.multi(kind, ref, v)
	}
	return a.single(kind, p, ref, v)
}

// skipped reports whether a target is dropped: the write-only password,
// which the bridge never stores, and read-only attributes named in a value.
// An explicit path to a read-only attribute is a mutability error (RFC 7644
// §3.5.2).
func skipped(ref scim.Ref, explicit bool) (bool, error) {
	if d := ref.Def(); d != nil && d.Returned == scim.Never {
		return true, nil
	}
	readOnly := ref.Attr != nil && ref.Attr.Mutability == scim.ReadOnly ||
		ref.Sub != nil && ref.Sub.Mutability == scim.ReadOnly
	if !readOnly {
		return false, nil
	}
	if explicit {
		name := ref.Name
		if ref.SubName != "" {
			name += "." + ref.SubName
		}
		return true, scim.BadRequest(scim.Mutability, "%q is read-only", name)
	}
	return true, nil
}

// single applies an operation to a singular attribute or a sub-attribute.
func (a *applier) single(kind string, p *filter.Path, ref scim.Ref, v any) error {
	if kind == opRemove {
		return scim.Set(a.res, ref, nil)
	}
	// add and replace both merge sub-attributes into a complex attribute,
	// with or without a path: sub-attributes the value does not name are
	// left unchanged (RFC 7644 §3.5.2.1, §3.5.2.3).
	if obj, ok := v.(map[string]any); ok && mergeable(ref) {
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			sub := &filter.Path{Attr: scim.AttrPath{URN: p.Attr.URN, Name: p.Attr.Name, Sub: k}}
			if err := a.target(kind, sub, obj[k], false); err != nil {
				return err
			}
		}
		return nil
	}
	return scim.Set(a.res, ref, v)
}

// mergeable reports whether ref is a singular complex attribute whose
// sub-attributes are set one by one. One with a value sub-attribute (the
// manager) is a reference: a new value replaces the old, so that a stale
// $ref or display name never survives a change of manager.
func mergeable(ref scim.Ref) bool {
	return ref.SubName == "" && ref.Attr != nil && ref.Attr.Type == scim.Complex &&
		!ref.Attr.MultiValued && ref.Attr.Sub("value") == nil
}

// extension applies an operation whose target is a whole extension schema,
// known or not: its value holds that schema's attributes, which add and
// replace apply one by one, as they do the sub-attributes of a complex
// attribute (RFC 7644 §3.5.2.3), so that attributes the value does not name
// are left unchanged. A "schemas" key in the value is ignored, as in a
// path-less value: clients that serialise an extension as a resource of its
// own put one there, and no extension has an attribute of that name.
func (a *applier) extension(kind string, ref scim.Ref, v any) error {
	key, _ := scim.LookupKey(a.res, ref.Schema)
	if kind == opRemove || v == nil {
		delete(a.res, key)
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return scim.BadRequest(scim.InvalidValue, "%q must hold an object of that schema's attributes, not %s", ref.Schema, scim.DescribeJSON(v))
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if strings.EqualFold(k, "schemas") {
			continue
		}
		p, err := filter.ParsePath(ref.Schema + ":" + k)
		if err != nil {
			return err
		}
		p.Attr = p.Attr.Anchor(slices.Values([]string{ref.Schema}))
		if err := a.target(kind, p, obj[k], false); err != nil {
			return err
		}
	}
	return nil
}

// clone returns a deep copy of a value decoded from JSON.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = clone(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = clone(e)
		}
		return s
	}
	return v
}
