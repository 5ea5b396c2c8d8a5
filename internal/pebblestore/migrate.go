package pebblestore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/cockroachdb/pebble/v2"
	bolt "go.etcd.io/bbolt"
)

// tableMeta holds what the store says about itself: migratedFrom names the
// bbolt file it was migrated from.
var tableMeta = newTable("meta")

const migratedFrom = "migrated-from"

// MigratedSuffix is added to the name of a bbolt file once its directory
// has been migrated.
const MigratedSuffix = ".migrated"

// MigrateBolt moves the directory kept in the bbolt file at boltPath, as
// the embedded store before this one wrote it, into a new store at path,
// and renames the file with MigratedSuffix. It returns false and does
// nothing if there is no file at boltPath.
//
// Every bbolt bucket becomes the table of its name, key for key and value
// for value (layout.go): also the <Kind>/entries of a file written since
// issue 11, and the externalId uniqueness items of one written before it,
// which Lookup reads and the reconciler replaces as in a store of its own.
// The copy is built in a directory beside path and
// renamed into place when complete, so a migration cut off by a crash is
// started again on the next run. It fails, changing nothing, if the file is
// open in another process, and if a store at path exists that was not
// migrated from this very file: then the two are not the same directory,
// and one must be chosen by hand.
func MigrateBolt(boltPath, path string) (migrated bool, err error) {
	defer wrapf(&err, "migrate %s", boltPath)
	info, err := os.Stat(boltPath)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	mark := fmt.Sprintf("%s %d %d", filepath.Base(boltPath), info.Size(), info.ModTime().UnixNano())
	if _, err := os.Stat(path); err == nil {
		// A crash between renaming the copy into place and renaming the
		// file leaves both; the copy's mark tells it from a stranger.
		if got, err := readMark(path); err != nil || got != mark {
			return false, errors.Join(err, fmt.Errorf("%s exists and was not migrated from it: move one of the two away", path))
		}
		return true, retire(boltPath)
	}
	tmp := path + ".migrating"
	if err := os.RemoveAll(tmp); err != nil {
		return false, err
	}
	if err := copyBolt(boltPath, tmp, mark); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return false, err
	}
	return true, retire(boltPath)
}

// copyBolt copies every key of every bucket of the bbolt file at boltPath
// into a new store at path, with mark as its migratedFrom.
func copyBolt(boltPath, path, mark string) (err error) {
	src, err := bolt.Open(boltPath, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return err
	}
	defer func() { err = joinClose(err, src.Close()) }()
	dst, err := Open(path)
	if err != nil {
		return err
	}
	defer func() { err = joinClose(err, dst.Close()) }()
	// Nothing is synced until the end: a copy cut off is thrown away.
	const batchBytes = 4 << 20
	b := dst.db.NewBatch()
	err = src.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bucket *bolt.Bucket) error {
			t := newTable(string(name))
			return bucket.ForEach(func(k, v []byte) error {
				if err := b.Set(t.key(string(k)), v, nil); err != nil {
					return err
				}
				if b.Len() < batchBytes {
					return nil
				}
				err := b.Commit(pebble.NoSync)
				b.Close()
				b = dst.db.NewBatch()
				return err
			})
		})
	})
	if err == nil {
		err = b.Set(tableMeta.key(migratedFrom), []byte(mark), nil)
	}
	if err == nil {
		err = b.Commit(pebble.Sync)
	}
	b.Close()
	if err != nil {
		return err
	}
	return dst.db.Flush()
}

// readMark returns the migratedFrom of the store at path, "" if it has
// none.
func readMark(path string) (string, error) {
	s, err := Open(path)
	if err != nil {
		return "", err
	}
	v, err := s.direct().get(tableMeta.key(migratedFrom))
	return string(v), joinClose(err, s.Close())
}

// retire renames the migrated bbolt file out of the way, for good.
func retire(boltPath string) error {
	if err := os.Rename(boltPath, boltPath+MigratedSuffix); err != nil {
		return err
	}
	return syncDir(filepath.Dir(boltPath))
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return joinClose(d.Sync(), d.Close())
}
