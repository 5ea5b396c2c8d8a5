package entra

import (
	"fmt"
	"regexp"
	"strings"
)

// Schema URNs Entra writes (RFC 7643 §8.7, §4.3; docs/entra.md §2.2,
// §4.2).
const (
	UserSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	GroupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	// MicrosoftGroupSchema is the extra schema URI Entra puts in a group's
	// POST body.
	MicrosoftGroupSchema = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
	listSchema           = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
)

// User is a user as Entra sends it after its attribute mappings: the value
// of every SCIM attribute its default mappings (and the docs' mapping
// tables) write, "" for none. The manager, a reference, is provisioned
// apart from the other attributes (see Dialect.Manager).
type User struct {
	UserName, ExternalID string
	Active               bool
	DisplayName          string
	GivenName            string
	FamilyName           string
	Formatted            string // name.formatted
	NickName             string
	Title                string
	PreferredLanguage    string
	WorkEmail            string
	OtherEmail           string
	WorkPhone            string
	MobilePhone          string
	Fax                  string
	StreetAddress        string // of the work address, like the rest
	Locality             string
	Region               string
	PostalCode           string
	Country              string
	FormattedAddress     string
	Department           string
	EmployeeNumber       string
	CostCenter           string
	Organization         string
	Division             string
}

// attribute is one string attribute of User with the path Entra writes.
type attribute struct {
	path  string
	field func(*User) *string
}

// filtered reports whether the path selects an element of a multi-valued
// attribute by a value filter, which the flag dialect keeps as its own op.
func (a attribute) filtered() bool { return strings.Contains(a.path, "[") }

// userAttributes are User's string attributes, in the order Entra's
// mapping table lists them.
var userAttributes = []attribute{
	{"userName", func(u *User) *string { return &u.UserName }},
	{"externalId", func(u *User) *string { return &u.ExternalID }},
	{"displayName", func(u *User) *string { return &u.DisplayName }},
	{"name.givenName", func(u *User) *string { return &u.GivenName }},
	{"name.familyName", func(u *User) *string { return &u.FamilyName }},
	{"name.formatted", func(u *User) *string { return &u.Formatted }},
	{"nickName", func(u *User) *string { return &u.NickName }},
	{"title", func(u *User) *string { return &u.Title }},
	{"preferredLanguage", func(u *User) *string { return &u.PreferredLanguage }},
	{`emails[type eq "work"].value`, func(u *User) *string { return &u.WorkEmail }},
	{`emails[type eq "other"].value`, func(u *User) *string { return &u.OtherEmail }},
	{`phoneNumbers[type eq "work"].value`, func(u *User) *string { return &u.WorkPhone }},
	{`phoneNumbers[type eq "mobile"].value`, func(u *User) *string { return &u.MobilePhone }},
	{`phoneNumbers[type eq "fax"].value`, func(u *User) *string { return &u.Fax }},
	{`addresses[type eq "work"].streetAddress`, func(u *User) *string { return &u.StreetAddress }},
	{`addresses[type eq "work"].locality`, func(u *User) *string { return &u.Locality }},
	{`addresses[type eq "work"].region`, func(u *User) *string { return &u.Region }},
	{`addresses[type eq "work"].postalCode`, func(u *User) *string { return &u.PostalCode }},
	{`addresses[type eq "work"].country`, func(u *User) *string { return &u.Country }},
	{`addresses[type eq "work"].formatted`, func(u *User) *string { return &u.FormattedAddress }},
	{EnterpriseSchema + ":department", func(u *User) *string { return &u.Department }},
	{EnterpriseSchema + ":employeeNumber", func(u *User) *string { return &u.EmployeeNumber }},
	{EnterpriseSchema + ":costCenter", func(u *User) *string { return &u.CostCenter }},
	{EnterpriseSchema + ":organization", func(u *User) *string { return &u.Organization }},
	{EnterpriseSchema + ":division", func(u *User) *string { return &u.Division }},
}

// Body returns the user as Entra POSTs it (docs/entra.md §2.2): both
// schemas, every attribute with a value, the work email marked primary,
// active, and Entra's client-side meta and empty roles.
func (u User) Body() map[string]any {
	body := u.Attributes()
	body["schemas"] = []any{UserSchema, EnterpriseSchema}
	body["meta"] = map[string]any{"resourceType": "User"}
	body["roles"] = []any{}
	return body
}

// Attributes returns the user's attributes in the canonical form the
// bridge stores and returns them: active, every attribute with a value, the
// work email marked primary, extension attributes in an object keyed by the
// extension's URN.
func (u User) Attributes() map[string]any {
	res := map[string]any{"active": u.Active}
	for _, a := range userAttributes {
		if v := *a.field(&u); v != "" {
			put(res, a.path, v)
		}
	}
	if emails, ok := res["emails"].([]any); ok {
		for _, e := range emails {
			if e := e.(map[string]any); e["type"] == "work" {
				e["primary"] = true
			}
		}
	}
	return res
}

// UserOf returns the User a resource holds and the id of its manager ("" for
// none): what Entra compares its source with after a match. Values that are
// not strings are formatted as JSON would show them.
func UserOf(res map[string]any) (User, string) {
	var u User
	for _, a := range userAttributes {
		if v := get(res, a.path); v != nil {
			*a.field(&u) = fmt.Sprint(v)
		}
	}
	switch active := res["active"].(type) {
	case bool:
		u.Active = active
	case string:
		u.Active = strings.EqualFold(active, "true")
	}
	manager, _ := get(res, managerPath+".value").(string)
	return u, manager
}

// valuePath is a path that selects an element by type:
// emails[type eq "work"].value.
var valuePath = regexp.MustCompile(`^(\w+)\[type eq "(\w+)"\]\.(\w+)$`)

// split returns the parts of one of User's paths: the container (the
// resource or an extension URN), the attribute, the type selecting an
// element ("" for none) and the sub-attribute ("" for none).
func split(path string) (urn, attr, typ, sub string) {
	if strings.HasPrefix(path, "urn:") {
		i := strings.LastIndex(path, ":")
		urn, path = path[:i], path[i+1:]
	}
	if m := valuePath.FindStringSubmatch(path); m != nil {
		return urn, m[1], m[2], m[3]
	}
	attr, sub, _ = strings.Cut(path, ".")
	return urn, attr, "", sub
}

// put sets path in res, creating the objects and elements it needs.
func put(res map[string]any, path string, v any) {
	urn, attr, typ, sub := split(path)
	if urn != "" {
		ext, _ := res[urn].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			res[urn] = ext
		}
		res = ext
	}
	switch {
	case typ != "":
		list, _ := res[attr].([]any)
		var elem map[string]any
		for _, e := range list {
			if e := e.(map[string]any); e["type"] == typ {
				elem = e
			}
		}
		if elem == nil {
			elem = map[string]any{"type": typ}
			res[attr] = append(list, elem)
		}
		elem[sub] = v
	case sub != "":
		obj, _ := res[attr].(map[string]any)
		if obj == nil {
			obj = map[string]any{}
			res[attr] = obj
		}
		obj[sub] = v
	default:
		res[attr] = v
	}
}

// get returns the value at path in res, or nil. Types compare ignoring
// case, as the bridge's filters do.
func get(res map[string]any, path string) any {
	urn, attr, typ, sub := split(path)
	if urn != "" {
		res, _ = res[urn].(map[string]any)
	}
	switch v := res[attr].(type) {
	case []any:
		if typ == "" {
			return nil
		}
		for _, e := range v {
			if e, ok := e.(map[string]any); ok {
				if t, _ := e["type"].(string); strings.EqualFold(t, typ) {
					return e[sub]
				}
			}
		}
	case map[string]any:
		if sub != "" {
			return v[sub]
		}
	default:
		if typ == "" && sub == "" {
			return v
		}
	}
	return nil
}
