package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer lets the test read what serve prints while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs `scimbridge serve` in the background and returns its
// Tenant URL, what it printed, and a function that stops it (as SIGTERM
// would) and returns its error, the same at every call.
func startServe(t *testing.T, args ...string) (string, *lockedBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), out, io.Discard) }()
	re := regexp.MustCompile(`Tenant URL:\s+(\S+)`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, sync.OnceValue(func() error { cancel(); return <-done })
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve printed no Tenant URL: %q", out.String())
	return "", nil, nil
}

// request sends a SCIM request through c, with the bearer token unless it
// is "", and returns the response and its body. It takes no t, so that
// goroutines other than the test's may call it; the helpers below are it
// for the test's goroutine.
func request(c *http.Client, method, url, token, body string) (*http.Response, string, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// get sends GET url with the bearer token and returns the response and its
// body, failing the test if no answer came.
func get(t *testing.T, url, token string) (*http.Response, string) {
	t.Helper()
	return mustRequest(t, http.DefaultClient, http.MethodGet, url, token, "")
}

// mustRequest is request, failing the test if no answer came.
func mustRequest(t *testing.T, c *http.Client, method, url, token, body string) (*http.Response, string) {
	t.Helper()
	resp, b, err := request(c, method, url, token, body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestServeAnswersTheReadmeWalkThrough(t *testing.T) {
	data := t.TempDir()
	url, out, stop := startServe(t, "--data", data)
	token := strings.TrimSpace(readFile(t, filepath.Join(data, tokenFile)))
	if len(token) != 64 || !strings.Contains(out.String(), token) {
		t.Fatalf("a generated token must be 64 characters and printed once; printed %q", out.String())
	}
	resp, body := get(t, url+"/Users?filter=userName%20eq%20%22x%22", token)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/scim+json" {
		t.Fatalf("got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`
	if strings.TrimSpace(body) != want {
		t.Errorf("got  %s\nwant %s", body, want)
	}
	if resp, _ := get(t, url+"/Users", "wrong"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong token got %d, want 401", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	// A second start keeps the token and does not print it again.
	_, out, stop = startServe(t, "--data", data)
	if strings.Contains(out.String(), token) {
		t.Errorf("the kept token was printed again: %q", out.String())
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestServeKeepsWhatItAcknowledgedAcrossRestarts(t *testing.T) {
	data := t.TempDir()
	url, _, stop := startServe(t, "--data", data, "--token", "t0k3n")
	if resp, _ := mustRequest(t, http.DefaultClient, http.MethodPost, url+"/Users", "t0k3n", `{"userName":"kept@contoso.com"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	url, _, stop = startServe(t, "--data", data, "--token", "t0k3n")
	defer stop()
	if _, body := get(t, url+"/Users?filter=userName%20eq%20%22KEPT@contoso.com%22", "t0k3n"); !strings.Contains(body, `"totalResults":1`) {
		t.Errorf("after a restart: %s", body)
	}
}

func TestUnknownCommandFails(t *testing.T) {
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard); err == nil {
		t.Error("an unknown command succeeded")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
