// Package entratest runs the bridge's Lambda functions behind an emulated
// API Gateway, so that package entra's Entra simulator (or any HTTP client)
// can talk to them: in-process, through the handlers the functions build,
// on the AWS emulator moto_server, with the payload 2.0 events API Gateway's
// HTTP API sends.
package entratest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// Function is a Lambda function's handler of API Gateway HTTP API (payload
// 2.0) events, as httpadapter.NewV2(h).ProxyWithContext is.
type Function func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Gateway plays an HTTP API on its $default stage in front of functions:
// each request becomes the event API Gateway would send to the function the
// template routes it to, and that function's response becomes the HTTP
// response. It is an entra.Doer and an http.Handler, and safe for
// concurrent use.
type Gateway struct {
	tmpl      *lambdatest.Template
	functions map[string]Function // by logical id

	mu     sync.Mutex
	counts map[string]int // by "METHOD route"
}

// NewGateway returns a gateway routing by tmpl's routes to functions, keyed
// by logical id ("UsersFunction").
func NewGateway(tmpl *lambdatest.Template, functions map[string]Function) *Gateway {
	return &Gateway{tmpl: tmpl, functions: functions, counts: map[string]int{}}
}

// Do sends req to the function its route names and returns the function's
// answer. A request no route serves is API Gateway's 404, a function that
// fails its 500; neither is an error.
func (g *Gateway) Do(req *http.Request) (*http.Response, error) {
	scheme := req.URL.Scheme
	if scheme == "" {
		scheme = "http"
	}
	ev, fn, err := g.event(req, scheme)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return response(req, events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNotFound, Body: `{"message":"Not Found"}`})
	}
	ctx := lambdacontext.NewContext(req.Context(), &lambdacontext.LambdaContext{AwsRequestID: randomHex(16)})
	out, err := fn(ctx, *ev)
	if err != nil {
		out = events.APIGatewayV2HTTPResponse{StatusCode: http.StatusInternalServerError, Body: `{"message":"Internal Server Error"}`}
	}
	return response(req, out)
}

// ServeHTTP serves r as Do does.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	r.URL.Scheme, r.URL.Host = scheme, r.Host
	resp, err := g.Do(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// Counts returns how many requests each route served, keyed by method and
// route path, e.g. "PATCH /scim/v2/Users/{proxy+}".
func (g *Gateway) Counts() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return maps.Clone(g.counts)
}

// event returns the event for req and the function its route names (nil if
// no route or no function serves it).
func (g *Gateway) event(req *http.Request, scheme string) (*events.APIGatewayV2HTTPRequest, Function, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, nil, fmt.Errorf("gateway: read the request body: %w", err)
		}
		body = b
	}
	path := req.URL.EscapedPath()
	route, err := g.tmpl.Serving(req.Method, path)
	if err != nil {
		return nil, nil, nil
	}
	fn := g.functions[route.Function]
	routeKey := route.Method + " " + route.Path
	g.mu.Lock()
	g.counts[req.Method+" "+route.Path]++
	g.mu.Unlock()

	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	now := time.Now().UTC()
	ev := &events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       routeKey,
		RawPath:        path,
		RawQueryString: req.URL.RawQuery,
		Headers:        headers(req, host, scheme, len(body)),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     routeKey,
			AccountID:    "123456789012",
			Stage:        "$default",
			RequestID:    randomHex(8),
			APIID:        strings.Split(host, ".")[0],
			DomainName:   host,
			DomainPrefix: strings.Split(host, ".")[0],
			Time:         now.Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: req.Method, Path: path, Protocol: "HTTP/1.1",
				SourceIP: "203.0.113.10", UserAgent: req.Header.Get("User-Agent"),
			},
		},
	}
	if q, err := url.ParseQuery(req.URL.RawQuery); err == nil && len(q) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(q))
		for k, vs := range q {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	ev.PathParameters = route.Parameters(path)
	if len(body) > 0 {
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev, fn, nil
}

// headers returns req's headers as API Gateway passes them on: names in
// lower case, repeated ones joined by commas, plus the ones it adds.
func headers(req *http.Request, host, scheme string, bodyLen int) map[string]string {
	h := map[string]string{}
	for k, vs := range req.Header {
		if k == "User-Agent" && slices.Equal(vs, []string{""}) {
			continue // the client asked for no User-Agent
		}
		h[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	h["host"] = host
	h["x-forwarded-proto"] = scheme
	h["x-forwarded-port"] = map[string]string{"http": "80", "https": "443"}[scheme]
	h["x-forwarded-for"] = "203.0.113.10"
	h["x-amzn-trace-id"] = "Root=1-" + randomHex(4) + "-" + randomHex(12)
	if bodyLen > 0 {
		h["content-length"] = strconv.Itoa(bodyLen)
	}
	return h
}

// response turns a function's answer into the HTTP response to req.
func response(req *http.Request, out events.APIGatewayV2HTTPResponse) (*http.Response, error) {
	body := []byte(out.Body)
	if out.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(out.Body)
		if err != nil {
			return nil, fmt.Errorf("gateway: the function's base64 body: %w", err)
		}
		body = b
	}
	h := http.Header{}
	for k, v := range out.Headers {
		h.Set(k, v)
	}
	for k, vs := range out.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range out.Cookies {
		h.Add("Set-Cookie", c)
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", out.StatusCode, http.StatusText(out.StatusCode)), StatusCode: out.StatusCode,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
