package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/webhook"
)

// delivery is one event a receiver took.
type delivery struct {
	id         string
	data       []byte
	typ        string
	resourceID string
	version    int64
	resource   map[string]any
}

// receiver is a webhook endpoint that checks each request's signature
// and envelope and keeps what it took, in order.
type receiver struct {
	t      *testing.T
	secret []byte
	mu     sync.Mutex
	got    []delivery
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get(webhook.SignatureHeader) != webhook.Sign(rc.secret, body) || r.Header.Get("Content-Type") != webhook.ContentType {
		rc.t.Errorf("a request without a valid signature: %v", r.Header)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ce struct {
		SpecVersion string          `json:"specversion"`
		ID          string          `json:"id"`
		Source      string          `json:"source"`
		Type        string          `json:"type"`
		Subject     string          `json:"subject"`
		Data        json.RawMessage `json:"data"`
	}
	var ev struct {
		ID, Type, ResourceID string
		Version              int64
		Resource             map[string]any
	}
	if err := json.Unmarshal(body, &ce); err != nil || json.Unmarshal(ce.Data, &ev) != nil {
		rc.t.Errorf("not a CloudEvent of a change event: %s", body)
		return
	}
	if ce.SpecVersion != "1.0" || ce.Source != "scim-bridge" || ce.ID != ev.ID || ce.Type != ev.Type || ce.Subject != ev.ResourceID {
		rc.t.Errorf("envelope does not match its event: %s", body)
	}
	rc.mu.Lock()
	rc.got = append(rc.got, delivery{ev.ID, ce.Data, ev.Type, ev.ResourceID, ev.Version, ev.Resource})
	rc.mu.Unlock()
}

// delivered returns, per resource, the versions delivered.
func (rc *receiver) delivered() map[string]map[int64][]delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	m := map[string]map[int64][]delivery{}
	for _, d := range rc.got {
		if m[d.resourceID] == nil {
			m[d.resourceID] = map[int64][]delivery{}
		}
		m[d.resourceID][d.version] = append(m[d.resourceID][d.version], d)
	}
	return m
}

func versionOf(res map[string]any) int64 {
	meta, _ := res["meta"].(map[string]any)
	v, _ := meta["version"].(string)
	n, _ := strconv.ParseInt(strings.Trim(strings.TrimPrefix(v, "W/"), `"`), 10, 64)
	return n
}

// TestServeDeliversEveryCommittedChangeThroughKill9 runs clients that
// create and PATCH users against `scimbridge serve --events-url`, kills
// it with SIGKILL, restarts it, adds members to a group and deletes a
// user, and checks what a loopback receiver got: signed CloudEvents, in
// each resource's order, an event for every version the store kept — so
// for every acknowledged write — and none for a version it did not, with
// the resource as a GET returns it.
func TestServeDeliversEveryCommittedChangeThroughKill9(t *testing.T) {
	const workers = 4
	rc := &receiver{t: t, secret: []byte("events-secret")}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	flags := []string{"--events-url", srv.URL, "--events-secret", string(rc.secret)}
	data := t.TempDir()
	c := &killClient{token: "events-token", users: map[string]*ackedUser{},
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}}

	url, proc, exited := startServeProcess(t, data, c.token, flags...)
	var acks atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { c.work(t, url, w, &acks) })
	}
	for acks.Load() < 60 && !t.Failed() {
		time.Sleep(time.Millisecond)
	}
	if err := proc.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	wg.Wait()
	c.http.CloseIdleConnections()

	url, _, _ = startServeProcess(t, data, c.token, flags...)
	c.check(t, url)
	var ids []string
	for id := range c.users {
		ids = append(ids, id)
	}
	members := make([]string, 0, 3)
	for _, id := range ids[:3] {
		members = append(members, `{"value":"`+id+`"}`)
	}
	status, group, err := c.send(http.MethodPost, url+"/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Kill Group"}`)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("create group: %d, %v", status, err)
	}
	gid := group["id"].(string)
	if status, _, err := c.send(http.MethodPatch, url+"/Groups/"+gid,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[`+strings.Join(members, ",")+`]}]}`); err != nil || status/100 != 2 {
		t.Fatalf("add members: %d, %v", status, err)
	}
	deleted := ids[3]
	if status, _, err := c.send(http.MethodDelete, url+"/Users/"+deleted, ""); err != nil || status != http.StatusNoContent {
		t.Fatalf("delete user: %d, %v", status, err)
	}

	// What the store kept: every resource's final version and body.
	kept := map[string]map[string]any{}
	for _, path := range []string{"/Users?count=1000", "/Groups?count=10"} {
		_, list, err := c.send(http.MethodGet, url+path, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list["Resources"].([]any) {
			_, res, err := c.send(http.MethodGet, url+"/"+strings.SplitN(path[1:], "?", 2)[0]+"/"+r.(map[string]any)["id"].(string), "")
			if err != nil {
				t.Fatal(err)
			}
			kept[res["id"].(string)] = res
		}
	}
	settled := func() bool {
		got := rc.delivered()
		for id, res := range kept {
			if len(got[id][versionOf(res)]) == 0 {
				return false
			}
		}
		return len(got[deleted]) > 0 && got[deleted][maxVersion(got[deleted])][0].typ == "User Deleted"
	}
	for deadline := time.Now().Add(20 * time.Second); !settled(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the receiver did not get every committed change in 20 s")
		}
	}

	got := rc.delivered()
	for id, res := range kept {
		v := versionOf(res)
		for n := int64(1); n <= v; n++ {
			if len(got[id][n]) == 0 {
				t.Errorf("%s: no event for committed version %d", id, n)
			}
		}
		if maxVersion(got[id]) != v {
			t.Errorf("%s: an event for version %d, but the store kept version %d", id, maxVersion(got[id]), v)
		}
		// The event's resource is what a GET returns, without
		// meta.location, a user's groups and a group's members.
		want := map[string]any{}
		for k, x := range res {
			want[k] = x
		}
		delete(want, "groups")
		delete(want, "members")
		meta := map[string]any{}
		for k, x := range res["meta"].(map[string]any) {
			meta[k] = x
		}
		delete(meta, "location")
		want["meta"] = meta
		if last := got[id][v]; !reflect.DeepEqual(last[len(last)-1].resource, want) {
			t.Errorf("%s: event's resource %v, GET returns %v", id, last[len(last)-1].resource, want)
		}
	}
	for id := range got {
		if _, ok := kept[id]; !ok && id != deleted {
			t.Errorf("events for %s, which the store does not have", id)
		}
	}
	if g := got[gid][2]; len(g) == 0 || g[0].typ != "Group Members Added" {
		t.Errorf("group's version 2: %v, want Group Members Added", g)
	}

	// In order per resource, and a redelivery is the same event.
	rc.mu.Lock()
	defer rc.mu.Unlock()
	last := map[string]int64{}
	byID := map[string][]byte{}
	for _, d := range rc.got {
		if prev, ok := byID[d.id]; ok {
			if !bytes.Equal(prev, d.data) {
				t.Errorf("event %s delivered twice with different bodies:\n%s\n%s", d.id, prev, d.data)
			}
			continue
		}
		byID[d.id] = d.data
		if d.version < last[d.resourceID] {
			t.Errorf("%s: version %d delivered after %d", d.resourceID, d.version, last[d.resourceID])
		}
		last[d.resourceID] = d.version
	}
	t.Logf("%d deliveries of %d events for %d resources", len(rc.got), len(byID), len(got))
}

func maxVersion(m map[int64][]delivery) int64 {
	var v int64
	for n := range m {
		v = max(v, n)
	}
	return v
}
