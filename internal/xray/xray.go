// Package xray traces the bridge's AWS SDK calls in AWS X-Ray: a
// middleware for every aws-sdk-go-v2 client that sends one subsegment per
// API call (DynamoDB, Secrets Manager, SNS, EventBridge) to the X-Ray
// daemon, under the trace of the Lambda invocation that made it. With
// active tracing Lambda records the function's segment itself; these
// subsegments are what the X-Ray SDKs would add under it, written here with
// the standard library and the SDK's own middleware (docs/decisions.md,
// "Tracing").
//
// Tracing never fails a call and does not hold it up: a subsegment is one
// UDP datagram, sent after the call, whose errors are ignored; a write that
// would wait for room in the socket's buffer gives up after a millisecond.
package xray

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// lambdaTraceKey is the key under which aws-lambda-go's runtime loop puts
// an invocation's X-Amzn-Trace-Id header (Lambda-Runtime-Trace-Id) in the
// handler's context. aws-lambda-go-api-proxy's request contexts derive from
// that context, so the bridge's handlers see it too.
const lambdaTraceKey = "x-amzn-trace-id"

// Tracer sends the subsegments of the AWS API calls made by the clients
// whose stacks it is registered on.
type Tracer struct {
	addr string

	// The socket is dialled on the first subsegment, not when the
	// function starts, so that tracing costs the init phase nothing.
	dial sync.Once
	conn net.Conn
	// mu makes each write's deadline its own.
	mu sync.Mutex
}

// New returns a Tracer sending to the X-Ray daemon at daemon, the value of
// AWS_XRAY_DAEMON_ADDRESS that Lambda sets under active tracing: a UDP
// host:port, or "udp:host:port tcp:host:port". It returns nil, which traces
// nothing, when daemon is empty or names no UDP address.
func New(daemon string) *Tracer {
	addr := udpAddr(daemon)
	if addr == "" {
		return nil
	}
	return &Tracer{addr: addr}
}

// udpAddr returns the UDP address in an AWS_XRAY_DAEMON_ADDRESS value.
func udpAddr(daemon string) string {
	fields := strings.Fields(daemon)
	for _, f := range fields {
		if a, ok := strings.CutPrefix(f, "udp:"); ok {
			return a
		}
	}
	if len(fields) == 1 && !strings.Contains(fields[0], "tcp:") {
		return fields[0]
	}
	return ""
}

// Register adds t's middleware to an SDK client's stack; append it to
// aws.Config.APIOptions. A nil Tracer registers nothing.
func (t *Tracer) Register(stack *middleware.Stack) error {
	if t == nil {
		return nil
	}
	// The initialize step runs once per operation, outside the retry loop,
	// so the subsegment spans every attempt; middleware.After puts it
	// behind the SDK's own initializers.
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("scimbridge/xray", t.handle), middleware.After)
}

// handle times the call and, when the invocation is sampled, sends its
// subsegment.
func (t *Tracer) handle(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	h, ok := ctx.Value(lambdaTraceKey).(string)
	if !ok {
		return next.HandleInitialize(ctx, in)
	}
	trace, ok := parseHeader(h)
	if !ok || !trace.sampled {
		return next.HandleInitialize(ctx, in)
	}
	start := time.Now()
	out, metadata, err := next.HandleInitialize(ctx, in)
	s := newSubsegment(ctx, trace, in.Parameters, start, time.Now())
	s.record(metadata, err)
	t.send(s)
	return out, metadata, err
}

// writeTimeout bounds a write to the daemon's socket. A UDP write only
// waits when the socket's send buffer is full; then the subsegment is
// dropped rather than the call held up.
const writeTimeout = time.Millisecond

// send writes s to the daemon, dialling on the first call. Dialling a UDP
// address sends nothing, and a write waits at most writeTimeout, so neither
// delays the call; a failure loses the subsegment, never the call.
func (t *Tracer) send(s *subsegment) {
	t.dial.Do(func() { t.conn, _ = net.Dial("udp", t.addr) })
	if t.conn == nil {
		return
	}
	doc, err := s.document()
	if err != nil {
		return
	}
	// The deadline belongs to the socket, not the write: without the lock
	// a concurrent send could move it under this one.
	t.mu.Lock()
	defer t.mu.Unlock()
	_ = t.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, _ = t.conn.Write(doc)
}

// header is an X-Amzn-Trace-Id header's tracing fields.
type header struct {
	root, parent string
	sampled      bool
}

// parseHeader reads "Root=1-…;Parent=…;Sampled=1" (fields in any order,
// others ignored), the header's format in the X-Ray developer guide
// ("Tracing header"). It reports false without a Root or a Parent, which a
// subsegment needs.
func parseHeader(s string) (header, bool) {
	var h header
	for f := range strings.SplitSeq(s, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		switch k {
		case "Root":
			h.root = v
		case "Parent":
			h.parent = v
		case "Sampled":
			h.sampled = v == "1"
		}
	}
	return h, h.root != "" && h.parent != ""
}

// newID returns a segment id: 64 random bits in 16 hexadecimal digits.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
