package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// state is what a run remembers for the next one, saved in the store.
type state struct {
	Pass pass `json:"pass"`
	// DigestedUntil is the end of the last digest's window.
	DigestedUntil time.Time `json:"digestedUntil,omitzero"`
	// Sent remembers notices by cause, for the quiet period.
	Sent map[string]*sent `json:"sent,omitempty"`
	// Stalled is the last request seen when a stall was noticed; zero
	// while traffic flows.
	Stalled time.Time `json:"stalled,omitzero"`
	// PreviousUse is the use of the previous token last noticed.
	PreviousUse time.Time `json:"previousUse,omitzero"`
}

// pass is the progress of the pass over the store: each segment's cursor,
// and whether it reached its end.
type pass struct {
	Cursors []string `json:"cursors,omitempty"`
	Done    []bool   `json:"done,omitempty"`
}

// sent is the last notice of one cause, and what was held back since.
type sent struct {
	At          time.Time `json:"at"`
	Count       int       `json:"count"`
	Unsent      int       `json:"unsent,omitempty"`
	UnsentFirst time.Time `json:"unsentFirst,omitzero"`
}

func loadState(ctx context.Context, j Journal) (*state, int64, error) {
	data, version, err := j.LoadState(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("load state: %w", err)
	}
	st := &state{}
	if len(data) > 0 {
		if err := json.Unmarshal(data, st); err != nil {
			// A state that cannot be read is started afresh: at worst a
			// pass restarts and a notice is repeated.
			st = &state{}
		}
	}
	if st.Sent == nil {
		st.Sent = map[string]*sent{}
	}
	return st, version, nil
}

func saveState(ctx context.Context, j Journal, st *state, version int64) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err := j.SaveState(ctx, data, version); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// due reports whether a notice about key, counting count occurrences, is
// to be sent at now: never sent, sent longer than quiet ago, or grown
// tenfold since (counting what was held back).
func (st *state) due(key string, count int, now time.Time, quiet time.Duration) bool {
	s := st.Sent[key]
	return s == nil || now.Sub(s.At) >= quiet || count+s.Unsent >= growth*s.Count
}

// held returns what was held back of key since its last notice.
func (st *state) held(key string) (int, time.Time) {
	if s := st.Sent[key]; s != nil {
		return s.Unsent, s.UnsentFirst
	}
	return 0, time.Time{}
}

// markSent records a notice about key, of count occurrences, sent at now.
func (st *state) markSent(key string, count int, now time.Time) {
	st.Sent[key] = &sent{At: now, Count: count}
}

// hold records count occurrences of key, the first at first, not sent.
func (st *state) hold(key string, count int, first time.Time) {
	s := st.Sent[key]
	if s.Unsent == 0 || first.Before(s.UnsentFirst) {
		s.UnsentFirst = first
	}
	s.Unsent += count
}

// forget drops what no longer holds anything back: causes whose quiet
// period is over and that held nothing back, and any older than keep.
func (st *state) forget(now time.Time, quiet, keep time.Duration) {
	for key, s := range st.Sent {
		if now.Sub(s.At) >= keep || (now.Sub(s.At) >= quiet && s.Unsent == 0) {
			delete(st.Sent, key)
		}
	}
}
