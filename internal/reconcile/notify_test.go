package reconcile_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// wantNotices checks the kinds and subjects of got.
func wantNotices(t *testing.T, step string, got []reconcile.Notice, want ...string) {
	t.Helper()
	var subjects []string
	for _, n := range got {
		subjects = append(subjects, n.Subject)
	}
	if strings.Join(subjects, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: got notices\n  %s\nwant\n  %s", step, strings.Join(subjects, "\n  "), strings.Join(want, "\n  "))
	}
}

func digestOf(t *testing.T, n reconcile.Notice) reconcile.Digest {
	t.Helper()
	if n.Kind != reconcile.NoticeDigest {
		t.Fatalf("notice kind %q, want digest", n.Kind)
	}
	var d reconcile.Digest
	if err := json.Unmarshal(n.Data, &d); err != nil {
		t.Fatalf("digest data: %v\n%s", err, n.Data)
	}
	return d
}

func TestDigest(t *testing.T) {
	for _, e := range envs {
		t.Run(e.name, func(t *testing.T) {
			env, clk := e.new(t), newClock()
			start := clk.now
			env.fail(t, 37, start.Add(time.Minute), "POST", "/Users", 409, "uniqueness")
			env.fail(t, 3, start.Add(2*time.Minute), "GET", "/Users/{id}", 404, "")
			clk.advance(30 * time.Minute)
			got := env.run(t, env.options(clk))
			wantNotices(t, "first run", got,
				"scim-bridge: 40 provisioning failures (37 × 409 uniqueness on POST /Users; 1 more cause)")
			if len(got) != 1 {
				return
			}
			d := digestOf(t, got[0])
			if d.Total != 40 || len(d.Causes) != 2 {
				t.Fatalf("digest total %d with %d causes, want 40 with 2: %+v", d.Total, len(d.Causes), d)
			}
			c := d.Causes[0]
			if c.Count != 37 || c.Status != 409 || c.ScimType != "uniqueness" || c.Method != "POST" || c.Route != "/Users" {
				t.Errorf("first cause %+v, want 37 × 409 uniqueness on POST /Users", c)
			}
			if !c.First.Equal(start.Add(time.Minute)) || !c.Last.Equal(start.Add(time.Minute+36*time.Millisecond)) {
				t.Errorf("first cause seen %v to %v", c.First, c.Last)
			}
			if c.Example != "detail 36" || len(c.ResourceIDs) != 5 || c.ClientRequestIDs[0] != "crid-36" {
				t.Errorf("first cause example %q, ids %v, client ids %v", c.Example, c.ResourceIDs, c.ClientRequestIDs)
			}
			if d.Causes[1].Count != 3 || d.Causes[1].Route != "/Users/{id}" {
				t.Errorf("second cause %+v, want 3 × 404 on GET /Users/{id}", d.Causes[1])
			}
			for _, want := range []string{"37 × 409 uniqueness on POST /Users", "3 × 404 on GET /Users/{id}", "InvalidAnchor", "crid-36"} {
				if !strings.Contains(got[0].Body, want) {
					t.Errorf("body lacks %q:\n%s", want, got[0].Body)
				}
			}
			clk.advance(30 * time.Minute)
			wantNotices(t, "second run, no new failures", env.run(t, env.options(clk)))
		})
	}
}

func TestDigestQuietPeriod(t *testing.T) {
	for _, e := range envs {
		t.Run(e.name, func(t *testing.T) {
			env, clk := e.new(t), newClock()
			step := func(name string, failures int, want ...string) []reconcile.Notice {
				t.Helper()
				if failures > 0 {
					env.fail(t, failures, clk.now, "POST", "/Users", 409, "uniqueness")
				}
				clk.advance(30 * time.Minute)
				got := env.run(t, env.options(clk))
				wantNotices(t, name, got, want...)
				return got
			}
			step("first", 5, "scim-bridge: 5 provisioning failures (409 uniqueness on POST /Users)")
			step("held back within the quiet period", 20)
			step("held back below tenfold", 24)
			got := step("sent again when grown tenfold", 6,
				"scim-bridge: 50 provisioning failures (409 uniqueness on POST /Users)")
			if len(got) == 1 {
				if c := digestOf(t, got[0]).Causes[0]; c.Count != 50 || !c.First.Equal(newClock().now.Add(30*time.Minute)) {
					t.Errorf("regrown cause %+v, want the 50 failures since the first notice", c)
				}
			}
			step("held back again", 100)
			clk.advance(24 * time.Hour)
			step("sent after the quiet period", 1,
				"scim-bridge: 101 provisioning failures (409 uniqueness on POST /Users)")
		})
	}
}

func TestStalledAndResumed(t *testing.T) {
	for _, e := range envs {
		t.Run(e.name, func(t *testing.T) {
			env, clk := e.new(t), newClock()
			seen := func(at time.Time) {
				if err := env.store.MarkSeen(t.Context(), journal.SeenRequest, at); err != nil {
					t.Fatal(err)
				}
			}
			wantNotices(t, "no traffic ever", env.run(t, env.options(clk)))
			seen(clk.now)
			clk.advance(time.Hour)
			wantNotices(t, "an hour after the last request", env.run(t, env.options(clk)))
			clk.advance(time.Hour + 10*time.Minute)
			got := env.run(t, env.options(clk))
			wantNotices(t, "two hours after", got,
				"scim-bridge: no provisioning requests for 2h10m; Entra's job may be quarantined or stopped")
			if len(got) == 1 && (got[0].Kind != reconcile.NoticeStalled || !strings.Contains(got[0].Body, "Quarantine")) {
				t.Errorf("stalled notice %q:\n%s", got[0].Kind, got[0].Body)
			}
			clk.advance(3 * time.Hour)
			wantNotices(t, "still stalled", env.run(t, env.options(clk)))
			seen(clk.now)
			clk.advance(time.Minute)
			wantNotices(t, "traffic again", env.run(t, env.options(clk)),
				"scim-bridge: provisioning requests resumed after a stall since 2026-11-30 09:00:00 UTC")
			clk.advance(30 * time.Minute)
			wantNotices(t, "flowing", env.run(t, env.options(clk)))
		})
	}
}

// rotation is a token rotated at a fixed time.
type rotation time.Time

func (r rotation) RotatedAt(context.Context) (time.Time, error) { return time.Time(r), nil }

func TestPreviousTokenAfterRotation(t *testing.T) {
	env, clk := newMemoryEnv(t), newClock()
	rotated := clk.now
	opts := func() reconcile.Options {
		o := env.options(clk)
		o.Rotation = rotation(rotated)
		return o
	}
	used := func(at time.Time) {
		if err := env.store.MarkSeen(t.Context(), journal.SeenPreviousToken, at); err != nil {
			t.Fatal(err)
		}
	}
	used(clk.now.Add(20 * time.Hour))
	clk.advance(21 * time.Hour)
	wantNotices(t, "used within a day", env.run(t, opts()))
	used(clk.now.Add(5 * time.Hour))
	clk.advance(6 * time.Hour)
	wantNotices(t, "used after a day", env.run(t, opts()),
		"scim-bridge: Entra still uses the previous Secret Token 26h after rotation; update it")
	clk.advance(time.Hour)
	wantNotices(t, "no use since", env.run(t, opts()))
	used(clk.now)
	clk.advance(time.Hour)
	wantNotices(t, "used again within the quiet period", env.run(t, opts()))
	clk.advance(24 * time.Hour)
	wantNotices(t, "after the quiet period", env.run(t, opts()),
		"scim-bridge: Entra still uses the previous Secret Token 28h after rotation; update it")
}

func TestDryRunSendsNothing(t *testing.T) {
	env, clk := newMemoryEnv(t), newClock()
	env.fail(t, 3, clk.now, "POST", "/Groups", 409, "uniqueness")
	clk.advance(time.Hour)
	opts := env.options(clk)
	opts.DryRun = true
	rep, err := reconcile.Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "scim-bridge: 3 provisioning failures (409 uniqueness on POST /Groups)"
	if len(rep.Notices) != 1 || rep.Notices[0] != want || rep.Notified != 0 {
		t.Errorf("dry run reported notices %q, %d sent; want [%q], none sent", rep.Notices, rep.Notified, want)
	}
	wantNotices(t, "dry run", env.received(t))
	wantNotices(t, "real run", env.run(t, env.options(clk)), want)
}

func TestUnsentNoticeIsSentByTheNextRun(t *testing.T) {
	env, clk := newMemoryEnv(t), newClock()
	env.fail(t, 2, clk.now, "DELETE", "/Users/{id}", 500, "")
	clk.advance(time.Hour)
	rec := env.notifier.(*recorder)
	rec.fail = true
	if _, err := reconcile.Run(t.Context(), env.options(clk)); err == nil || !strings.Contains(err.Error(), "digest") {
		t.Errorf("Run with a failing notifier: got %v, want an error about the digest", err)
	}
	rec.fail = false
	clk.advance(30 * time.Minute)
	wantNotices(t, "next run", env.run(t, env.options(clk)),
		"scim-bridge: 2 provisioning failures (500 on DELETE /Users/{id})")
}
