package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// run is one Run in progress.
type run struct {
	Options
	now time.Time
	st  *state

	mu  sync.Mutex // guards rep and the tallies of concurrent segments
	rep *Report
	// tally counts each kind's records in this run's part of the pass,
	// less those the run deleted; deleted counts those.
	tally, deleted map[directory.Kind]int64
	// purgedCount counts the users purged (or, in a dry run, that would
	// be).
	purgedCount int
	// reserve is the time kept before the context's deadline.
	reserve time.Duration
}

// Run checks and repairs the store's invariants over at most
// Options.MaxItems items, continuing the pass over the store where the
// previous run stopped, then sends the notices that are due and saves its
// state (a dry run sends and saves nothing). It logs the report as one line
// and returns it, with an error joining whatever kept it from its work: a
// store that cannot be read or written, a notice that could not be sent.
// Repairs of single items that failed are reported (RepairsFailed,
// RepairErrors, a warning) but are no error of the run, which did its work
// around them: failing it would only make the scheduler's retries repeat
// them. A notice that was not sent is tried again by the next run.
func Run(ctx context.Context, opts Options) (Report, error) {
	r := &run{Options: opts.withDefaults(), tally: map[directory.Kind]int64{}, deleted: map[directory.Kind]int64{}}
	if r.Store == nil {
		return Report{}, errors.New("reconcile: no store")
	}
	r.now = r.Now().UTC()
	r.rep = newReport(r.now, r.DryRun)
	r.reserve = timeReserve
	if deadline, ok := ctx.Deadline(); ok {
		r.reserve = min(timeReserve, time.Until(deadline)/4)
	}
	if r.PurgeDisabledAfter > 0 {
		r.rep.Invariants[Purge] = &Counts{}
	}
	st, version, err := loadState(ctx, r.Store)
	if err != nil {
		return *r.rep, fmt.Errorf("reconcile: %w", err)
	}
	r.st = st

	var errs []error
	if err := r.checkStore(ctx); err != nil {
		errs = append(errs, fmt.Errorf("check the store: %w", err))
	}
	if err := r.notify(ctx); err != nil {
		errs = append(errs, err)
	}
	if !r.DryRun {
		if err := saveState(ctx, r.Store, r.st, version); err != nil {
			errs = append(errs, err)
		}
	}
	r.rep.total()
	err = errors.Join(errs...)
	level, attrs := slog.LevelInfo, r.rep.attrs()
	if r.rep.RepairsFailed > 0 {
		level = slog.LevelWarn
	}
	if err != nil {
		level, attrs = slog.LevelError, append(attrs, slog.String("error", err.Error()))
	}
	r.Logger.LogAttrs(ctx, level, "reconcile", attrs...)
	if err != nil {
		err = fmt.Errorf("reconcile: %w", err)
	}
	return *r.rep, err
}

// count adds to an invariant's counts.
func (r *run) count(inv Invariant, checked, found, repaired int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.rep.Invariants[inv]
	c.Checked += checked
	c.Found += found
	c.Repaired += repaired
}

// outOfTime reports whether the run must stop scanning to keep time for
// its notices and state.
func (r *run) outOfTime(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < r.reserve
}
