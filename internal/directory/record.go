package directory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// timeFormat renders meta times: RFC 3339 in UTC with milliseconds, the
// precision every store keeps.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func kindOf(rt *scim.ResourceType) Kind {
	if rt == scim.Groups {
		return KindGroup
	}
	return KindUser
}

// record builds the stored form of attrs (canonical, without id, meta,
// groups or members). It returns a 400 *scim.Error when a required attribute
// is missing.
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
	doc, err := json.Marshal(attrs)
	if err != nil {
		return nil, fmt.Errorf("directory: encode %s %q: %w", rec.Kind, id, err)
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
	attrs := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(rec.Doc))
	dec.UseNumber()
	if err := dec.Decode(&attrs); err != nil {
		return nil, fmt.Errorf("directory: decode %s %q: %w", rec.Kind, rec.ID, err)
	}
	return attrs, nil
}

// resource builds the full representation of a record. members is nil when
// a group's members were not loaded.
func resource(rt *scim.ResourceType, rec *Record, members []string) (*Resource, error) {
	attrs, err := attrsOf(rec)
	if err != nil {
		return nil, err
	}
	attrs["schemas"] = rt.SchemaURNs(attrs)
	attrs["id"] = rec.ID
	attrs["meta"] = map[string]any{
		"resourceType": rt.Name,
		"created":      rec.Created.UTC().Format(timeFormat),
		"lastModified": rec.LastModified.UTC().Format(timeFormat),
		"version":      ETag(rec.Version),
	}
	if rec.Kind == KindUser && len(rec.Groups) > 0 {
		attrs["groups"] = refs(rec.Groups, "direct")
	}
	if rec.Kind == KindGroup && len(members) > 0 {
		attrs["members"] = refs(members, "User")
	}
	return &Resource{Type: rt, ID: rec.ID, Version: rec.Version, Attrs: attrs}, nil
}

func refs(ids []string, typ string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"value": id, "type": typ}
	}
	return out
}

// now returns the service's clock truncated to the millisecond precision
// that stores keep, so a returned resource equals the stored one.
func (s *Service) nowMilli() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
