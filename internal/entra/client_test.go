package entra_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/entra"
)

// seen is a request as a test server received it.
type seen struct {
	method, uri string
	header      http.Header
	body        string
}

// recorder is a test server that keeps every request and answers with
// answer.
func recorder(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.RequestURI, r.Header.Clone(), string(b)})
		mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), got...)
	}
}

// scimAnswer answers every request as a SCIM server would, minimally.
func scimAnswer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/scim+json")
	switch r.Method {
	case http.MethodGet:
		io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`)
	case http.MethodPost:
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"new-id"}`)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestClientSendsEntrasHeaders(t *testing.T) {
	srv, requests := recorder(t, scimAnswer)
	c, err := entra.NewClient(srv.URL+"/scim/v2/", "s3cret", entra.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindUsers(t.Context(), entra.MatchUserName, "a@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(t.Context(), entra.User{UserName: "a@contoso.com", Active: true}); err != nil {
		t.Fatal(err)
	}
	got := requests()
	ids := map[string]bool{}
	for _, r := range got {
		if a := r.header.Get("Authorization"); a != "Bearer s3cret" {
			t.Errorf("%s: Authorization %q, want the bearer token", r.method, a)
		}
		if _, ok := r.header["User-Agent"]; ok {
			t.Errorf("%s: sent a User-Agent %q; Entra sends none", r.method, r.header.Get("User-Agent"))
		}
		id := r.header.Get("client-request-id")
		if !guidPattern.MatchString(id) || ids[id] {
			t.Errorf("%s: client-request-id %q, want a new GUID per request", r.method, id)
		}
		ids[id] = true
	}
	if ct := got[1].header.Get("Content-Type"); ct != "application/scim+json" {
		t.Errorf("POST Content-Type %q, want application/scim+json", ct)
	}
	if ct := got[0].header.Get("Content-Type"); ct != "" {
		t.Errorf("GET with a Content-Type %q", ct)
	}
}

func TestClientWritesQueriesAsEntraDoes(t *testing.T) {
	srv, requests := recorder(t, scimAnswer)
	for _, tc := range []struct {
		name    string
		tenant  string
		dialect entra.Dialect
		send    func(c *entra.Client) error
		want    string
	}{
		{"a filter with spaces as %20", "/scim/v2", entra.Default, func(c *entra.Client) error {
			_, err := c.FindUsers(t.Context(), entra.MatchWorkEmail, "a b@contoso.com")
			return err
		}, `/scim/v2/Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22a%20b%40contoso.com%22`},
		{"the group lookup leaves members out", "/scim/v2", entra.Default, func(c *entra.Client) error {
			_, err := c.FindGroups(t.Context(), "Sales")
			return err
		}, `/scim/v2/Groups?excludedAttributes=members&filter=displayName%20eq%20%22Sales%22`},
		{"the flag dialect puts the flag first on every request", "/scim/v2", entra.AADOptscim062020, func(c *entra.Client) error {
			_, err := c.FindUsers(t.Context(), entra.MatchUserName, "x")
			return err
		}, `/scim/v2/Users?aadOptscim062020&filter=userName%20eq%20%22x%22`},
		{"a flag already on the Tenant URL is kept once", "/scim/v2?aadOptscim062020", entra.AADOptscim062020, func(c *entra.Client) error {
			return c.DeleteUser(t.Context(), "u1")
		}, `/scim/v2/Users/u1?aadOptscim062020`},
		{"the legacy reference check", "/scim/v2", entra.Default, func(c *entra.Client) error {
			_, err := c.CheckManager(t.Context(), "u1", "m1")
			return err
		}, `/scim/v2/Users?filter=id%20eq%20%22u1%22%20and%20manager%20eq%20%22m1%22&attributes=id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := entra.NewClient(srv.URL+tc.tenant, "t", entra.Options{Dialect: tc.dialect})
			if err != nil {
				t.Fatal(err)
			}
			before := len(requests())
			if err := tc.send(c); err != nil {
				t.Fatal(err)
			}
			if got := requests()[before].uri; got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestOwnOnlyChangesNothingTheClientDidNotCreate(t *testing.T) {
	srv, requests := recorder(t, scimAnswer)
	c, err := entra.NewClient(srv.URL+"/scim/v2", "t", entra.Options{OwnOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for name, err := range map[string]error{
		"PATCH a user":   func() error { _, err := c.PatchUser(ctx, "foreign", entra.Default.Active(false)); return err }(),
		"DELETE a user":  c.DeleteUser(ctx, "foreign"),
		"PATCH a group":  c.PatchGroup(ctx, "foreign", entra.Default.Rename("x")),
		"DELETE a group": c.DeleteGroup(ctx, "foreign"),
	} {
		if !errors.Is(err, entra.ErrNotOwned) {
			t.Errorf("%s it did not create: %v, want ErrNotOwned", name, err)
		}
	}
	if n := len(requests()); n != 0 {
		t.Fatalf("%d requests reached the server; a refused change must send nothing", n)
	}
	if _, err := c.CreateUser(ctx, entra.User{UserName: "mine"}); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Created(), []string{"Users/new-id"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Created() = %v, want %v", got, want)
	}
	if err := c.DeleteUser(ctx, "new-id"); err != nil {
		t.Errorf("deleting what it created: %v", err)
	}
	if got := c.Created(); len(got) != 0 {
		t.Errorf("Created() after the delete = %v, want none", got)
	}
}

func TestUnexpectedStatusesAreStatusErrors(t *testing.T) {
	srv, _ := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"taken"}`)
	})
	c, err := entra.NewClient(srv.URL+"/scim/v2", "t", entra.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateUser(t.Context(), entra.User{UserName: "a"})
	var se *entra.StatusError
	if !errors.As(err, &se) || se.Status != 409 || se.ScimType != "uniqueness" || se.Detail != "taken" {
		t.Fatalf("got %v, want a StatusError 409 uniqueness: taken", err)
	}
	if got, want := se.Error(), "POST /Users: status 409 (uniqueness): taken"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNewClientRejectsWhatIsNotATenantURL(t *testing.T) {
	for _, u := range []string{"", "scim/v2", "ftp://host/scim", "http://"} {
		if _, err := entra.NewClient(u, "t", entra.Options{}); err == nil {
			t.Errorf("NewClient(%q) succeeded", u)
		}
	}
}
