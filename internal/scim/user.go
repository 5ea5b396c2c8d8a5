package scim

// User is the core User schema (RFC 7643 §4.1, §8.7.1), plus externalId
// (see externalID) and Sentry's top-level sentryOrgRole, so that an Entra
// application configured for Sentry works unchanged. Descriptions follow
// the RFC's.
var User = &Schema{
	ID:          UserSchema,
	Name:        "User",
	Description: "User Account",
	Attributes: []*Attribute{
		attr("userName", String, required, serverUnique, describe("Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value. This identifier MUST be unique across the service provider's entire set of Users. REQUIRED.")),
		externalID(),
		attr("name", Complex, describe("The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both. If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined."), subs(
			attr("formatted", String, describe("The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III').")),
			attr("familyName", String, describe("The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III').")),
			attr("givenName", String, describe("The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III').")),
			attr("middleName", String, describe("The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III').")),
			attr("honorificPrefix", String, describe("The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III').")),
			attr("honorificSuffix", String, describe("The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III').")),
		)),
		attr("displayName", String, describe("The name of the User, suitable for display to end-users. The name SHOULD be the full name of the User being described, if known.")),
		attr("nickName", String, describe("The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'. This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge').")),
		attr("profileUrl", Reference, refTypes("external"), describe("A fully qualified URL pointing to a page representing the User's online profile.")),
		attr("title", String, describe("The user's title, such as \"Vice President.\"")),
		attr("userType", String, describe("Used to identify the relationship between the organization and the user. Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used.")),
		attr("preferredLanguage", String, describe("Indicates the User's preferred written or spoken language. Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US.")),
		attr("locale", String, describe("Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations.")),
		attr("timezone", String, describe("The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'.")),
		attr("active", Boolean, describe("A Boolean value indicating the User's administrative status.")),
		attr("password", String, never, describe("The User's cleartext password. This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password. The bridge accepts it and never stores it.")),
		attr("emails", Complex, multi, describe("Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'."), subs(
			attr("value", String, describe("Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.")),
			display(),
			label("A label indicating the attribute's function, e.g., 'work' or 'home'.", "work", "home", "other"),
			primary("mailing address or primary email address"),
		)),
		attr("phoneNumbers", Complex, multi, describe("Phone numbers for the User. The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'."), subs(
			attr("value", String, describe("Phone number of the User.")),
			display(),
			label("A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.", "work", "home", "mobile", "fax", "pager", "other"),
			primary("phone number or primary phone number"),
		)),
		attr("ims", Complex, multi, describe("Instant messaging addresses for the User."), subs(
			attr("value", String, describe("Instant messaging address for the User.")),
			display(),
			label("A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.", "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"),
			primary("messenger or primary messenger"),
		)),
		attr("photos", Complex, multi, describe("URLs of photos of the User."), subs(
			attr("value", Reference, refTypes("external"), describe("URL of a photo of the User.")),
			display(),
			label("A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.", "photo", "thumbnail"),
			primary("photo or thumbnail"),
		)),
		attr("addresses", Complex, multi, describe("A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'. This attribute is a complex type with the following sub-attributes."), subs(
			attr("formatted", String, describe("The full mailing address, formatted for display or use with a mailing label. This attribute MAY contain newlines.")),
			attr("streetAddress", String, describe("The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information. This attribute MAY contain newlines.")),
			attr("locality", String, describe("The city or locality component.")),
			attr("region", String, describe("The state or region component.")),
			attr("postalCode", String, describe("The zip code or postal code component.")),
			attr("country", String, describe("The country name component.")),
			label("A label indicating the attribute's function, e.g., 'work' or 'home'.", "work", "home", "other"),
			// RFC 7643 §8.7.1 lists no primary, but §2.4 gives every
			// multi-valued attribute one, §8.2's example sends it, and so
			// does Entra.
			primary("mailing address"),
		)),
		attr("groups", Complex, multi, readOnly, describe("A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated."), subs(
			attr("value", String, readOnly, caseExact, describe("The identifier of the User's group.")),
			attr("$ref", Reference, readOnly, refTypes("Group"), describe("The URI of the corresponding 'Group' resource to which the user belongs.")),
			display(readOnly),
			attr("type", String, readOnly, canonical("direct", "indirect"), describe("A label indicating the attribute's function, e.g., 'direct' or 'indirect'.")),
		)),
		attr("entitlements", Complex, multi, describe("A list of entitlements for the User that represent a thing the User has."), subs(
			attr("value", String, describe("The value of an entitlement.")),
			display(),
			label("A label indicating the attribute's function."),
			primary(""),
		)),
		attr("roles", Complex, multi, entraAppRoles, describe("A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'."), subs(
			attr("value", String, describe("The value of a role.")),
			display(),
			label("A label indicating the attribute's function."),
			primary(""),
		)),
		attr("x509Certificates", Complex, multi, describe("A list of certificates issued to the User."), subs(
			attr("value", Binary, describe("The value of an X.509 certificate.")),
			display(),
			label("A label indicating the attribute's function."),
			primary(""),
		)),
		attr("sentryOrgRole", String, describe("Sentry organization role, accepted for compatibility with Entra's Sentry application.")),
	},
}

// display is the display sub-attribute of a multi-valued attribute
// (RFC 7643 §2.4).
func display(opts ...func(*Attribute)) *Attribute {
	return attr("display", String, append(opts, describe("A human-readable name, primarily used for display purposes."))...)
}

// label is the type sub-attribute of a multi-valued attribute (RFC 7643
// §2.4), with its canonical values.
func label(description string, values ...string) *Attribute {
	return attr("type", String, canonical(values...), describe(description))
}

// primary is the primary sub-attribute of a multi-valued attribute
// (RFC 7643 §2.4); example names what the primary value is, if anything.
func primary(example string) *Attribute {
	d := "A Boolean value indicating the 'primary' or preferred attribute value for this attribute"
	if example != "" {
		d += ", e.g., the preferred " + example
	}
	return attr("primary", Boolean, describe(d+". The primary attribute value 'true' MUST appear no more than once."))
}
