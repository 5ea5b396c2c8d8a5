// Package boltstore is a directory.Store in one local file on bbolt: the
// store of the bridge when it runs as one local process. Every acknowledged
// write has been fsynced, and writers that arrive together share one
// transaction and one fsync.
package boltstore

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// batchDelay is how long a write waits for others to join its transaction.
// bbolt's default of 10 ms is paid in full by every lone writer; Entra's
// parallel requests arrive together, so a millisecond is enough to share
// their fsync while a single PATCH stays fast.
const batchDelay = time.Millisecond

// lockTimeout bounds the wait for another process's lock on the file.
const lockTimeout = time.Second

// Store is a directory.Store kept in a bbolt file. It is safe for
// concurrent use; only one process can have the file open.
type Store struct {
	db *bolt.DB
	// writers counts the writes in flight (see write).
	writers atomic.Int32
}

// The embedded store is a directory store and keeps the failure journal
// (the reconciler's own interface, which this package may not import, is
// checked where the stores are wired).
var (
	_ directory.Store = (*Store)(nil)
	_ journal.Writer  = (*Store)(nil)
	_ journal.Reader  = (*Store)(nil)
)

// Open opens the store in the file at path, creating the file and its
// buckets if they do not exist. It fails if the file is not a bbolt
// database or if another process keeps it open for longer than a second.
func Open(path string) (*Store, error) {
	// The free-page list is not written with every commit but rebuilt
	// by scanning the file when it opens, as etcd runs bbolt: one page
	// less to write per commit, a tenth of its CPU (docs/performance.md).
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	db.MaxBatchDelay = batchDelay
	if err := db.Update(createBuckets); err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the file, waiting for running transactions to finish.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close %s: %w", s.db.Path(), err)
	}
	return nil
}

// wrapf prefixes a failed operation's error with the package and what was
// being done; deferred at the top of each method, it wraps once per call.
func wrapf(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("boltstore: %s: %w", fmt.Sprintf(format, args...), *err)
	}
}

// noun names a kind in error messages.
func noun(kind directory.Kind) string { return strings.ToLower(string(kind)) }
