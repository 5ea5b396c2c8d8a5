package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// perfFixture is a handler over a directory shaped like one Entra
// provisions: n users, each a member of the group "Big", which thus has n
// members, plus perfSpares users outside it that member adds use. It is
// seeded through the service, with enough parallel writers that the
// embedded store syncs hundreds of records at a time.
type perfFixture struct {
	h      http.Handler
	store  directory.Store
	svc    *directory.Service
	users  []string // ids of the members of Big: users[i] is perfUserName(i)'s
	spares []string // ids of users in no group
	group  string   // id of Big
	n      int
}

// perfSpares is how many users outside Big a fixture holds: one member-add
// PATCH's worth.
const perfSpares = 100

// perfToken is the bearer token of perfFixture handlers.
const perfToken = "perf-token-0123456789abcdef"

// perfUserName returns the userName of the fixture's i-th user.
func perfUserName(i int) string { return fmt.Sprintf("user%d@contoso.com", i) }

// perfUserBody returns the body of an Entra POST /Users for userName
// (docs/entra.md §2.2).
func perfUserBody(userName string, i int) string {
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
"externalId":"ext-%[2]d","userName":%[1]q,"active":true,"displayName":"User %[2]d",
"emails":[{"primary":true,"type":"work","value":%[1]q}],
"name":{"formatted":"User %[2]d","familyName":"%[2]d","givenName":"User"},
"meta":{"resourceType":"User"},"roles":[],
"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"%[2]d"}}`, userName, i)
}

// newPerfFixture seeds store with n users in Big and perfSpares others.
func newPerfFixture(b *testing.B, store directory.Store, n int) *perfFixture {
	b.Helper()
	svc := directory.New(store, directory.Options{})
	f := &perfFixture{
		h: httpapi.New(svc, httpapi.Config{
			Tokens: httpapi.StaticTokens(perfToken),
			// The access log is part of every request's cost: a JSON
			// line, as in production, written nowhere.
			Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		}),
		store: store, svc: svc, n: n,
	}
	ids := perfCreateUsers(b, svc, n+perfSpares)
	f.users, f.spares = ids[:n], ids[n:]
	g, err := svc.Create(b.Context(), scim.Groups, map[string]any{"displayName": "Big", "externalId": "big"})
	if err != nil {
		b.Fatal(err)
	}
	f.group = g.ID
	for start := 0; start < n; start += 10_000 {
		if err := store.AddMembers(b.Context(), f.group, f.users[start:min(n, start+10_000)]); err != nil {
			b.Fatal(err)
		}
	}
	// An LSM store defers part of a write's work to compactions, which a
	// bulk load leaves pending: a directory that grew over weeks has them
	// done. Without this, the first requests measured would pay the
	// seeding's compactions and read through its young tables.
	if c, ok := store.(interface{ Compact(context.Context) error }); ok {
		if err := c.Compact(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// perfCreateUsers creates n users through the service with many writers at
// once and returns their ids: the i-th is perfUserName(i)'s.
func perfCreateUsers(b *testing.B, svc *directory.Service, n int) []string {
	b.Helper()
	ids := make([]string, n)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	const writers = 1000 // writers that wait together share one fsync
	for w := range writers {
		wg.Go(func() {
			for i := w; i < n; i += writers {
				body, err := codec.DecodeObject([]byte(perfUserBody(perfUserName(i), i)), "fixture")
				if err == nil {
					var res *directory.Resource
					if res, err = svc.Create(context.Background(), scim.Users, body); err == nil {
						ids[i] = res.ID
						continue
					}
				}
				select {
				case errs <- err:
				default:
				}
				return
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatalf("seed users: %v", err)
	default:
	}
	return ids
}

// perfRequest is a request that can be served again and again: its body
// is rewound before each serving, so a benchmark loop allocates nothing of
// its own.
type perfRequest struct {
	req  *http.Request
	body *bytes.Reader
	raw  []byte
	want int
}

func newPerfRequest(method, target, body string, want int) *perfRequest {
	p := &perfRequest{raw: []byte(body), want: want}
	p.body = bytes.NewReader(p.raw)
	p.req = httptest.NewRequest(method, target, p.body)
	p.req.Header.Set("Authorization", "Bearer "+perfToken)
	if body != "" {
		p.req.Header.Set("Content-Type", "application/scim+json")
	}
	return p
}

// perfWriter is a reusable http.ResponseWriter that keeps the status and
// body, so that serving costs only what the handler does.
type perfWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *perfWriter) Header() http.Header { return w.header }

func (w *perfWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *perfWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// serve serves p on h into w and fails b unless the status is p's.
func (w *perfWriter) serve(b *testing.B, h http.Handler, p *perfRequest) {
	clear(w.header)
	w.status = 0
	w.body.Reset()
	p.body.Reset(p.raw)
	h.ServeHTTP(w, p.req)
	if w.status != p.want {
		b.Fatalf("%s %s: status %d, want %d: %s", p.req.Method, p.req.URL, w.status, p.want, w.body.Bytes())
	}
}

// perfPatch returns a PatchOp body holding ops (RFC 7644 §3.5.2).
func perfPatch(ops ...string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

// perfMembers returns a PATCH value listing ids as members, as Entra sends
// them.
func perfMembers(ids []string) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"value":"` + id + `"}`)
	}
	sb.WriteByte(']')
	return sb.String()
}
