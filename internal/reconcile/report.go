package reconcile

import (
	"log/slog"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Invariant names a checked invariant in a Report.
type Invariant string

// The invariants a run checks, and the optional purge.
const (
	// UniqueOwner: every uniqueness item names a live record holding it.
	UniqueOwner Invariant = "uniqueOwner"
	// UniqueKeys: every record holds the uniqueness items of its keys.
	UniqueKeys Invariant = "uniqueKeys"
	// LegacyUnique: no uniqueness item is left of a key that is no longer
	// unique (externalId, before issue 11); each is replaced by the index
	// entry of the record it names.
	LegacyUnique Invariant = "legacyUnique"
	// EntryOwner: every index entry names a live record holding its value.
	EntryOwner Invariant = "entryOwner"
	// EntryKeys: every record has the index entries of its keys.
	EntryKeys Invariant = "entryKeys"
	// Membership: every membership joins a live user and a live group.
	Membership Invariant = "membership"
	// Counter: each kind's counter equals its number of records.
	Counter Invariant = "counter"
	// Delete: no record is left marked deleting.
	Delete Invariant = "delete"
	// Purge: no user has been disabled for longer than asked.
	Purge Invariant = "purge"
)

// maxListed bounds the ids a Report lists.
const maxListed = 50

// Counts are one invariant's tally in a run.
type Counts struct {
	// Checked items (records, uniqueness items, index entries,
	// memberships, counters).
	Checked int `json:"checked"`
	// Found is how many broke the invariant.
	Found int `json:"found"`
	// Repaired is how many of those the run repaired.
	Repaired int `json:"repaired"`
}

// Conflict is a key held by one record while another record holds its
// uniqueness item: reported, never repaired (which record keeps the key is
// a person's decision).
type Conflict struct {
	Kind directory.Kind `json:"kind"`
	Key  directory.Key  `json:"key"`
	// ID is the record without the item; Holder the one the item names.
	ID     string `json:"id"`
	Holder string `json:"holder"`
}

// Report is what a run did: one structured log line and the scheduled
// function's result.
type Report struct {
	Time   time.Time `json:"time"`
	DryRun bool      `json:"dryRun"`
	// Checked is the number of items read.
	Checked int `json:"checked"`
	// PassComplete says the run reached the end of a pass over the store;
	// CountersChecked that the whole pass ran in this run, so counters
	// could be compared with what it counted.
	PassComplete    bool `json:"passComplete"`
	CountersChecked bool `json:"countersChecked"`
	// Found and Repaired add up the invariants' counts.
	Found      int                   `json:"found"`
	Repaired   int                   `json:"repaired"`
	Invariants map[Invariant]*Counts `json:"invariants"`
	Conflicts  []Conflict            `json:"conflicts,omitempty"`
	// RepairErrors are the first repairs that failed, and why.
	RepairErrors []string `json:"repairErrors,omitempty"`
	Purged       []string `json:"purged,omitempty"`
	// Failures is the number of recorded failures the digest read.
	Failures int `json:"failures"`
	// Notices are the subjects of the notices sent, or in a dry run those
	// that would be; Notified counts those sent.
	Notices  []string `json:"notices,omitempty"`
	Notified int      `json:"notified"`
}

func newReport(now time.Time, dryRun bool) *Report {
	r := &Report{Time: now, DryRun: dryRun, Invariants: map[Invariant]*Counts{}}
	for _, inv := range []Invariant{UniqueOwner, UniqueKeys, LegacyUnique, EntryOwner, EntryKeys, Membership, Counter, Delete} {
		r.Invariants[inv] = &Counts{}
	}
	return r
}

// total adds up Found and Repaired.
func (r *Report) total() {
	r.Found, r.Repaired = 0, 0
	for _, c := range r.Invariants {
		r.Found += c.Found
		r.Repaired += c.Repaired
	}
}

// attrs are the report as log attributes.
func (r *Report) attrs() []slog.Attr {
	inv := make([]any, 0, len(r.Invariants))
	for name, c := range r.Invariants {
		inv = append(inv, slog.Group(string(name), "checked", c.Checked, "found", c.Found, "repaired", c.Repaired))
	}
	attrs := []slog.Attr{
		slog.Bool("dry_run", r.DryRun),
		slog.Int("checked", r.Checked),
		slog.Int("found", r.Found),
		slog.Int("repaired", r.Repaired),
		slog.Int("notified", r.Notified),
		slog.Bool("pass_complete", r.PassComplete),
		slog.Bool("counters_checked", r.CountersChecked),
		slog.Group("invariants", inv...),
		slog.Int("failures", r.Failures),
	}
	if len(r.Conflicts) > 0 {
		attrs = append(attrs, slog.Any("conflicts", r.Conflicts))
	}
	if len(r.Purged) > 0 {
		attrs = append(attrs, slog.Any("purged", r.Purged))
	}
	if len(r.Notices) > 0 {
		attrs = append(attrs, slog.Any("notices", r.Notices))
	}
	return attrs
}
