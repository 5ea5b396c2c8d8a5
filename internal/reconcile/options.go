package reconcile

import (
	"log/slog"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// Defaults of Options.
const (
	// DefaultMaxItems bounds the items one run reads: about half a minute
	// of parallel scanning on DynamoDB, so a table of a million items is
	// covered in ten runs.
	DefaultMaxItems = 100_000
	// DefaultPageSize is the most items one Scan returns (DynamoDB returns
	// at most 1 MB, about a thousand records, anyway).
	DefaultPageSize = 1000
	// DefaultQuietPeriod is how long a notice is not repeated.
	DefaultQuietPeriod = 24 * time.Hour
	// DefaultStallAfter is three of Entra's 40-minute cycles.
	DefaultStallAfter = 2 * time.Hour
	// DefaultPreviousTokenGrace is how long after a rotation the previous
	// token may still be used before Entra is said to need the new one.
	DefaultPreviousTokenGrace = 24 * time.Hour
	// DefaultPreviousTokenAccepted is how long after a rotation the HTTP
	// functions accept the previous token (secrets.DefaultPreviousFor).
	DefaultPreviousTokenAccepted = 7 * 24 * time.Hour
)

const (
	// timeReserve is the time a run keeps, before its context's
	// deadline, to send notices and save its state after scanning; a
	// quarter of the time left at its start if that is less.
	timeReserve = 30 * time.Second
	// settle is how far behind now a digest ends, so failures whose
	// records are still being written (or come from a clock a little
	// behind) fall into the next digest rather than none.
	settle = 30 * time.Second
	// maxFailures bounds the failures one digest reads; the next run
	// continues after the last one read.
	maxFailures = 10_000
	// growth is how much a cause must grow to be sent again within the
	// quiet period.
	growth = 10
)

// Options configure a Run. Zero values select the defaults.
type Options struct {
	// Store is the store to check and repair, and the failure log.
	Store Store
	// Notifier publishes notices; nil only reports them.
	Notifier Notifier
	// Rotation tells when the token was rotated; nil turns the check of
	// the previous token off.
	Rotation Rotation
	// Logger receives the run's report line; nil discards it.
	Logger *slog.Logger
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// DryRun reports what a run would repair and send, and repairs,
	// sends and saves nothing.
	DryRun bool
	// MaxItems bounds the items read per run; default DefaultMaxItems.
	MaxItems int
	// PageSize is the most items read per Scan; default DefaultPageSize.
	PageSize int
	// QuietPeriod is how long the same notice is not sent again (unless
	// its count grows tenfold); default DefaultQuietPeriod.
	QuietPeriod time.Duration
	// StallAfter is how long without requests, after some were seen,
	// means provisioning stalled; default DefaultStallAfter.
	StallAfter time.Duration
	// PreviousTokenGrace is how long the previous token may be used
	// after a rotation; default DefaultPreviousTokenGrace.
	PreviousTokenGrace time.Duration
	// PreviousTokenAccepted is how long after a rotation the HTTP
	// functions accept the previous token, which the previous-token
	// notice tells; default DefaultPreviousTokenAccepted.
	PreviousTokenAccepted time.Duration
	// PurgeDisabledAfter, when positive, deletes users whose active is
	// false and who have not changed for that long, with their
	// memberships. Zero keeps them.
	PurgeDisabledAfter time.Duration
	// FailureRetention is how far back the first digest reads; default
	// journal.DefaultRetention.
	FailureRetention time.Duration
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	defaultTo(&o.MaxItems, DefaultMaxItems)
	defaultTo(&o.PageSize, DefaultPageSize)
	defaultTo(&o.QuietPeriod, DefaultQuietPeriod)
	defaultTo(&o.StallAfter, DefaultStallAfter)
	defaultTo(&o.PreviousTokenGrace, DefaultPreviousTokenGrace)
	defaultTo(&o.PreviousTokenAccepted, DefaultPreviousTokenAccepted)
	defaultTo(&o.FailureRetention, journal.DefaultRetention)
	return o
}

func defaultTo[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
