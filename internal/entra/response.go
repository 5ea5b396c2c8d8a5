package entra

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Response is the answer to one request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Object decodes the body as a JSON object, numbers as json.Number.
func (r *Response) Object() (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the %d answer is not a JSON object: %w", r.Status, err)
	}
	return m, nil
}

// StatusError is an answer whose status the operation did not expect:
// what Entra's provisioning logs show as the "Web Response".
type StatusError struct {
	Method, Target string
	Status         int
	// ScimType and Detail come from a SCIM error body (RFC 7644 §3.12);
	// Detail holds the start of any other body.
	ScimType, Detail string
}

// Error says which request got which answer.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s %s: status %d", e.Method, e.Target, e.Status)
	if e.ScimType != "" {
		s += " (" + e.ScimType + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// expect returns nil if res's status is one of want, else a *StatusError.
func expect(method, target string, res *Response, want ...int) error {
	if slices.Contains(want, res.Status) {
		return nil
	}
	e := &StatusError{Method: method, Target: target, Status: res.Status}
	if m, err := res.Object(); err == nil {
		e.ScimType, _ = m["scimType"].(string)
		e.Detail, _ = m["detail"].(string)
	} else {
		e.Detail = strings.TrimSpace(string(res.Body[:min(len(res.Body), 200)]))
	}
	return e
}

// List is a ListResponse (RFC 7644 §3.4.2).
type List struct {
	TotalResults int
	Resources    []map[string]any
}

// decodeList decodes a ListResponse, checking its schema and that
// totalResults covers the resources returned.
func decodeList(res *Response) (*List, error) {
	var l struct {
		Schemas      []string         `json:"schemas"`
		TotalResults *int             `json:"totalResults"`
		Resources    []map[string]any `json:"Resources"`
	}
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.UseNumber()
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("not a ListResponse: %w", err)
	}
	if len(l.Schemas) != 1 || l.Schemas[0] != listSchema || l.TotalResults == nil {
		return nil, fmt.Errorf("not a ListResponse: schemas %v, totalResults %v", l.Schemas, l.TotalResults)
	}
	if *l.TotalResults < len(l.Resources) {
		return nil, fmt.Errorf("a ListResponse with totalResults %d and %d resources", *l.TotalResults, len(l.Resources))
	}
	return &List{TotalResults: *l.TotalResults, Resources: l.Resources}, nil
}

// idOf returns a resource's id, or an error naming what answered without one.
func idOf(res map[string]any, what string) (string, error) {
	id, _ := res["id"].(string)
	if id == "" {
		return "", fmt.Errorf("%s: the answer has no id", what)
	}
	return id, nil
}
