package scim

// Schema URNs (RFC 7643 §8.7, RFC 7644 §3).
const (
	UserSchema                  = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupSchema                 = "urn:ietf:params:scim:schemas:core:2.0:Group"
	EnterpriseUserSchema        = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	ListResponseSchema          = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	PatchOpSchema               = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SearchRequestSchema         = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	SchemaSchema                = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	ResourceTypeSchema          = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	ServiceProviderConfigSchema = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
)

// Schema is a resource schema (RFC 7643 §7).
type Schema struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Attributes  []*Attribute `json:"attributes"`
}

// Attr returns the attribute with the given name, compared case-insensitively,
// or nil.
func (s *Schema) Attr(name string) *Attribute { return find(s.Attributes, name) }

// commonAttributes are id and meta (RFC 7643 §3.1): part of every resource,
// though no schema lists them.
var commonAttributes = []*Attribute{
	attr("id", String, caseExact, readOnly, always, serverUnique),
	attr("meta", Complex, readOnly, subs(
		attr("resourceType", String, caseExact, readOnly),
		attr("created", DateTime, readOnly),
		attr("lastModified", DateTime, readOnly),
		attr("location", Reference, readOnly, refTypes("uri")),
		attr("version", String, caseExact, readOnly),
	)),
}

// externalID is the common attribute externalId (RFC 7643 §3.1). Unlike id
// and meta it is listed in the User and Group schemas: Entra's gallery tests
// check that /Schemas covers every mapped attribute, and externalId is
// usually mapped. It is not unique (§3.1 makes no such demand, and Entra's
// default mapping repeats it across users; docs/entra.md §5.3).
func externalID() *Attribute {
	return attr("externalId", String, caseExact, describe("A String that is an identifier for the resource as defined by the provisioning client."))
}

// Users and Groups are the two resource types the bridge serves.
var (
	Users = &ResourceType{
		ID: "User", Name: "User", Endpoint: "/Users", Description: "User Account",
		Schema: User, Extensions: []*Schema{EnterpriseUser},
	}
	Groups = &ResourceType{
		ID: "Group", Name: "Group", Endpoint: "/Groups", Description: "Group",
		Schema: Group,
	}
)

// ResourceTypes lists the served resource types, in /ResourceTypes order.
var ResourceTypes = []*ResourceType{Users, Groups}

// Schemas lists the served schemas, in /Schemas order.
var Schemas = []*Schema{User, EnterpriseUser, Group}
