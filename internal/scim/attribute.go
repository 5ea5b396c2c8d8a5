package scim

import "strings"

// Type is an attribute's data type (RFC 7643 §2.3).
type Type string

// The attribute data types of RFC 7643 §2.3.
const (
	String    Type = "string"
	Boolean   Type = "boolean"
	Decimal   Type = "decimal"
	Integer   Type = "integer"
	DateTime  Type = "dateTime"
	Binary    Type = "binary"
	Reference Type = "reference"
	Complex   Type = "complex"
)

// MutabilityRule says whether and when a client may set an attribute (RFC 7643 §7).
type MutabilityRule string

// The mutability values of RFC 7643 §7.
const (
	ReadOnly  MutabilityRule = "readOnly"
	ReadWrite MutabilityRule = "readWrite"
	Immutable MutabilityRule = "immutable"
	WriteOnly MutabilityRule = "writeOnly"
)

// Returned says when an attribute appears in a response (RFC 7643 §7).
type Returned string

// The returned values of RFC 7643 §7.
const (
	Always  Returned = "always"
	Never   Returned = "never"
	Default Returned = "default"
	Request Returned = "request"
)

// Attribute is one attribute definition of a schema (RFC 7643 §7). The same
// value drives /Schemas, name resolution, type coercion, mutability and
// projection, so the bridge cannot advertise one thing and do another.
type Attribute struct {
	Name            string         `json:"name"`
	Type            Type           `json:"type"`
	MultiValued     bool           `json:"multiValued"`
	Description     string         `json:"description"`
	Required        bool           `json:"required"`
	CanonicalValues []string       `json:"canonicalValues,omitempty"`
	CaseExact       bool           `json:"caseExact"`
	Mutability      MutabilityRule `json:"mutability"`
	Returned        Returned       `json:"returned"`
	Uniqueness      string         `json:"uniqueness"`
	ReferenceTypes  []string       `json:"referenceTypes,omitempty"`
	SubAttributes   []*Attribute   `json:"subAttributes,omitempty"`

	// appRoles says that elements arrive as Entra's app role expressions
	// send them (see appRole); only User's roles do.
	appRoles bool
}

// Sub returns the sub-attribute with the given name, compared
// case-insensitively (RFC 7643 §2.1), or nil.
func (a *Attribute) Sub(name string) *Attribute {
	return find(a.SubAttributes, name)
}

func find(attrs []*Attribute, name string) *Attribute {
	for _, s := range attrs {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// attribute builders keep the schema tables below readable.

func attr(name string, t Type, opts ...func(*Attribute)) *Attribute {
	a := &Attribute{Name: name, Type: t, Mutability: ReadWrite, Returned: Default, Uniqueness: "none"}
	if t == String || t == Reference || t == Binary {
		a.CaseExact = t != String
	}
	for _, o := range opts {
		o(a)
	}
	return a
}

func multi(a *Attribute) { a.MultiValued = true }

func required(a *Attribute) { a.Required = true }

func caseExact(a *Attribute) { a.CaseExact = true }

func readOnly(a *Attribute) { a.Mutability = ReadOnly }

func immutable(a *Attribute) { a.Mutability = Immutable }

func always(a *Attribute) { a.Returned = Always }

func never(a *Attribute) { a.Returned = Never; a.Mutability = WriteOnly }

func serverUnique(a *Attribute) { a.Uniqueness = "server" }

func entraAppRoles(a *Attribute) { a.appRoles = true }

func describe(d string) func(*Attribute) { return func(a *Attribute) { a.Description = d } }

func canonical(v ...string) func(*Attribute) {
	return func(a *Attribute) { a.CanonicalValues = v }
}

func refTypes(v ...string) func(*Attribute) {
	return func(a *Attribute) { a.ReferenceTypes = v }
}

func subs(s ...*Attribute) func(*Attribute) {
	return func(a *Attribute) { a.SubAttributes = s }
}
