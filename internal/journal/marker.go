package journal

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

const (
	// WriteTimeout bounds a failure record or seen mark write, which runs
	// before a response returns: a slow store costs a request at most this
	// much, never its answer.
	WriteTimeout = 300 * time.Millisecond
	// markEvery is the least time between two seen marks of one kind from
	// one Marker: the stall check counts in hours, so a mark a minute is
	// plenty and costs one write per minute per Lambda instance.
	markEvery = time.Minute
)

// Marker returns a function that records what as seen now in w, at most
// once a minute per returned function (so per process), bounded by
// WriteTimeout and the context's deadline but not ended by its
// cancellation, logging a failed write to logger (nil discards it). The
// handler marks its authenticated requests with one; hooks outside the
// handler, such as the token source's use of a previous token, use their
// own.
func Marker(w Writer, what Seen, logger *slog.Logger) func(context.Context) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var last atomic.Int64 // UnixNano of the last mark begun
	return func(ctx context.Context) {
		now := time.Now()
		prev := last.Load()
		if prev != 0 && now.UnixNano()-prev < int64(markEvery) {
			return
		}
		// Of concurrent requests, only the one that moves the time marks.
		if !last.CompareAndSwap(prev, now.UnixNano()) {
			return
		}
		// Not cancelled with the request, but within its deadline, if any.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), WriteTimeout)
		defer cancel()
		if d, ok := ctx.Deadline(); ok {
			var cancelAt context.CancelFunc
			wctx, cancelAt = context.WithDeadline(wctx, d)
			defer cancelAt()
		}
		if err := w.MarkSeen(wctx, what, now.UTC()); err != nil {
			logger.LogAttrs(ctx, slog.LevelWarn, "cannot mark as seen",
				slog.String("seen", string(what)), slog.String("error", err.Error()))
		}
	}
}
