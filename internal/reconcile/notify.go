package reconcile

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// pending is a notice that is due, and the change to the state that sending
// it makes. A pending without a Notice only changes the state.
type pending struct {
	notice *Notice
	commit func()
}

// notify works out the notices that are due and sends them. A notice that
// cannot be sent leaves the state as if it had not been due, so the next
// run tries again.
func (r *run) notify(ctx context.Context) error {
	r.st.forget(r.now, r.QuietPeriod, r.FailureRetention)
	var due []pending
	var errs []error
	fs, since, until, err := r.failures(ctx)
	if err != nil {
		errs = append(errs, err)
	} else {
		due = append(due, r.digest(fs, since, until))
	}
	for _, check := range []func(context.Context) (pending, error){r.stall, r.previousToken} {
		p, err := check(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		due = append(due, p)
	}
	due = append(due, r.purgeNotice())

	for _, p := range due {
		if p.notice == nil {
			if p.commit != nil {
				p.commit()
			}
			continue
		}
		r.rep.Notices = append(r.rep.Notices, p.notice.Subject)
		if r.DryRun {
			continue
		}
		if r.Notifier != nil {
			if err := r.Notifier.Notify(ctx, *p.notice); err != nil {
				errs = append(errs, fmt.Errorf("send %s notice: %w", p.notice.Kind, err))
				continue
			}
			r.rep.Notified++
		}
		p.commit()
	}
	return errors.Join(errs...)
}

// failures returns the failures recorded since the last digest (the first
// digest reads back as far as failures are kept), and their window.
func (r *run) failures(ctx context.Context) (fs []journal.Failure, since, until time.Time, err error) {
	since = r.st.DigestedUntil
	if since.IsZero() {
		since = r.now.Add(-r.FailureRetention)
	}
	until = r.now.Add(-settle)
	if !until.After(since) {
		return nil, since, since, nil
	}
	if fs, err = r.Store.Failures(ctx, since, until, maxFailures); err != nil {
		return nil, since, since, fmt.Errorf("read failures: %w", err)
	}
	if len(fs) == maxFailures {
		until = fs[len(fs)-1].Time
	}
	r.rep.Failures = len(fs)
	return fs, since, until, nil
}

// stall notices that Entra's requests stopped after some were seen, and,
// once, that they came back.
func (r *run) stall(ctx context.Context) (pending, error) {
	last, err := r.Store.LastSeen(ctx, journal.SeenRequest)
	if err != nil || last.IsZero() {
		return pending{}, err
	}
	switch stalled := r.st.Stalled; {
	case stalled.IsZero() && r.now.Sub(last) > r.StallAfter:
		n := stalledNotice(last, r.now)
		return pending{&n, func() { r.st.Stalled = last }}, nil
	case !stalled.IsZero() && last.After(stalled):
		n := resumedNotice(stalled, last)
		return pending{&n, func() { r.st.Stalled = time.Time{} }}, nil
	}
	return pending{}, nil
}

// previousToken notices that requests still used the previous token longer
// than the grace period after the rotation.
func (r *run) previousToken(ctx context.Context) (pending, error) {
	if r.Rotation == nil {
		return pending{}, nil
	}
	last, err := r.Store.LastSeen(ctx, journal.SeenPreviousToken)
	if err != nil || !last.After(r.st.PreviousUse) {
		return pending{}, err
	}
	rotated, err := r.Rotation.RotatedAt(ctx)
	if err != nil {
		return pending{}, fmt.Errorf("read the token's rotation: %w", err)
	}
	const key = "previous-token"
	if last.Sub(rotated) <= r.PreviousTokenGrace || !r.st.due(key, 1, r.now, r.QuietPeriod) {
		return pending{}, nil
	}
	n := previousTokenNotice(rotated, last, r.PreviousTokenAccepted)
	return pending{&n, func() { r.st.PreviousUse = last; r.st.markSent(key, 1, r.now) }}, nil
}

// purgeNotice reports the users the run purged.
func (r *run) purgeNotice() pending {
	if r.purgedCount == 0 {
		return pending{}
	}
	n := purgeNotice(r.purgedCount, r.rep.Purged, r.PurgeDisabledAfter)
	return pending{&n, func() {}}
}
