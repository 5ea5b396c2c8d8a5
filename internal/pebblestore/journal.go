package pebblestore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// The failure log and the reconciler's state live in tables of their own:
//
//	failures   time (8 bytes, Unix ns, big-endian), 8 random bytes -> failure JSON
//	seen       journal.Seen -> time (8 bytes, Unix ns, big-endian)
//	reconcile  "state" -> the run state; "version" -> uint64, big-endian
var (
	tableFailures  = newTable("failures")
	tableSeen      = newTable("seen")
	tableReconcile = newTable("reconcile")

	stateKey        = tableReconcile.key("state")
	stateVersionKey = tableReconcile.key("version")
)

// prunePerWrite bounds the expired failures one RecordFailure deletes, so
// the log stays about its retention long without a write ever doing much.
const prunePerWrite = 16

// failureRecord is a failure as stored.
type failureRecord struct {
	Time            time.Time `json:"time"`
	Expires         time.Time `json:"expires"`
	Method          string    `json:"method"`
	Route           string    `json:"route,omitempty"`
	Status          int       `json:"status"`
	ScimType        string    `json:"scimType,omitempty"`
	Detail          string    `json:"detail,omitempty"`
	ResourceID      string    `json:"resourceId,omitempty"`
	ClientRequestID string    `json:"clientRequestId,omitempty"`
}

// timeKey is t as a key that sorts in time order; times before 1970 sort
// as 1970.
func timeKey(t time.Time) []byte {
	var n int64
	if t.Unix() > 0 {
		n = t.UnixNano()
	}
	return binary.BigEndian.AppendUint64(nil, uint64(n))
}

// RecordFailure keeps f, keyed by its time, and drops a few of the oldest
// records whose time is further back than f's retention. It shares an
// fsync with concurrent writers.
func (s *Store) RecordFailure(ctx context.Context, f journal.Failure) (err error) {
	defer wrapf(&err, "record failure")
	if err := ctx.Err(); err != nil {
		return err
	}
	v, err := json.Marshal(failureRecord(f))
	if err != nil {
		return err
	}
	k := tableFailures.key(string(timeKey(f.Time)), rand.Text()[:8])
	expired := timeKey(f.Time.Add(-f.Expires.Sub(f.Time)))
	return s.write(func(b *pebble.Batch) error {
		var old [][]byte
		err := scanPrefix(s.direct(), tableFailures, func(ok, _ []byte) error {
			if len(old) == prunePerWrite || bytes.Compare(ok[len(tableFailures):len(tableFailures)+8], expired) >= 0 {
				return errStop
			}
			old = append(old, bytes.Clone(ok))
			return nil
		})
		if err != nil {
			return err
		}
		for _, ok := range old {
			if err := b.Delete(ok, nil); err != nil {
				return err
			}
		}
		return b.Set(k, v, nil)
	})
}

// Failures returns the failures with since < Time <= until, oldest first,
// at most limit.
func (s *Store) Failures(ctx context.Context, since, until time.Time, limit int) (out []journal.Failure, err error) {
	defer wrapf(&err, "read failures")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	lower := tableFailures.key(string(timeKey(since.Add(time.Nanosecond))))
	upper := after(tableFailures.key(string(timeKey(until))))
	err = s.direct().scan(lower, upper, func(k, v []byte) error {
		if len(out) == limit {
			return errStop
		}
		var f failureRecord
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("decode failure %x: %w", k, err)
		}
		out = append(out, journal.Failure(f))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkSeen keeps at as the time of what, unless a later time is kept.
func (s *Store) MarkSeen(ctx context.Context, what journal.Seen, at time.Time) (err error) {
	defer wrapf(&err, "mark %s seen", what)
	if err := ctx.Err(); err != nil {
		return err
	}
	k := tableSeen.key(string(what))
	return s.write(func(b *pebble.Batch) error {
		old, err := s.direct().get(k)
		if err != nil {
			return err
		}
		if old != nil && bytes.Compare(old, timeKey(at)) >= 0 {
			return nil
		}
		return b.Set(k, timeKey(at), nil)
	})
}

// LastSeen returns the time kept for what, zero if none.
func (s *Store) LastSeen(ctx context.Context, what journal.Seen) (at time.Time, err error) {
	defer wrapf(&err, "read when %s was seen", what)
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	v, err := s.direct().get(tableSeen.key(string(what)))
	if len(v) == 8 {
		at = time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
	}
	return at, err
}

// LoadState returns the reconciler's saved state and its version.
func (s *Store) LoadState(ctx context.Context) (data []byte, version int64, err error) {
	defer wrapf(&err, "load the reconciler's state")
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	err = s.view(func(r reader) error {
		if data, err = r.get(stateKey); err != nil {
			return err
		}
		v, err := getUint(r, stateVersionKey)
		version = int64(v)
		return err
	})
	return data, version, err
}

// SaveState saves the reconciler's state as version+1 if the saved one is
// version, else fails with directory.ErrVersion.
func (s *Store) SaveState(ctx context.Context, data []byte, version int64) (err error) {
	defer wrapf(&err, "save the reconciler's state")
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.write(func(b *pebble.Batch) error {
		got, err := getUint(s.direct(), stateVersionKey)
		if err != nil {
			return err
		}
		if int64(got) != version {
			return fmt.Errorf("saved by another run (version %d, not %d): %w", got, version, directory.ErrVersion)
		}
		if err := b.Set(stateKey, data, nil); err != nil {
			return err
		}
		return setUint(b, stateVersionKey, uint64(version+1))
	})
}
