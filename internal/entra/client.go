package entra

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Doer sends one HTTP request and returns its response, as *http.Client
// does. An in-process transport (the Lambda handlers behind an emulated
// API Gateway) satisfies it too.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configures a Client.
type Options struct {
	// Dialect is the PATCH dialect to speak; the zero value is Default.
	Dialect Dialect
	// Doer sends the requests; nil means http.DefaultClient.
	Doer Doer
	// OwnOnly makes every PATCH or DELETE of a resource this Client did
	// not create an ErrNotOwned, before anything is sent: a client run
	// against a real directory can then only change what it made.
	OwnOnly bool
	// Trace, if not nil, is called after every exchange, from the
	// goroutine that sent it.
	Trace func(Exchange)
}

// Exchange is one request and its answer, as Trace reports it.
type Exchange struct {
	Method string
	// Target is the request's path and query relative to the Tenant URL,
	// e.g. `/Users?filter=userName%20eq%20%22x%22`.
	Target  string
	Request []byte
	// Status and Response are 0 and nil when the request failed in
	// transport.
	Status   int
	Response []byte
}

// ErrNotOwned is returned for a change to a resource the Client did not
// create while Options.OwnOnly is set.
var ErrNotOwned = errors.New("refusing to change a resource this client did not create")

// Client sends Entra's requests to one Tenant URL. It is safe for
// concurrent use.
type Client struct {
	base    string // the Tenant URL without query or trailing slash
	query   string // the Tenant URL's raw query, kept on every request
	token   string
	dialect Dialect
	doer    Doer
	ownOnly bool
	trace   func(Exchange)

	mu sync.Mutex
	// created holds every resource the client created, as "Users/<id>"
	// or "Groups/<id>"; live those of them not deleted since.
	created, live map[string]bool
}

// FlagParameter is the query parameter that, on the Tenant URL, switches
// Entra to its RFC-compliant PATCH dialect (docs/entra.md §3.1).
const FlagParameter = "aadOptscim062020"

// NewClient returns a client of the Tenant URL tenantURL (e.g.
// https://x.execute-api.eu-west-1.amazonaws.com/scim/v2) that authenticates
// with token. With the AADOptscim062020 dialect every request carries the
// flag in its query, as Entra sends it when the flag is on the Tenant URL.
// It is an error if tenantURL is not an absolute http(s) URL.
func NewClient(tenantURL, token string, opts Options) (*Client, error) {
	u, err := url.Parse(tenantURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tenant URL %q is not an absolute http(s) URL", tenantURL)
	}
	query := u.RawQuery
	if opts.Dialect == AADOptscim062020 && !u.Query().Has(FlagParameter) {
		query = joinQuery(FlagParameter, query)
	}
	u.RawQuery, u.Fragment = "", ""
	c := &Client{
		base: strings.TrimSuffix(u.String(), "/"), query: query, token: token,
		dialect: opts.Dialect, doer: opts.Doer, ownOnly: opts.OwnOnly, trace: opts.Trace,
		created: map[string]bool{}, live: map[string]bool{},
	}
	if c.doer == nil {
		c.doer = http.DefaultClient
	}
	return c, nil
}

// Created returns the resources this client created and has not deleted,
// as "Users/<id>" and "Groups/<id>".
func (c *Client) Created() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.live))
	for k := range c.live {
		out = append(out, k)
	}
	return out
}

// param is one query parameter, kept in the order Entra writes them.
type param struct{ name, value string }

// send sends one request and returns the answer, whatever its status;
// only a transport failure is an error. body, if not nil, is marshalled to
// JSON. A PATCH or DELETE of a resource the client does not own fails with
// ErrNotOwned when OwnOnly is set.
func (c *Client) send(ctx context.Context, method, path string, params []param, body any) (*Response, error) {
	if c.ownOnly && (method == http.MethodPatch || method == http.MethodDelete) && !c.owns(path) {
		return nil, fmt.Errorf("%s %s: %w", method, path, ErrNotOwned)
	}
	target := path
	raw := c.query
	for _, p := range params {
		raw = joinQuery(raw, p.name+"="+escape(p.value))
	}
	if raw != "" {
		target += "?" + raw
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("%s %s: encode the body: %w", method, path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+target, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("client-request-id", newGUID())
	// Entra sends no User-Agent (docs/entra.md §1.2); an empty value
	// keeps net/http from adding its own.
	req.Header.Set("User-Agent", "")

	res, err := c.receive(req)
	if c.trace != nil {
		ex := Exchange{Method: method, Target: target, Request: payload}
		if res != nil {
			ex.Status, ex.Response = res.Status, res.Body
		}
		c.trace(ex)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, target, err)
	}
	c.record(method, path, res.Status)
	return res, nil
}

// receive sends req and reads the whole answer.
func (c *Client) receive(req *http.Request) (*Response, error) {
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// owns reports whether the resource at path (/Users/<id>) was created by
// this client, deleted since or not.
func (c *Client) owns(path string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.created[strings.TrimPrefix(path, "/")]
}

// record forgets, as live, what a DELETE removed or found gone.
func (c *Client) record(method, path string, status int) {
	if method != http.MethodDelete || status != http.StatusNoContent && status != http.StatusNotFound {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.live, strings.TrimPrefix(path, "/"))
}

// adopt records a resource this client created.
func (c *Client) adopt(endpoint, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := strings.TrimPrefix(endpoint, "/") + "/" + id
	c.created[key], c.live[key] = true, true
}

// escape encodes a query value as Entra does: spaces as %20, not +.
func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

func joinQuery(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "&" + b
}

// newGUID returns a random (version 4) GUID: Entra's client-request-id and
// Test Connection's probe value.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
