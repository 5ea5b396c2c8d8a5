package boltstore

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// The failure log and the reconciler's state live in buckets of their own,
// made on their first write:
//
//	failures   time (8 bytes, Unix ns, big-endian), 8 random bytes -> failure JSON
//	seen       journal.Seen -> time (8 bytes, Unix ns, big-endian)
//	reconcile  "state" -> the run state; "version" -> uint64, big-endian
var (
	bucketFailures  = []byte("failures")
	bucketSeen      = []byte("seen")
	bucketReconcile = []byte("reconcile")
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
	HadToken        bool      `json:"hadToken,omitempty"`
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
// records whose time is further back than f's retention. It shares a
// transaction and fsync with concurrent writers.
func (s *Store) RecordFailure(ctx context.Context, f journal.Failure) (err error) {
	defer wrapf(&err, "record failure")
	if err := ctx.Err(); err != nil {
		return err
	}
	v, err := json.Marshal(failureRecord(f))
	if err != nil {
		return err
	}
	k := timeKey(f.Time)
	k = append(k, rand.Text()[:8]...)
	expired := timeKey(f.Time.Add(-f.Expires.Sub(f.Time)))
	return s.db.Batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketFailures)
		if err != nil {
			return err
		}
		c := b.Cursor()
		var old [][]byte
		for ok, _ := c.First(); ok != nil && len(old) < prunePerWrite && string(ok[:8]) < string(expired); ok, _ = c.Next() {
			old = append(old, ok)
		}
		for _, ok := range old {
			if err := b.Delete(ok); err != nil {
				return err
			}
		}
		return b.Put(k, v)
	})
}

// Failures returns the failures with since < Time <= until, oldest first,
// at most limit.
func (s *Store) Failures(ctx context.Context, since, until time.Time, limit int) (out []journal.Failure, err error) {
	defer wrapf(&err, "read failures")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	end := timeKey(until)
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFailures)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(timeKey(since.Add(time.Nanosecond))); k != nil && len(out) < limit && string(k[:8]) <= string(end); k, v = c.Next() {
			var f failureRecord
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode failure %x: %w", k, err)
			}
			out = append(out, journal.Failure(f))
		}
		return nil
	})
	return out, err
}

// MarkSeen keeps at as the time of what, unless a later time is kept.
func (s *Store) MarkSeen(ctx context.Context, what journal.Seen, at time.Time) (err error) {
	defer wrapf(&err, "mark %s seen", what)
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSeen)
		if err != nil {
			return err
		}
		if old := b.Get([]byte(what)); old != nil && string(old) >= string(timeKey(at)) {
			return nil
		}
		return b.Put([]byte(what), timeKey(at))
	})
}

// LastSeen returns the time kept for what, zero if none.
func (s *Store) LastSeen(ctx context.Context, what journal.Seen) (at time.Time, err error) {
	defer wrapf(&err, "read when %s was seen", what)
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketSeen); b != nil {
			if v := b.Get([]byte(what)); len(v) == 8 {
				at = time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
			}
		}
		return nil
	})
	return at, err
}

// LoadState returns the reconciler's saved state and its version.
func (s *Store) LoadState(ctx context.Context) (data []byte, version int64, err error) {
	defer wrapf(&err, "load the reconciler's state")
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketReconcile); b != nil {
			data = append([]byte(nil), b.Get([]byte("state"))...)
			version = stateVersion(b)
		}
		return nil
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
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketReconcile)
		if err != nil {
			return err
		}
		if got := stateVersion(b); got != version {
			return fmt.Errorf("saved by another run (version %d, not %d): %w", got, version, directory.ErrVersion)
		}
		if err := b.Put([]byte("state"), data); err != nil {
			return err
		}
		return b.Put([]byte("version"), binary.BigEndian.AppendUint64(nil, uint64(version+1)))
	})
}

func stateVersion(b *bolt.Bucket) int64 {
	if v := b.Get([]byte("version")); len(v) == 8 {
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}
