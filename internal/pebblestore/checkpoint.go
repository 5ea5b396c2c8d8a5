package pebblestore

import (
	"context"
	"errors"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Ping reads the users' counter: it fails when the store is closed or its
// files cannot be read. It writes nothing, so a health check every few
// seconds costs no fsync.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer wrapf(&err, "ping")
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return errors.New("the store is closed")
	}
	_, err = count(s.direct(), directory.KindUser)
	return err
}

// Checkpoint writes a consistent copy of the store into a new directory at
// path, which Open opens as the store was at one moment: every write
// acknowledged before the call is in it. Tables are hard-linked where the
// file system allows, so path should be on the store's file system. The
// store keeps serving reads and writes meanwhile. It fails if path exists.
func (s *Store) Checkpoint(ctx context.Context, path string) (err error) {
	defer wrapf(&err, "checkpoint to %s", path)
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Checkpoint(path, pebble.WithFlushedWAL())
}
