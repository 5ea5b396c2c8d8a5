package scim

// Group is the core Group schema (RFC 7643 §4.2, §8.7.1), plus externalId
// (see externalID).
var Group = &Schema{
	ID:          GroupSchema,
	Name:        "Group",
	Description: "Group",
	Attributes: []*Attribute{
		attr("displayName", String, required, serverUnique, describe("A human-readable name for the Group. REQUIRED.")),
		externalID(),
		attr("members", Complex, multi, describe("A list of members of the Group."), subs(
			attr("value", String, immutable, caseExact, describe("Identifier of the member of this Group.")),
			attr("$ref", Reference, immutable, refTypes("User", "Group"), describe("The URI corresponding to a SCIM resource that is a member of this Group.")),
			display(readOnly),
			attr("type", String, immutable, canonical("User", "Group"), describe("A label indicating the type of resource, e.g., 'User' or 'Group'.")),
		)),
	},
}
