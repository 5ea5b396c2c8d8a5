package directory

import (
	"fmt"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

func kindOf(rt *scim.ResourceType) Kind {
	if rt == scim.Groups {
		return KindGroup
	}
	return KindUser
}

// record builds the stored form of attrs (canonical, without id, meta,
// groups or members). It returns a 400 *scim.Error when a required attribute
// is missing, an indexed value is not storable (checkKeys) or the document
// exceeds MaxDocBytes.
func record(rt *scim.ResourceType, id string, attrs map[string]any) (*Record, error) {
	rec := &Record{Kind: kindOf(rt), ID: id}
	str := func(name string) string { s, _ := attrs[name].(string); return s }
	rec.Keys.ExternalID = str("externalId")
	switch rec.Kind {
	case KindUser:
		if str("userName") == "" {
			return nil, scim.BadRequest(scim.InvalidValue, "userName is required")
		}
		rec.Keys.UserName = scim.Fold(str("userName"))
		rec.Keys.Email = scim.Fold(workEmail(attrs))
	case KindGroup:
		if str("displayName") == "" {
			return nil, scim.BadRequest(scim.InvalidValue, "displayName is required")
		}
		rec.Keys.DisplayName = scim.Fold(str("displayName"))
	}
	if err := checkKeys(rec.Keys); err != nil {
		return nil, err
	}
	doc, err := codec.Append(nil, attrs)
	if err != nil {
		return nil, fmt.Errorf("directory: encode %s %q: %w", rec.Kind, id, err)
	}
	if len(doc) > MaxDocBytes {
		return nil, scim.BadRequest(scim.InvalidValue, "the %s is %d bytes long as stored; at most %d are allowed", rt.Name, len(doc), MaxDocBytes)
	}
	rec.Doc = doc
	return rec, nil
}

// workEmail returns the value of the first email typed "work": the value
// Entra matches with emails[type eq "work"].value, and the one the email
// index holds.
func workEmail(attrs map[string]any) string {
	emails, _ := attrs["emails"].([]any)
	for _, e := range emails {
		m, _ := e.(map[string]any)
		if t, _ := m["type"].(string); strings.EqualFold(t, "work") {
			v, _ := m["value"].(string)
			return v
		}
	}
	return ""
}

// attrsOf decodes a record's document into canonical form.
func attrsOf(rec *Record) (map[string]any, error) {
	attrs, err := codec.ParseObject(rec.Doc)
	if err != nil {
		return nil, fmt.Errorf("directory: decode %s %q: %w", rec.Kind, rec.ID, err)
	}
	return attrs, nil
}

// now returns the service's clock truncated to the millisecond precision
// that stores keep, so a returned resource equals the stored one.
func (s *Service) nowMilli() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
