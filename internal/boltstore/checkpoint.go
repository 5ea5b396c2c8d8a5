package boltstore

import (
	"context"
	"os"

	bolt "go.etcd.io/bbolt"
)

// Checkpoint writes a consistent copy of the store to a new file at path,
// which Open opens as the store was at one moment: every write acknowledged
// before the call is in it. It reads in one read-only transaction, so the
// store keeps serving reads and writes meanwhile. It fails if path exists.
func (s *Store) Checkpoint(ctx context.Context, path string) (err error) {
	defer wrapf(&err, "checkpoint to %s", path)
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(f)
		return err
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
