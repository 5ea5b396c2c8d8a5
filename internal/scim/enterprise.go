package scim

// EnterpriseUser is the enterprise User extension (RFC 7643 §4.3, §8.7.1).
var EnterpriseUser = &Schema{
	ID:          EnterpriseUserSchema,
	Name:        "EnterpriseUser",
	Description: "Enterprise User",
	Attributes: []*Attribute{
		attr("employeeNumber", String, describe("Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.")),
		attr("costCenter", String, describe("Identifies the name of a cost center.")),
		attr("organization", String, describe("Identifies the name of an organization.")),
		attr("division", String, describe("Identifies the name of a division.")),
		attr("department", String, describe("Identifies the name of a department.")),
		attr("manager", Complex, describe("The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User."), subs(
			attr("value", String, caseExact, describe("The id of the SCIM resource representing the User's manager. REQUIRED.")),
			// The bridge computes $ref from the id, so a client's
			// (Entra sends a relative or null one) is not kept.
			attr("$ref", Reference, readOnly, refTypes("User"), describe("The URI of the SCIM resource representing the User's manager, computed from value.")),
			attr("displayName", String, readOnly, describe("The displayName of the User's manager. OPTIONAL and READ-ONLY.")),
		)),
	},
}
