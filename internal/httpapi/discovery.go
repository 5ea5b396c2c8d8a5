package httpapi

import (
	"net/http"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// Discovery ignores query parameters: RFC 7644 §4 lets a service provider
// do so, and filtering three schemas helps no one.

type meta struct {
	ResourceType string `json:"resourceType"`
	Location     string `json:"location"`
}

type supported struct {
	Supported bool `json:"supported"`
}

type serviceProviderConfig struct {
	Schemas               []string     `json:"schemas"`
	Patch                 supported    `json:"patch"`
	Bulk                  bulk         `json:"bulk"`
	Filter                filterConfig `json:"filter"`
	ChangePassword        supported    `json:"changePassword"`
	Sort                  supported    `json:"sort"`
	ETag                  supported    `json:"etag"`
	AuthenticationSchemes []authScheme `json:"authenticationSchemes"`
	Meta                  meta         `json:"meta"`
}

type bulk struct {
	Supported      bool `json:"supported"`
	MaxOperations  int  `json:"maxOperations"`
	MaxPayloadSize int  `json:"maxPayloadSize"`
}

type filterConfig struct {
	Supported  bool `json:"supported"`
	MaxResults int  `json:"maxResults"`
}

type authScheme struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	SpecURI     string `json:"specUri"`
	Primary     bool   `json:"primary"`
}

// serviceProviderConfig serves GET /ServiceProviderConfig (RFC 7643 §5):
// PATCH and filters supported, no bulk, sort or password change, ETags
// honoured in If-Match and If-None-Match but never required.
func (h *handler) serviceProviderConfig(_ *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	l := newLinks(r, h.base)
	return writeJSON(w, http.StatusOK, serviceProviderConfig{
		Schemas: []string{scim.ServiceProviderConfigSchema},
		Patch:   supported{true},
		Bulk:    bulk{MaxPayloadSize: maxBodyBytes},
		Filter:  filterConfig{Supported: true, MaxResults: maxResults},
		ETag:    supported{true},
		AuthenticationSchemes: []authScheme{{
			Type:        "oauthbearertoken",
			Name:        "OAuth Bearer Token",
			Description: "The Secret Token, sent as Authorization: Bearer <token>.",
			SpecURI:     "https://www.rfc-editor.org/info/rfc6750",
			Primary:     true,
		}},
		Meta: meta{"ServiceProviderConfig", l.at("/ServiceProviderConfig")},
	})
}

// schemaDoc is a schema as a resource of /Schemas (RFC 7643 §7).
type schemaDoc struct {
	Schemas []string `json:"schemas"`
	*scim.Schema
	Meta meta `json:"meta"`
}

func schemaResource(l links, s *scim.Schema) schemaDoc {
	return schemaDoc{[]string{scim.SchemaSchema}, s, meta{"Schema", l.at("/Schemas/" + s.ID)}}
}

// schemas serves GET /Schemas (RFC 7644 §4): every served schema, with the
// same attribute definitions that drive parsing and projection.
func (h *handler) schemas(_ *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	l := newLinks(r, h.base)
	out := make([]any, len(scim.Schemas))
	for i, s := range scim.Schemas {
		out[i] = schemaResource(l, s)
	}
	return writeJSON(w, http.StatusOK, newListResponse(len(out), 1, out))
}

// schema serves GET /Schemas/{id}, the id being a schema URN matched in any
// case. Returns a 404 *scim.Error for an unknown schema.
func (h *handler) schema(_ *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Schema")
	if err != nil {
		return err
	}
	for _, s := range scim.Schemas {
		if strings.EqualFold(s.ID, id) {
			return writeJSON(w, http.StatusOK, schemaResource(newLinks(r, h.base), s))
		}
	}
	return scim.NotFound("Schema", id)
}

type resourceTypeDoc struct {
	Schemas          []string          `json:"schemas"`
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Endpoint         string            `json:"endpoint"`
	Description      string            `json:"description"`
	Schema           string            `json:"schema"`
	SchemaExtensions []schemaExtension `json:"schemaExtensions"`
	Meta             meta              `json:"meta"`
}

type schemaExtension struct {
	Schema   string `json:"schema"`
	Required bool   `json:"required"`
}

func resourceTypeResource(l links, rt *scim.ResourceType) resourceTypeDoc {
	d := resourceTypeDoc{
		Schemas:     []string{scim.ResourceTypeSchema},
		ID:          rt.ID,
		Name:        rt.Name,
		Endpoint:    rt.Endpoint,
		Description: rt.Description,
		Schema:      rt.Schema.ID,
		// An empty list rather than none: RFC 7643 §8.7.2 marks
		// schemaExtensions required, §6 optional, and §2.5 makes the two
		// the same, so clients that build models from the document find
		// a list either way.
		SchemaExtensions: []schemaExtension{},
		Meta:             meta{"ResourceType", l.at("/ResourceTypes/" + rt.ID)},
	}
	// No extension is required: a user without enterprise data is valid.
	for _, e := range rt.Extensions {
		d.SchemaExtensions = append(d.SchemaExtensions, schemaExtension{Schema: e.ID})
	}
	return d
}

// resourceTypes serves GET /ResourceTypes (RFC 7644 §4).
func (h *handler) resourceTypes(_ *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	l := newLinks(r, h.base)
	out := make([]any, len(scim.ResourceTypes))
	for i, rt := range scim.ResourceTypes {
		out[i] = resourceTypeResource(l, rt)
	}
	return writeJSON(w, http.StatusOK, newListResponse(len(out), 1, out))
}

// resourceType serves GET /ResourceTypes/{id} ("User" or "Group", in any
// case). Returns a 404 *scim.Error for an unknown resource type.
func (h *handler) resourceType(_ *scim.ResourceType, w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "ResourceType")
	if err != nil {
		return err
	}
	for _, rt := range scim.ResourceTypes {
		if strings.EqualFold(rt.ID, id) {
			return writeJSON(w, http.StatusOK, resourceTypeResource(newLinks(r, h.base), rt))
		}
	}
	return scim.NotFound("ResourceType", id)
}
