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
	// responseReserve is the time a journal write leaves before its
	// caller's deadline (a Lambda invocation's), for the response itself.
	responseReserve = 200 * time.Millisecond
)

// WriteContext returns the context of a journal write made while a request
// is answered: not cancelled with ctx, since the record matters most when
// the request failed, but ending after WriteTimeout and responseReserve
// before ctx's deadline, if it has one.
func WriteContext(ctx context.Context) (context.Context, context.CancelFunc) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), WriteTimeout)
	d, ok := ctx.Deadline()
	if !ok {
		return wctx, cancel
	}
	wctx, cancelAt := context.WithDeadline(wctx, d.Add(-responseReserve))
	return wctx, func() { cancelAt(); cancel() }
}

// Marker returns a function that records what as seen now in w, at most
// once a minute per returned function (so per process), in a WriteContext
// made only when it writes, logging a failed write to logger (nil discards it). The
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
		wctx, cancel := WriteContext(ctx)
		defer cancel()
		if err := w.MarkSeen(wctx, what, now.UTC()); err != nil {
			logger.LogAttrs(ctx, slog.LevelWarn, "cannot mark as seen",
				slog.String("seen", string(what)), slog.String("error", err.Error()))
		}
	}
}
