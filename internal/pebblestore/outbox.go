package pebblestore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/events"
)

// The outbox holds the change events of the writes made while it is kept
// (KeepOutbox), each written in the batch of its change, so that no change
// commits without its events and no event without its change
// (docs/events.md, "On the embedded store"):
//
//	outbox        seq, 8 bytes big-endian -> an event's JSON
//	outbox-cursor "delivered" -> seq, 8 bytes big-endian
//	outbox-cursor "kept" -> nil                (the outbox is on)
//
// seq grows by one per event, so the table reads in the order the changes
// committed; the cursor is the last seq the webhook delivered.
var (
	tableOutbox       = newTable("outbox")
	tableOutboxCursor = newTable("outbox-cursor")
	cursorKey         = tableOutboxCursor.key("delivered")
	keptKey           = tableOutboxCursor.key("kept")
)

// outboxRetention is how many delivered events stay in the outbox for
// `scimbridge events tail`; older ones are pruned when the cursor moves.
const outboxRetention = 10000

// KeepOutbox makes every later change of a user or group also write its
// events (events.Derive) into the outbox, in the same batch. The store
// remembers it: every later Open keeps the outbox too, so that changes
// made by other commands on the store (`scimbridge reconcile`'s purge)
// wait there for the next delivery rather than have no event.
func (s *Store) KeepOutbox(ctx context.Context) (err error) {
	defer wrapf(&err, "keep the outbox")
	if err := ctx.Err(); err != nil {
		return err
	}
	err = s.write(func(b *pebble.Batch) error { return b.Set(keptKey, nil, nil) })
	if err == nil {
		s.mu.Lock()
		s.outbox = true
		s.mu.Unlock()
	}
	return err
}

// keepsOutbox reports whether KeepOutbox was called on the store.
func keepsOutbox(r reader) (bool, error) {
	v, err := r.get(keptKey)
	return v != nil, err
}

// emit adds the events of c to b. Called by the writes under mu.
func (s *Store) emit(b *pebble.Batch, c events.Change) error {
	if !s.outbox {
		return nil
	}
	evs, err := events.Derive(c)
	if err != nil {
		return err
	}
	for _, e := range evs {
		v, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode event %s: %w", e.ID, err)
		}
		// The sequence moves only once the batch applies (write), so a
		// write that fails leaves no gap and no event.
		s.pending++
		if err := b.Set(outboxKey(s.seq+s.pending), v, nil); err != nil {
			return err
		}
	}
	return nil
}

func outboxKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(tableOutbox.key(), seq)
}

// lastSeq returns the highest sequence the store has used: the last key
// of the outbox, or the cursor if pruning emptied it.
func lastSeq(r reader) (uint64, error) {
	var last uint64
	err := r.scan(tableOutbox.key(), after(tableOutbox.key()), func(k, _ []byte) error {
		last = binary.BigEndian.Uint64(k[len(tableOutbox):])
		return nil
	})
	if err != nil {
		return 0, err
	}
	cur, err := getUint(r, cursorKey)
	return max(last, cur), err
}

// ReadOutbox calls fn with each event after seq in order, its sequence and
// its JSON (valid only during the call), at most limit of them. It reads
// only events whose change is durable: one applied a moment before its
// fsync is read once the fsync is done.
func (s *Store) ReadOutbox(ctx context.Context, seq uint64, limit int, fn func(seq uint64, event []byte) error) (err error) {
	defer wrapf(&err, "read the outbox after %d", seq)
	if err := ctx.Err(); err != nil {
		return err
	}
	durable := s.durable.Load()
	if seq >= durable {
		return nil
	}
	n := 0
	return s.direct().scan(outboxKey(seq+1), outboxKey(durable+1), func(k, v []byte) error {
		if n == limit {
			return errStop
		}
		n++
		return fn(binary.BigEndian.Uint64(k[len(tableOutbox):]), v)
	})
}

// Cursor returns the sequence of the last event delivered (SaveCursor), 0
// if none was.
func (s *Store) Cursor(ctx context.Context) (seq uint64, err error) {
	defer wrapf(&err, "read the outbox cursor")
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return getUint(s.direct(), cursorKey)
}

// SaveCursor records that the events up to seq were delivered, durably,
// and prunes delivered events but the last outboxRetention.
func (s *Store) SaveCursor(ctx context.Context, seq uint64) (err error) {
	defer wrapf(&err, "save the outbox cursor %d", seq)
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.write(func(b *pebble.Batch) error {
		if err := setUint(b, cursorKey, seq); err != nil {
			return err
		}
		if seq <= outboxRetention {
			return nil
		}
		return b.DeleteRange(outboxKey(0), outboxKey(seq-outboxRetention+1), nil)
	})
}
