package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/faults"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// badCredentials are Authorization headers that must not get in, derived
// from the valid token: its halves, a prefix, an extension, another case,
// another scheme.
func badCredentials(token string) map[string]string {
	half := len(token) / 2
	return map[string]string{
		"no header":        "",
		"first half":       "Bearer " + token[:half],
		"second half":      "Bearer " + token[half:],
		"all but the last": "Bearer " + token[:len(token)-1],
		"one more":         "Bearer " + token + "0",
		"other case":       "Bearer " + swapCase(token),
		"Basic scheme":     "Basic " + token,
		"no scheme":        token,
		"another token":    "Bearer " + strings.Repeat("x", len(token)),
	}
}

// swapCase returns s with upper and lower case letters swapped.
func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}

// TestEveryRouteNeedsAToken sends every route of the handler, discovery
// included, each bad credential: each must be a 401 SCIM error with
// WWW-Authenticate that changes nothing, before any other check (a bad body
// is still a 401).
func TestEveryRouteNeedsAToken(t *testing.T) {
	e := newEnv(t)
	user := e.createUser("target@contoso.com")
	group := e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/Groups", `{"displayName":"Target"}`).body["id"].(string)
	type request struct{ method, target, body string }
	var requests []request
	for _, r := range httpapi.Routes() {
		id := group
		switch {
		case strings.HasPrefix(r.Path, "/Users"):
			id = user
		case strings.HasPrefix(r.Path, "/Schemas"):
			id = "urn:ietf:params:scim:schemas:core:2.0:User"
		case strings.HasPrefix(r.Path, "/ResourceTypes"):
			id = "User"
		}
		body := map[string]string{
			http.MethodPost:  `{"userName":"intruder","displayName":"Intruder"}`,
			http.MethodPut:   `{"userName":"intruder","displayName":"Intruder"}`,
			http.MethodPatch: patchOp(`{"op":"Replace","path":"displayName","value":"Intruder"}`),
		}[r.Method]
		requests = append(requests, request{r.Method, httpapi.DefaultBasePath + strings.ReplaceAll(r.Path, "{id}", id), body})
	}
	before := snapshot(t, e)
	for _, r := range requests {
		for name, header := range badCredentials(testToken) {
			for _, body := range []string{r.body, "not JSON"} {
				if body == "not JSON" && r.body == "" {
					continue
				}
				res := e.do(r.method, r.target, body, "Authorization", header)
				if res.status != http.StatusUnauthorized {
					t.Errorf("%s %s with %s: status %d, want 401", r.method, r.target, name, res.status)
					continue
				}
				checkError(t, res, http.StatusUnauthorized, "")
			}
		}
	}
	if after := snapshot(t, e); !reflect.DeepEqual(after, before) {
		t.Errorf("unauthenticated requests changed the directory:\n got %v\nwant %v", after, before)
	}
	// The same requests with the token get past authentication, so the
	// 401s above are the token's doing.
	for _, r := range requests {
		if res := e.do(r.method, r.target, r.body); res.status == http.StatusUnauthorized {
			t.Errorf("%s %s with the token: 401", r.method, r.target)
		}
	}
}

// capture records every response's headers and body.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		c.mu.Lock()
		fmt.Fprintf(&c.buf, "%d %v %s\n", rec.Code, rec.Header(), rec.Body)
		c.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// panickingStore fails every read with a panic, to reach the handler's
// panic recovery.
type panickingStore struct{ directory.Store }

func (panickingStore) Get(context.Context, directory.Kind, string) (*directory.Record, error) {
	panic("store exploded")
}

// TestTokenNeverLeaks replays every recorded Entra flow with a token kept in
// Secrets Manager, then sends requests with wrong tokens made of the real
// one's pieces, a request that panics and one while Secrets Manager is
// down, logging everything at debug level; neither the logs nor any
// response may hold the token or half of it.
func TestTokenNeverLeaks(t *testing.T) {
	token := rand.Text() + rand.Text()
	cfg := awstest.Config(t)
	name := awstest.Name(t, "token")
	if _, err := secretsmanager.NewFromConfig(cfg).CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(`{"token":"` + token + `"}`),
	}); err != nil {
		t.Fatal(err)
	}
	log, responses := &syncBuffer{}, &capture{}
	logger := slog.New(slog.NewJSONHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true}))
	inj := faults.New(faults.Options{})
	source := secrets.New(secretsmanager.NewFromConfig(cfg, inj.SecretsManager()), name, logger, secrets.Options{RefreshInterval: time.Nanosecond})
	newTokenEnv := func(store directory.Store) *env {
		e := newEnvWith(t, newServiceOn(store), httpapi.Config{Tokens: source, Logger: logger})
		e.h, e.token = responses.wrap(e.h), token
		return e
	}

	files, err := filepath.Glob(filepath.Join("testdata", "entra", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no flows in testdata/entra: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			replayOn(t, file, newTokenEnv(newEmbeddedStore(t)))
		})
	}
	e := newTokenEnv(newEmbeddedStore(t))
	for name, header := range badCredentials(token) {
		if res := e.do(http.MethodGet, "/scim/v2/Users", "", "Authorization", header); res.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, res.status)
		}
	}
	if res := newTokenEnv(panickingStore{newEmbeddedStore(t)}).do(http.MethodGet, "/scim/v2/Users/x", ""); res.status != http.StatusInternalServerError {
		t.Errorf("panicking store: status %d, want 500", res.status)
	}
	inj.SetRate(1)
	if res := e.do(http.MethodGet, "/scim/v2/Users", "", "Authorization", "Bearer not-the-token"); res.status != http.StatusUnauthorized {
		t.Errorf("wrong token while Secrets Manager is down (warm): status %d, want 401", res.status)
	}

	if !strings.Contains(log.String(), "store exploded") || !strings.Contains(log.String(), "cannot") && !strings.Contains(log.String(), "cached") {
		t.Errorf("the logs miss the panic or the Secrets Manager failure; the test would not see a leak there:\n%s", log)
	}
	half := len(token) / 2
	pieces := regexp.MustCompile(regexp.QuoteMeta(token[:half]) + "|" + regexp.QuoteMeta(token[half:]))
	for what, text := range map[string]string{"logs": log.String(), "responses": responses.buf.String()} {
		if loc := pieces.FindStringIndex(text); loc != nil {
			t.Errorf("the %s hold half of the token: …%s…", what, text[max(0, loc[0]-200):min(len(text), loc[1]+200)])
		}
	}
	t.Logf("searched %d bytes of logs and %d of responses", len(log.String()), responses.buf.Len())
}
