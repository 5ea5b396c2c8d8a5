package scim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Error types defined by RFC 7644 §3.12, carried in Error.ScimType.
const (
	InvalidFilter = "invalidFilter"
	TooMany       = "tooMany"
	Uniqueness    = "uniqueness"
	Mutability    = "mutability"
	InvalidSyntax = "invalidSyntax"
	InvalidPath   = "invalidPath"
	NoTarget      = "noTarget"
	InvalidValue  = "invalidValue"
	InvalidVers   = "invalidVers"
	Sensitive     = "sensitive"
)

// ErrorSchema is the URN of the SCIM error message (RFC 7644 §3.12).
const ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

// Error is a SCIM protocol error. It renders as the RFC 7644 §3.12 body, with
// status as a string, and is the only error type that reaches a client with
// its detail intact: every other error becomes a generic 500.
type Error struct {
	Status   int
	ScimType string
	Detail   string
	// RetryAfter, when positive, asks the client to retry after that many
	// seconds (429 and 503 answers).
	RetryAfter int
}

// Errorf returns an *Error with the given status, scimType and formatted detail.
func Errorf(status int, scimType, format string, args ...any) *Error {
	return &Error{Status: status, ScimType: scimType, Detail: fmt.Sprintf(format, args...)}
}

// BadRequest returns a 400 *Error with the given scimType.
func BadRequest(scimType, format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, scimType, format, args...)
}

// NotFound returns the 404 *Error for a resource of the given kind and id.
func NotFound(kind, id string) *Error {
	return Errorf(http.StatusNotFound, "", "%s %q not found", kind, id)
}

// Conflict returns the 409 uniqueness *Error.
func Conflict(format string, args ...any) *Error {
	return Errorf(http.StatusConflict, Uniqueness, format, args...)
}

// Unavailable returns a 503 *Error asking the client to retry after the given
// number of seconds.
func Unavailable(retryAfter int, format string, args ...any) *Error {
	e := Errorf(http.StatusServiceUnavailable, "", format, args...)
	e.RetryAfter = retryAfter
	return e
}

func (e *Error) Error() string {
	if e.ScimType != "" {
		return fmt.Sprintf("scim %d %s: %s", e.Status, e.ScimType, e.Detail)
	}
	return fmt.Sprintf("scim %d: %s", e.Status, e.Detail)
}

// MarshalJSON renders the RFC 7644 §3.12 error body.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Schemas  []string `json:"schemas"`
		Status   string   `json:"status"`
		ScimType string   `json:"scimType,omitempty"`
		Detail   string   `json:"detail,omitempty"`
	}{[]string{ErrorSchema}, strconv.Itoa(e.Status), e.ScimType, e.Detail})
}
