package journal_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// marks is a journal.Writer that counts marks; fail, if set, fails them.
type marks struct {
	mu   sync.Mutex
	seen []journal.Seen
	fail error
}

func (m *marks) RecordFailure(context.Context, journal.Failure) error { return nil }

func (m *marks) MarkSeen(_ context.Context, what journal.Seen, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen = append(m.seen, what)
	return m.fail
}

func TestMarkerMarksOncePerInterval(t *testing.T) {
	m := &marks{}
	mark := journal.Marker(m, journal.SeenPreviousToken, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { mark(t.Context()) })
	}
	wg.Wait()
	mark(t.Context())
	if len(m.seen) != 1 || m.seen[0] != journal.SeenPreviousToken {
		t.Errorf("got marks %v, want one %q", m.seen, journal.SeenPreviousToken)
	}
	// Another marker (another process) marks on its own.
	journal.Marker(m, journal.SeenRequest, nil)(t.Context())
	if len(m.seen) != 2 {
		t.Errorf("a second marker made %d marks in all, want 2", len(m.seen))
	}
}

func TestMarkerLogsAFailedWrite(t *testing.T) {
	var log bytes.Buffer
	m := &marks{fail: errors.New("table unreachable")}
	journal.Marker(m, journal.SeenRequest, slog.New(slog.NewTextHandler(&log, nil)))(t.Context())
	if got := log.String(); !strings.Contains(got, "cannot mark as seen") || !strings.Contains(got, "table unreachable") {
		t.Errorf("log = %q, want the failed mark and its error", got)
	}
}
