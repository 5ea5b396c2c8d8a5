package boltstore

import (
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Ping reads the users' counter in a read-only transaction: it fails when
// the store is closed or its file cannot be read. It writes nothing, so a
// health check every few seconds costs no fsync.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer wrapf(&err, "ping")
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		counts := tx.Bucket(bucketCounts)
		if counts == nil {
			return errors.New("no counts bucket")
		}
		counts.Get([]byte(directory.KindUser))
		return nil
	})
}
