package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// post sends a SCIM request with token and returns the status and the id
// in the answer, if any; goroutines other than the test's may call it.
func post(method, url, token, body string) (int, string, error) {
	resp, b, err := request(http.DefaultClient, method, url, token, body)
	if err != nil {
		return 0, "", err
	}
	var v struct{ ID string }
	_ = json.Unmarshal([]byte(b), &v) // a 204 has no body
	return resp.StatusCode, v.ID, nil
}

// acknowledged is what the bridge has answered as done: users created and
// made members of the group.
type acknowledged struct {
	mu      sync.Mutex
	users   map[string]string // userName -> id
	members map[string]bool   // ids
}

func (a *acknowledged) snapshot() (users map[string]string, members map[string]bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	users, members = map[string]string{}, map[string]bool{}
	for k, v := range a.users {
		users[k] = v
	}
	for k := range a.members {
		members[k] = true
	}
	return users, members
}

// TestBackupUnderConcurrentWrites backs up a serving bridge while four
// writers create users and add them to a group, restores the backup into a
// new directory, and checks it: the reconciler finds nothing to repair,
// every user and membership acknowledged before the backup began is there,
// and the restored bridge accepts the same Secret Token.
func TestBackupUnderConcurrentWrites(t *testing.T) {
	data := t.TempDir()
	tenant, _, stop := startServe(t, "--data", data)
	defer stop()
	token := strings.TrimSpace(readFile(t, filepath.Join(data, tokenFile)))
	status, group, err := post("POST", tenant+"/Groups", token, `{"displayName":"Everyone"}`)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("create the group: %d %v", status, err)
	}

	acked := &acknowledged{users: map[string]string{}, members: map[string]bool{}}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				name := fmt.Sprintf("writer%d-%d@contoso.com", w, i)
				status, id, err := post("POST", tenant+"/Users", token, `{"userName":"`+name+`"}`)
				if err != nil || status != http.StatusCreated {
					t.Errorf("create %s: %d %v", name, status, err)
					return
				}
				acked.mu.Lock()
				acked.users[name] = id
				acked.mu.Unlock()
				status, _, err = post("PATCH", tenant+"/Groups/"+group, token,
					`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"`+id+`"}]}]}`)
				if err != nil || status != http.StatusNoContent {
					t.Errorf("add %s to the group: %d %v", name, status, err)
					return
				}
				acked.mu.Lock()
				acked.members[id] = true
				acked.mu.Unlock()
			}
		})
	}
	waitFor(t, func() bool { u, _ := acked.snapshot(); return len(u) >= 60 })

	users, members := acked.snapshot()
	file := filepath.Join(t.TempDir(), "backup.tar.gz")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"backup", "--data", data, "--out", file}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "taken by the running serve") {
		t.Errorf("the backup was not taken online: %s", out.String())
	}
	if left, _ := filepath.Glob(filepath.Join(data, backupTemp+"*")); len(left) != 0 {
		t.Errorf("the backup left %v in the data directory", left)
	}
	// The writers went on during the backup.
	waitFor(t, func() bool { u, _ := acked.snapshot(); return len(u) >= len(users)+20 })
	close(done)
	wg.Wait()
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if err := run(t.Context(), []string{"restore", "--in", file, "--data", restored}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	if err := run(t.Context(), []string{"reconcile", "--dry-run", "--data", restored}, &report, io.Discard); err != nil {
		t.Fatalf("reconcile the restored store: %v\n%s", err, report.String())
	}
	var rep reconcile.Report
	if err := json.Unmarshal(report.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Found != 0 || !rep.PassComplete || !rep.CountersChecked || rep.Checked < 2*len(users) {
		t.Errorf("the reconciler on the restored store: %s", report.String())
	}

	// No --token: the restored bridge keeps the token it had.
	tenant, _, stopRestored := startServe(t, "--data", restored)
	defer stopRestored()
	_, list := send(t, "GET", tenant+"/Users?count=10000", token, "")
	have := map[string]bool{}
	for _, r := range list["Resources"].([]any) {
		have[r.(map[string]any)["userName"].(string)] = true
	}
	for name := range users {
		if !have[name] {
			t.Errorf("user %s, acknowledged before the backup, is not in it", name)
		}
	}
	_, g := send(t, "GET", tenant+"/Groups/"+group, token, "")
	inGroup := map[string]bool{}
	for _, m := range g["members"].([]any) {
		inGroup[m.(map[string]any)["value"].(string)] = true
	}
	for id := range members {
		if !inGroup[id] {
			t.Errorf("membership of %s, acknowledged before the backup, is not in it", id)
		}
	}
	t.Logf("%d users acknowledged before the backup, %d in it", len(users), len(have))
}

// waitFor waits until cond holds, failing the test after a minute.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); {
		if time.Now().After(deadline) || t.Failed() {
			t.Fatal("gave up waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBackupWithNoServeRunning(t *testing.T) {
	data := t.TempDir()
	tenant, _, stop := startServe(t, "--data", data, "--token", "t0k3n")
	if status, _, err := post("POST", tenant+"/Users", "t0k3n", `{"userName":"offline@contoso.com"}`); err != nil || status != 201 {
		t.Fatalf("create: %d %v", status, err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, adminSocket)); !os.IsNotExist(err) {
		t.Errorf("serve left its admin socket: %v", err)
	}

	file := filepath.Join(t.TempDir(), "backup.tar.gz")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"backup", "--data", data, "--out", file}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no serve running") {
		t.Errorf("got %s", out.String())
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if err := run(t.Context(), []string{"restore", "--in", file, "--data", restored}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	tenant, _, stop = startServe(t, "--data", restored, "--token", "t0k3n")
	defer stop()
	if _, body := get(t, tenant+"/Users?filter=userName%20eq%20%22offline@contoso.com%22", "t0k3n"); !strings.Contains(body, `"totalResults":1`) {
		t.Errorf("after a restore: %s", body)
	}
}

func TestBackupAndRestoreRefuse(t *testing.T) {
	backup := filepath.Join(t.TempDir(), "backup.tar.gz")
	data := t.TempDir()
	if err := run(t.Context(), []string{"backup", "--data", data, "--out", backup}, io.Discard, io.Discard); err == nil {
		t.Fatal("a backup of a directory without a store succeeded")
	}
	if _, err := os.Stat(backup); !os.IsNotExist(err) {
		t.Errorf("a failed backup left %s: %v", backup, err)
	}
	_, _, stop := startServe(t, "--data", data, "--token", "t0k3n")
	stop()
	if err := run(t.Context(), []string{"backup", "--data", data, "--out", backup}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.tar.gz")
	os.WriteFile(garbage, []byte("not a backup"), 0o600)

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a DynamoDB table", []string{"backup", "--store", "dynamodb", "--table", "t", "--out", backup}, "point-in-time recovery"},
		{"no --out", []string{"backup", "--data", data}, "--out"},
		{"into a directory in use", []string{"restore", "--in", backup, "--data", data}, "not empty"},
		{"something else", []string{"restore", "--in", garbage, "--data", filepath.Join(t.TempDir(), "x")}, "not a scimbridge backup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(t.Context(), tc.args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}
