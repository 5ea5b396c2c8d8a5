package directory

import (
	"fmt"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// Resource is a user or group as the service returns it: the parts of its
// representation, which the codec renders without decoding the attributes
// when no projection needs them, and Attrs, the representation as a map,
// which filters are matched against.
type Resource struct {
	codec.Resource

	attrs map[string]any
}

// ETag returns the resource's entity tag, a weak tag of its version.
func (r *Resource) ETag() string { return codec.ETag(r.Version) }

// Parts returns the parts the codec renders r from.
func (r *Resource) Parts() *codec.Resource { return &r.Resource }

// Attrs returns the full representation in canonical form (see
// codec.Resource.Attrs). Doc is decoded on the first call; the map is the
// caller's to change, and later calls return the same map.
func (r *Resource) Attrs() map[string]any {
	if r.attrs != nil {
		return r.attrs
	}
	// It cannot fail: resource checked that Doc is a valid JSON object.
	r.attrs, _ = r.Resource.Attrs()
	return r.attrs
}

// dropMembers forgets a group's members, read only to match a filter.
func (r *Resource) dropMembers() {
	r.Members = nil
	if r.attrs != nil {
		delete(r.attrs, "members")
	}
}

// ResourceOf returns the resource a stored record represents, without a
// user's groups or a group's members: what a change event carries
// (docs/events.md). It fails when the stored document is not a JSON object.
func ResourceOf(rec *Record) (*Resource, error) {
	rt := scim.Users
	if rec.Kind == KindGroup {
		rt = scim.Groups
	}
	bare := *rec
	bare.Groups = nil
	return resource(rt, &bare, nil)
}

// resource returns the resource of a record. members is nil when a group's
// members were not loaded. It fails when the stored document is not a JSON
// object, which Attrs and the HTTP layer rely on; checking costs no
// allocation, where decoding it here would cost every read.
func resource(rt *scim.ResourceType, rec *Record, members []string) (*Resource, error) {
	if !codec.ValidObject(rec.Doc) {
		return nil, fmt.Errorf("directory: decode %s %q: the stored document is not a JSON object", rec.Kind, rec.ID)
	}
	r := &Resource{Resource: codec.Resource{Type: rt, ID: rec.ID, Version: rec.Version,
		Created: rec.Created.UTC(), LastModified: rec.LastModified.UTC(), Doc: rec.Doc}}
	switch rec.Kind {
	case KindUser:
		r.Groups = rec.Groups
	case KindGroup:
		r.Members = members
	}
	return r, nil
}
