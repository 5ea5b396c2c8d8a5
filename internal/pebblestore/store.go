// Package pebblestore is a directory.Store in one local directory on
// Pebble, an LSM engine with a write-ahead log: the store of the bridge when
// it runs as one local process. Every acknowledged write has been fsynced;
// writers that arrive together share one fsync of the log.
package pebblestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/sstable"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Sizes that keep the process small (docs/decisions.md): writes gather in
// a 16 MB memtable before they are flushed to a table (a provisioning cycle
// of 2,000 users writes about 10 MB), and reads of tables go through the
// block cache. Pebble reserves each memtable's size out of the cache's
// capacity, so the cache must be larger than the memtables it holds: up to
// two during a flush. A cache no larger than the memtable kept no block at
// all, and every read of a table went to the disk. Both take memory only
// as they fill.
const (
	memTableSize = 16 << 20
	cacheSize    = 48 << 20
)

// bloomBitsPerKey sizes the tables' Bloom filters: with 10 bits a key, a
// Get of a key a table does not hold skips it 99 times in 100. Every create
// looks up its id and unique keys, which are absent, in every table.
const bloomBitsPerKey = 10

// Store is a directory.Store kept in a Pebble directory. It is safe for
// concurrent use; only one process can have the directory open.
type Store struct {
	db   *pebble.DB
	path string
	// mu orders the writes: each reads what it checks and applies its
	// batch while holding it, so no two writes interleave, and waits for
	// the log's fsync after releasing it, so that writers that came
	// together share one fsync (see write).
	mu sync.Mutex
	// closed makes Ping fail rather than reach a closed engine, which
	// panics.
	closed atomic.Bool
	// outbox, seq and pending are guarded by mu. seq is the last sequence
	// of an event in the outbox (outbox.go), recovered on Open; pending
	// counts the events of the batch being written.
	outbox       bool
	seq, pending uint64
	// durable is the last sequence whose batch is fsynced: ReadOutbox
	// stops there, so no event leaves before its change is durable.
	durable atomic.Uint64
}

// Open opens the store in the directory at path, creating it if it does
// not exist. It fails if the directory holds something else, or if another
// process has it open.
func Open(path string) (*Store, error) {
	opts := &pebble.Options{
		CacheSize:          cacheSize,
		MemTableSize:       memTableSize,
		FormatMajorVersion: pebble.FormatNewest,
		// One compaction at a time: the bridge's writes are small, and
		// each concurrent compaction holds its own buffers.
		CompactionConcurrencyRange: func() (int, int) { return 1, 1 },
		MaxOpenFiles:               100,
		Logger:                     quietLogger{},
	}
	// Each level inherits the filter and compression of the one above it.
	opts.Levels[0].FilterPolicy = bloom.FilterPolicy(bloomBitsPerKey)
	// Blocks are stored as they are: Entra reads each user once a cycle,
	// mostly from blocks not in the cache, and decompressing them made a
	// lookup in 100,000 users cost a quarter more CPU (docs/decisions.md).
	// The price is disk: about twice the size of compressed tables.
	opts.Levels[0].Compression = func() *sstable.CompressionProfile { return sstable.NoCompression }
	db, err := pebble.Open(path, opts)
	if err != nil {
		return nil, fmt.Errorf("pebblestore: open %s: %w", path, err)
	}
	seq, err := lastSeq(dbReader{db})
	var kept bool
	if err == nil {
		kept, err = keepsOutbox(dbReader{db})
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("pebblestore: open %s: read the outbox: %w", path, err), db.Close())
	}
	st := &Store{db: db, path: path, seq: seq, outbox: kept}
	st.durable.Store(seq)
	return st, nil
}

// Close closes the store: it waits for writes in flight and flushes what
// they wrote.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed.Store(true)
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("pebblestore: close %s: %w", s.path, err)
	}
	return nil
}

// Compact rewrites the whole store into its last level, as background
// compactions do in time. After a bulk load (make bench seeds 100,000 users
// in a minute) requests then neither pay the load's compaction debt nor
// read through the many young tables it leaves.
func (s *Store) Compact(ctx context.Context) error {
	if err := s.db.Compact(ctx, []byte{0}, []byte{0xff}, true); err != nil {
		return fmt.Errorf("pebblestore: compact %s: %w", s.path, err)
	}
	return nil
}

// write runs fn, which reads through the database and adds its changes to
// a batch, and applies the batch. fn and the apply run under mu, so each
// write sees every earlier one and checks against what is really stored;
// the fsync of the log is awaited after mu is released, so writers that
// arrive while one syncs join the next sync together. A write is visible
// to readers once applied, a moment before it is durable; it is
// acknowledged (write returns) only once durable, and the log is synced in
// order, so a write that read another's change is never durable without
// it.
func (s *Store) write(fn func(b *pebble.Batch) error) error {
	b := s.db.NewBatch()
	defer b.Close()
	s.mu.Lock()
	s.pending = 0
	err := fn(b)
	if err == nil && !b.Empty() {
		err = s.db.ApplyNoSyncWait(b, pebble.Sync)
		if err == nil {
			s.seq += s.pending
		}
		end := s.seq
		s.mu.Unlock()
		if err == nil {
			err = b.SyncWait()
		}
		if err == nil {
			// The log is synced in order: every batch before this one
			// is durable too.
			for cur := s.durable.Load(); cur < end && !s.durable.CompareAndSwap(cur, end); cur = s.durable.Load() {
			}
		}
		return err
	}
	s.mu.Unlock()
	return err
}

// writeKind runs fn as a write (Store.write) with kind's tables, unless
// ctx is done or the store does not keep kind: the changes of records and
// their repairs.
func (s *Store) writeKind(ctx context.Context, kind directory.Kind, fn func(*pebble.Batch, kindTables) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	kt, err := tablesOf(kind)
	if err != nil {
		return err
	}
	return s.write(func(b *pebble.Batch) error { return fn(b, kt) })
}

// wrapf prefixes a failed operation's error with the package and what was
// being done; deferred at the top of each method, it wraps once per call.
func wrapf(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("pebblestore: %s: %w", fmt.Sprintf(format, args...), *err)
	}
}

// noun names a kind in error messages.
func noun(kind directory.Kind) string { return strings.ToLower(string(kind)) }

// reader reads keys: the database as it is now (direct), or as it was when
// a read began (view).
type reader interface {
	// get returns a copy of the value of key, nil if there is none and
	// non-nil (maybe empty) if there is one.
	get(key []byte) ([]byte, error)
	// scan calls fn with every key k with lower <= k < upper, and its
	// value, in key order; a nil upper is no bound. Both are valid only
	// during the call, and fn must not use the reader. fn may return
	// errStop to end the scan without an error.
	scan(lower, upper []byte, fn func(k, v []byte) error) error
}

// direct returns a reader of the database as it is: writes read through it
// while they hold mu, so they see every write before them.
func (s *Store) direct() reader { return dbReader{s.db} }

type dbReader struct{ db *pebble.DB }

func (r dbReader) get(key []byte) ([]byte, error) {
	v, closer, err := r.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := append(make([]byte, 0, len(v)), v...)
	return out, closer.Close()
}

func (r dbReader) scan(lower, upper []byte, fn func(k, v []byte) error) (err error) {
	it, err := r.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return err
	}
	defer func() { err = joinClose(err, it.Close()) }()
	return iterReader{it}.scan(lower, upper, fn)
}

// iterReader reads through one iterator, which sees the database as it was
// when the iterator was made, however many keys it reads.
type iterReader struct{ it *pebble.Iterator }

// get seeks with SeekPrefixGE, whose prefix is the whole key under
// Pebble's default Split: so the tables' Bloom filters are consulted, and
// tables that do not hold the key are not read.
func (r iterReader) get(key []byte) ([]byte, error) {
	if !r.it.SeekPrefixGE(key) || !bytes.Equal(r.it.Key(), key) {
		return nil, r.it.Error()
	}
	v, err := r.it.ValueAndErr()
	if err != nil {
		return nil, err
	}
	return append(make([]byte, 0, len(v)), v...), nil
}

func (r iterReader) scan(lower, upper []byte, fn func(k, v []byte) error) error {
	for ok := r.it.SeekGE(lower); ok && (upper == nil || bytes.Compare(r.it.Key(), upper) < 0); ok = r.it.Next() {
		v, err := r.it.ValueAndErr()
		if err != nil {
			return err
		}
		if err := fn(r.it.Key(), v); err != nil {
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		}
	}
	return r.it.Error()
}

// quietLogger drops Pebble's informational messages (flushes,
// compactions) and keeps its errors on the standard logger.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)           {}
func (quietLogger) Errorf(format string, a ...any) { log.Printf("pebble: "+format, a...) }
func (quietLogger) Fatalf(format string, a ...any) { log.Fatalf("pebble: "+format, a...) }
