package codec

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// TimeLayout writes meta.created and meta.lastModified: RFC 3339 with
// milliseconds, the precision every store keeps.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Resource is a user or group in the parts its representation (RFC 7643
// §3) is rendered from: the values the service keeps itself, and the
// stored document of the other attributes.
type Resource struct {
	Type *scim.ResourceType
	ID   string
	// Version is the resource's version, whose entity tag is meta.version.
	Version int64
	// Created and LastModified are meta's times, in UTC.
	Created, LastModified time.Time
	// Doc is the canonical JSON object of the resource's attributes as
	// Append writes it: all but schemas, id, meta, a user's groups and a
	// group's members.
	Doc []byte
	// Groups are the ids of a user's groups; Members the ids of a group's
	// members when they were read, else nil.
	Groups, Members []string
}

// Attrs returns the representation of r in canonical form, without URLs:
// schemas, id, the document's attributes, meta (resourceType, created,
// lastModified, version) and a user's groups or a group's members as
// [{"value": id, "type": …}]. The map is the caller's. It returns
// ParseObject's error when Doc is not a JSON object.
func (r *Resource) Attrs() (map[string]any, error) {
	attrs, err := ParseObject(r.Doc)
	if err != nil {
		return nil, err
	}
	attrs["schemas"] = r.Type.SchemaURNs(attrs)
	attrs["id"] = r.ID
	attrs["meta"] = map[string]any{
		"resourceType": r.Type.Name,
		"created":      r.Created.Format(TimeLayout),
		"lastModified": r.LastModified.Format(TimeLayout),
		"version":      ETag(r.Version),
	}
	if len(r.Groups) > 0 {
		attrs["groups"] = refs(r.Groups, "direct")
	}
	if len(r.Members) > 0 {
		attrs["members"] = refs(r.Members, "User")
	}
	return attrs, nil
}

func refs(ids []string, typ string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"value": id, "type": typ}
	}
	return out
}

// ETag returns the entity tag of a resource version (RFC 7644 §3.14), its
// meta.version: weak, since the representation varies with the projection
// asked for.
func ETag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// appendETag appends ETag(version) as a JSON string, without building it.
func appendETag(dst []byte, version int64) []byte {
	dst = append(dst, `"W/\"`...)
	dst = strconv.AppendInt(dst, version, 10)
	return append(dst, `\""`...)
}

// Location returns the URL of the resource of type rt with the given id
// under base, the service's root URL (scheme, host and base path): its
// meta.location, and the Location header of a 201 (RFC 7644 §3.3).
func Location(base string, rt *scim.ResourceType, id string) string {
	return base + rt.Endpoint + "/" + url.PathEscape(id)
}

// AppendResource appends the JSON representation of r that proj selects
// (RFC 7644 §3.4.2.5), with meta.location and the $ref of groups, members
// and the enterprise manager: URLs under base (see Location). When proj
// keeps each attribute whole or not at all, which is every request Entra
// sends, it is written from r's parts, the document's members copied as
// they are; else from Attrs, projected by proj.Apply. It returns an error,
// having appended nothing, when Doc is not a JSON object or holds a value
// Append cannot encode.
func AppendResource(dst []byte, base string, r *Resource, proj *scim.Projection) ([]byte, error) {
	if out, ok := appendParts(dst, base, r, proj); ok {
		return out, nil
	}
	attrs, err := r.linked(base)
	if err == nil {
		var out []byte
		if out, err = Append(dst, proj.Apply(attrs)); err == nil {
			return out, nil
		}
	}
	return dst, fmt.Errorf("codec: render %s %q: %w", r.Type.Name, r.ID, err)
}

// linked returns Attrs with meta.location and the $ref of members, groups
// and manager added: the representation appendParts writes.
func (r *Resource) linked(base string) (map[string]any, error) {
	attrs, err := r.Attrs()
	if err != nil {
		return nil, err
	}
	if meta, ok := attrs["meta"].(map[string]any); ok {
		meta["location"] = Location(base, r.Type, r.ID)
	}
	addRefs(base, attrs["members"], scim.Users)
	addRefs(base, attrs["groups"], scim.Groups)
	if ext, ok := attrs[scim.EnterpriseUserSchema].(map[string]any); ok {
		if m, ok := ext["manager"].(map[string]any); ok {
			if id, ok := m["value"].(string); ok && id != "" {
				m["$ref"] = Location(base, scim.Users, id)
			}
		}
	}
	return attrs, nil
}

// addRefs sets the $ref of each {"value": id} element of a members or
// groups list; a member's "type" says whether it is a User or a Group.
func addRefs(base string, list any, rt *scim.ResourceType) {
	items, _ := list.([]any)
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		id, ok := m["value"].(string)
		if !ok || id == "" {
			continue
		}
		target := rt
		if t, _ := m["type"].(string); t == scim.Groups.Name {
			target = scim.Groups
		}
		m["$ref"] = Location(base, target, id)
	}
}
