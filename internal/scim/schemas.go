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

// multiValuedSubs are the sub-attributes RFC 7643 §2.4 gives every
// multi-valued attribute, with the canonical types Entra sends.
func multiValuedSubs(valueType Type, types ...string) func(*Attribute) {
	return subs(
		attr("value", valueType),
		attr("display", String),
		attr("type", String, canonical(types...)),
		attr("primary", Boolean),
	)
}

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
// usually mapped.
func externalID() *Attribute {
	return attr("externalId", String, caseExact, serverUnique, describe("The provisioning client's identifier for the resource."))
}

// User is the core User schema (RFC 7643 §4.1), plus Sentry's top-level
// sentryOrgRole so that an Entra application configured for Sentry works
// unchanged.
var User = &Schema{
	ID:          UserSchema,
	Name:        "User",
	Description: "User Account",
	Attributes: []*Attribute{
		attr("userName", String, required, serverUnique, describe("Unique identifier for the User, typically used by the user to directly authenticate.")),
		externalID(),
		attr("name", Complex, subs(
			attr("formatted", String),
			attr("familyName", String),
			attr("givenName", String),
			attr("middleName", String),
			attr("honorificPrefix", String),
			attr("honorificSuffix", String),
		)),
		attr("displayName", String),
		attr("nickName", String),
		attr("profileUrl", Reference, refTypes("external")),
		attr("title", String),
		attr("userType", String),
		attr("preferredLanguage", String),
		attr("locale", String),
		attr("timezone", String),
		attr("active", Boolean),
		attr("password", String, never),
		attr("emails", Complex, multi, multiValuedSubs(String, "work", "home", "other")),
		attr("phoneNumbers", Complex, multi, multiValuedSubs(String, "work", "home", "mobile", "fax", "pager", "other")),
		attr("ims", Complex, multi, multiValuedSubs(String, "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo")),
		attr("photos", Complex, multi, multiValuedSubs(Reference, "photo", "thumbnail")),
		attr("addresses", Complex, multi, subs(
			attr("formatted", String),
			attr("streetAddress", String),
			attr("locality", String),
			attr("region", String),
			attr("postalCode", String),
			attr("country", String),
			attr("type", String, canonical("work", "home", "other")),
			attr("primary", Boolean),
		)),
		attr("groups", Complex, multi, readOnly, subs(
			attr("value", String, readOnly, caseExact),
			attr("$ref", Reference, readOnly, refTypes("Group")),
			attr("display", String, readOnly),
			attr("type", String, readOnly, canonical("direct", "indirect")),
		)),
		attr("entitlements", Complex, multi, multiValuedSubs(String)),
		attr("roles", Complex, multi, multiValuedSubs(String)),
		attr("x509Certificates", Complex, multi, multiValuedSubs(Binary)),
		attr("sentryOrgRole", String, describe("Sentry organization role, accepted for compatibility with Entra's Sentry application.")),
	},
}

// EnterpriseUser is the enterprise User extension (RFC 7643 §4.3).
var EnterpriseUser = &Schema{
	ID:          EnterpriseUserSchema,
	Name:        "EnterpriseUser",
	Description: "Enterprise User",
	Attributes: []*Attribute{
		attr("employeeNumber", String),
		attr("costCenter", String),
		attr("organization", String),
		attr("division", String),
		attr("department", String),
		attr("manager", Complex, subs(
			attr("value", String, caseExact),
			// The bridge computes $ref from the id, so a client's
			// (Entra sends a relative or null one) is not kept.
			attr("$ref", Reference, readOnly, refTypes("User")),
			attr("displayName", String, readOnly),
		)),
	},
}

// Group is the core Group schema (RFC 7643 §4.2).
var Group = &Schema{
	ID:          GroupSchema,
	Name:        "Group",
	Description: "Group",
	Attributes: []*Attribute{
		attr("displayName", String, required, serverUnique),
		externalID(),
		attr("members", Complex, multi, subs(
			attr("value", String, immutable, caseExact),
			attr("$ref", Reference, immutable, refTypes("User", "Group")),
			attr("display", String, readOnly),
			attr("type", String, immutable, canonical("User", "Group")),
		)),
	},
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
