package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// startServeProcess starts `scimbridge serve` on data as a child process
// (this test binary, made scimbridge by runMainEnv) with extra flags, and
// returns its Tenant URL, the process, and a channel closed when it has
// exited. The process is killed when t ends.
func startServeProcess(t *testing.T, data, token string, extra ...string) (string, *os.Process, <-chan struct{}) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--token", token}, extra...)...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, url, ok := strings.Cut(sc.Text(), "Tenant URL:"); ok {
			go io.Copy(io.Discard, out)
			return strings.TrimSpace(url), cmd.Process, exited
		}
	}
	<-exited
	t.Fatalf("serve exited without printing its Tenant URL:\n%s", logs.String())
	return "", nil, nil
}

// ackedUser is what the clients were told about one user: its userName
// and the title of the last acknowledged PATCH, and the title of a PATCH
// sent but never answered, which the store may or may not have kept.
type ackedUser struct {
	userName, title, pending string
}

// killClient sends creates and PATCHes to a server that is killed under
// it, and remembers what was acknowledged.
type killClient struct {
	token string
	http  *http.Client
	mu    sync.Mutex
	users map[string]*ackedUser // by id
	seq   atomic.Int64
}

func (c *killClient) send(method, url, body string) (int, map[string]any, error) {
	resp, b, err := request(c.http, method, url, c.token, body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	if b != "" {
		if err := json.Unmarshal([]byte(b), &m); err != nil {
			return 0, nil, err
		}
	}
	return resp.StatusCode, m, nil
}

// work creates users and PATCHes the ones it created, one request at a
// time, until a request fails (the server was killed); acks counts the
// acknowledged writes.
func (c *killClient) work(t *testing.T, url string, worker int, acks *atomic.Int64) {
	var mine []string
	for i := 0; ; i++ {
		if len(mine) == 0 || i%3 == 0 {
			name := fmt.Sprintf("kill-%d-%d@contoso.com", worker, c.seq.Add(1))
			status, res, err := c.send(http.MethodPost, url+"/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"`+name+`"}`)
			if err != nil {
				return
			}
			if status != http.StatusCreated {
				t.Errorf("create %s: status %d: %v", name, status, res)
				return
			}
			id := res["id"].(string)
			c.mu.Lock()
			c.users[id] = &ackedUser{userName: name}
			c.mu.Unlock()
			mine = append(mine, id)
			acks.Add(1)
			continue
		}
		id := mine[i%len(mine)]
		title := fmt.Sprintf("title %d", c.seq.Add(1))
		c.mu.Lock()
		c.users[id].pending = title
		c.mu.Unlock()
		status, res, err := c.send(http.MethodPatch, url+"/Users/"+id,
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"`+title+`"}]}`)
		if err != nil {
			return
		}
		if status != http.StatusOK {
			t.Errorf("patch %s: status %d: %v", id, status, res)
			return
		}
		c.mu.Lock()
		c.users[id].title, c.users[id].pending = title, ""
		c.mu.Unlock()
		acks.Add(1)
	}
}

// check reads every acknowledged user back from a restarted server, and
// the whole listing, whose length must be its totalResults.
func (c *killClient) check(t *testing.T, url string) {
	t.Helper()
	for id, u := range c.users {
		status, res, err := c.send(http.MethodGet, url+"/Users/"+id, "")
		if err != nil || status != http.StatusOK {
			t.Fatalf("acknowledged user %s (%s) after the kill: status %d, %v", id, u.userName, status, err)
		}
		title, _ := res["title"].(string)
		switch {
		case res["userName"] != u.userName:
			t.Errorf("user %s: userName %v, acknowledged %q", id, res["userName"], u.userName)
		case title != u.title && (u.pending == "" || title != u.pending):
			t.Errorf("user %s: title %q, acknowledged %q (and %q sent unanswered)", id, title, u.title, u.pending)
		}
		// What a restarted server returns is what it kept.
		u.title, u.pending = title, ""
	}
	listed := map[string]bool{}
	total := -1
	for start := 1; total < 0 || start <= total; start += 100 {
		status, res, err := c.send(http.MethodGet, fmt.Sprintf("%s/Users?startIndex=%d&count=100", url, start), "")
		if err != nil || status != http.StatusOK {
			t.Fatalf("list from %d: status %d, %v", start, status, err)
		}
		total = int(res["totalResults"].(float64))
		resources, _ := res["Resources"].([]any)
		if len(resources) == 0 {
			break
		}
		for _, r := range resources {
			listed[r.(map[string]any)["id"].(string)] = true
		}
	}
	if len(listed) != total {
		t.Errorf("totalResults is %d, a full listing has %d users", total, len(listed))
	}
	for id := range c.users {
		if !listed[id] {
			t.Errorf("acknowledged user %s is not in the listing", id)
		}
	}
}

// TestServeKeepsEveryAcknowledgedWriteThroughKill9 kills `scimbridge
// serve` with SIGKILL, again and again, while eight clients create and
// PATCH users, and checks after each restart that every write answered
// 2xx is there (a write cut off unanswered may or may not be), and that
// totalResults counts what a full listing returns.
func TestServeKeepsEveryAcknowledgedWriteThroughKill9(t *testing.T) {
	const rounds, workers = 4, 8
	data := t.TempDir()
	var acked int64
	c := &killClient{token: "kill-9-token", users: map[string]*ackedUser{},
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}}
	for round := range rounds {
		url, proc, exited := startServeProcess(t, data, c.token)
		if round > 0 {
			c.check(t, url)
		}
		var acks atomic.Int64
		killAt := int64(30 + rand.IntN(60))
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { c.work(t, url, round*workers+w, &acks) })
		}
		for acks.Load() < killAt && !t.Failed() {
			time.Sleep(time.Millisecond)
		}
		if err := proc.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-exited
		wg.Wait()
		acked += acks.Load()
		c.http.CloseIdleConnections()
		if t.Failed() {
			return
		}
	}
	url, _, _ := startServeProcess(t, data, c.token)
	c.check(t, url)
	t.Logf("%d writes acknowledged, %d users, in %d rounds", acked, len(c.users), rounds)
}
