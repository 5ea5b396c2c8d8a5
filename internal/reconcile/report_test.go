package reconcile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// TestReportIsOneLogLine checks that a run logs its report as one JSON line
// and returns the same counts.
func TestReportIsOneLogLine(t *testing.T) {
	env, clk := newMemoryEnv(t), newClock()
	if err := env.store.AddMembers(t.Context(), "g1", []string{"ghost"}); err != nil {
		t.Fatal(err)
	}
	env.fail(t, 2, clk.now, "POST", "/Users", 409, "uniqueness")
	clk.advance(time.Hour)
	var out bytes.Buffer
	opts := env.options(clk)
	opts.Logger = slog.New(slog.NewJSONHandler(&out, nil))
	rep, err := reconcile.Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Repaired != 1 || rep.Invariants[reconcile.Membership].Repaired != 1 || rep.Notified != 1 || rep.Failures != 2 {
		t.Errorf("report %+v, want one membership repaired, two failures and one notice", rep)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1:\n%s", len(lines), out.String())
	}
	var line struct {
		Msg                         string
		Checked, Repaired, Notified int
		Invariants                  map[string]struct{ Checked, Found, Repaired int }
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatal(err)
	}
	if line.Msg != "reconcile" || line.Checked != rep.Checked || line.Repaired != 1 || line.Notified != 1 ||
		line.Invariants["membership"].Repaired != 1 {
		t.Errorf("log line %s does not match the report %+v", lines[0], rep)
	}
}

// TestShortDeadlineStillScans checks that a run whose context ends soon (a
// Lambda function with a short timeout) keeps only part of its time for
// notices and still checks the store.
func TestShortDeadlineStillScans(t *testing.T) {
	env, clk := newMemoryEnv(t), newClock()
	if err := env.store.AddMembers(t.Context(), "g1", []string{"ghost"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	rep, err := reconcile.Run(ctx, env.options(clk))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != 1 || rep.Repaired != 1 || !rep.PassComplete {
		t.Errorf("checked %d, repaired %d, pass complete %v; want the orphan checked and repaired", rep.Checked, rep.Repaired, rep.PassComplete)
	}
}

// brokenRepairs is a store whose membership repairs fail with an error
// that is not the store's unavailability: one bad item.
type brokenRepairs struct{ reconcile.Store }

func (brokenRepairs) RemoveMembers(context.Context, string, []string) error {
	return errors.New("item too large")
}

// TestFailedRepairsAreReportedNotFailed checks that a run that did its work
// around a repair that failed succeeds, and reports the failure: an error
// would only make the scheduler run it again.
func TestFailedRepairsAreReportedNotFailed(t *testing.T) {
	env, clk := newMemoryEnv(t), newClock()
	if err := env.store.AddMembers(t.Context(), "g1", []string{"ghost"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opts := env.options(clk)
	opts.Store = brokenRepairs{env.store}
	opts.Logger = slog.New(slog.NewJSONHandler(&out, nil))
	rep, err := reconcile.Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if rep.RepairsFailed != 1 || len(rep.RepairErrors) != 1 || !strings.Contains(rep.RepairErrors[0], "item too large") {
		t.Errorf("report: %d repairs failed %v, want 1 naming its cause", rep.RepairsFailed, rep.RepairErrors)
	}
	if !strings.Contains(out.String(), `"level":"WARN"`) || !strings.Contains(out.String(), `"repairs_failed":1`) {
		t.Errorf("the report line is no warning naming the failed repair:\n%s", out.String())
	}
}
