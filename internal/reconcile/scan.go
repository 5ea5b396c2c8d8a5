package reconcile

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// kinds are the kinds whose counters the run checks.
var kinds = []directory.Kind{directory.KindUser, directory.KindGroup}

// checkStore continues the pass over the store: each segment in parallel,
// a page at a time, within an equal share of MaxItems. A segment whose
// check fails stops where its last checked page ended.
func (r *run) checkStore(ctx context.Context) error {
	segments := r.Store.Segments()
	p := &r.st.Pass
	if len(p.Cursors) != segments || len(p.Done) != segments || !slices.Contains(p.Done, false) {
		*p = pass{Cursors: make([]string, segments), Done: make([]bool, segments)}
	}
	fresh := !slices.Contains(p.Done, true) && !slices.ContainsFunc(p.Cursors, func(c string) bool { return c != "" })
	var before map[directory.Kind]int64
	if fresh {
		var err error
		if before, err = r.counters(ctx); err != nil {
			return err
		}
	}

	budget := max(r.MaxItems/segments, 1)
	errs := make([]error, segments)
	var wg sync.WaitGroup
	for seg := range segments {
		if p.Done[seg] {
			continue
		}
		// Each goroutine writes only its own segment's cursor.
		wg.Go(func() { errs[seg] = r.scanSegment(ctx, seg, budget) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	r.rep.PassComplete = !slices.Contains(p.Done, false)
	// Counters can only be compared with a count of the whole store taken
	// in one run: counts of parts taken in different runs would add up
	// records created and deleted in between. So a store larger than
	// MaxItems never has its counters checked; raise MaxItems for a run
	// (scimbridge reconcile --max-items) to check them.
	if fresh && r.rep.PassComplete {
		return r.checkCounters(ctx, before)
	}
	return nil
}

// scanSegment checks a segment's items, a page at a time, until the
// segment ends, budget items were read or time runs short.
func (r *run) scanSegment(ctx context.Context, seg, budget int) error {
	p := &r.st.Pass
	for budget > 0 && !r.outOfTime(ctx) {
		items, next, err := r.Store.Scan(ctx, seg, p.Cursors[seg], min(r.PageSize, budget))
		if err != nil {
			return err
		}
		// An empty page still costs a request; counting it as an item
		// ends a segment that never advances.
		budget -= max(len(items), 1)
		if err := r.check(ctx, items); err != nil {
			return err
		}
		r.mu.Lock()
		r.rep.Checked += len(items)
		r.mu.Unlock()
		p.Cursors[seg] = next
		if next == "" {
			p.Done[seg] = true
			return nil
		}
	}
	return nil
}

// counters reads every kind's counter.
func (r *run) counters(ctx context.Context) (map[directory.Kind]int64, error) {
	out := make(map[directory.Kind]int64, len(kinds))
	for _, kind := range kinds {
		n, err := r.Store.Counter(ctx, kind)
		if err != nil {
			return nil, err
		}
		out[kind] = n
	}
	return out, nil
}

// checkCounters compares each kind's counter with the records the pass
// counted. before holds the counters as they were when the pass began; a
// counter that moved other than by the run's own deletes saw writes during
// the pass, whose count can be off by those writes, so it is left for
// another pass. A repair is conditioned on the counter not moving since.
func (r *run) checkCounters(ctx context.Context, before map[directory.Kind]int64) error {
	after, err := r.counters(ctx)
	if err != nil {
		return err
	}
	for _, kind := range kinds {
		if after[kind] != before[kind]-r.deleted[kind] {
			continue
		}
		r.rep.CountersChecked = true
		found, repaired := 0, 0
		if r.tally[kind] != after[kind] {
			found = 1
			if !r.DryRun {
				err := r.Store.SetCounter(ctx, kind, r.tally[kind], after[kind])
				switch {
				case errors.Is(err, directory.ErrVersion):
				case err != nil:
					return err
				default:
					repaired = 1
				}
			}
		}
		r.count(Counter, 1, found, repaired)
	}
	return nil
}
