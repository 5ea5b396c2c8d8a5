package pebblestore_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/boltstore"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// writeBolt fills a bbolt file at path, through the store that wrote
// such files, with two users sharing an externalId in a group, a failure,
// a mark and a saved state; then it turns the group's externalId entry
// into the uniqueness item a file written before issue 11 holds instead.
func writeBolt(t *testing.T, path string) {
	t.Helper()
	ctx := t.Context()
	old, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	user, group, bob := storetest.NewUser("u1", "alice"), storetest.NewGroup("g1", "Sales"), storetest.NewUser("u2", "bob")
	user.Keys.Email = "alice@example.com"
	user.Keys.ExternalID, bob.Keys.ExternalID, group.Keys.ExternalID = "mail-nick", "mail-nick", "gext"
	for _, rec := range []*directory.Record{user, group, bob} {
		if err := old.Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	steps := []error{
		old.AddMembers(ctx, "g1", []string{"u1", "u2"}),
		old.RecordFailure(ctx, journal.Failure{Time: at, Expires: at.Add(time.Hour), Method: "POST", Status: 409}),
		old.MarkSeen(ctx, journal.SeenRequest, at),
		old.SaveState(ctx, []byte(`{"run":1}`), 0),
		old.Close(),
	}
	if err := errors.Join(steps...); err != nil {
		t.Fatal(err)
	}
	legacyExternalID(t, path, directory.KindGroup, "gext", "g1")
}

// legacyExternalID replaces the externalId index entry of record id in the
// bbolt file at path by an externalId uniqueness item, as the file was
// laid out before issue 11 (internal/boltstore/layout.go).
func legacyExternalID(t *testing.T, path string, kind directory.Kind, value, id string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := string(directory.KeyExternalID) + "\x00"
	entry := key + string(binary.AppendUvarint(nil, uint64(len(value)))) + value + id
	err = db.Update(func(tx *bolt.Tx) error {
		entries, unique := tx.Bucket([]byte(kind+"/entries")), tx.Bucket([]byte(kind+"/unique"))
		if entries.Get([]byte(entry)) == nil {
			return fmt.Errorf("no entry %q in %s/entries", entry, kind)
		}
		return errors.Join(entries.Delete([]byte(entry)), unique.Put([]byte(key+value), []byte(id)))
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateBoltKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	boltPath, path := filepath.Join(dir, "directory.db"), filepath.Join(dir, "directory")
	writeBolt(t, boltPath)
	ctx := t.Context()

	migrated, err := pebblestore.MigrateBolt(boltPath, path)
	if err != nil || !migrated {
		t.Fatalf("MigrateBolt: got %v, %v; want true, nil", migrated, err)
	}
	if _, err := os.Stat(boltPath + pebblestore.MigratedSuffix); err != nil {
		t.Errorf("the bbolt file was not renamed: %v", err)
	}
	s := open(t, path)
	got, err := s.Get(ctx, directory.KindUser, "u1")
	if err != nil || got.Keys.Email != "alice@example.com" || !slices.Equal(got.Groups, []string{"g1"}) {
		t.Errorf("Get(u1) = %+v, %v; want alice in g1", got, err)
	}
	if recs, err := s.Lookup(ctx, directory.KindUser, directory.KeyEmail, "alice@example.com"); err != nil || len(recs) != 1 {
		t.Errorf("Lookup(email): got %d records, error %v; want 1", len(recs), err)
	}
	if members, err := s.Members(ctx, "g1"); err != nil || !slices.Equal(members, []string{"u1", "u2"}) {
		t.Errorf("Members(g1) = %v, %v; want u1, u2", members, err)
	}
	if _, total, err := s.List(ctx, directory.KindUser, directory.ListOptions{StartIndex: 1}); err != nil || total != 2 {
		t.Errorf("List(User): total %d, error %v; want 2", total, err)
	}
	if err := s.Create(ctx, storetest.NewUser("u3", "ALICE")); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("Create of a taken userName: got %v, want a conflict", err)
	}
	// The entries of bbolt's file, and the item of one before issue 11,
	// find every holder; neither refuses another.
	wantHolders(t, s, directory.KindUser, "mail-nick", "u1", "u2")
	wantHolders(t, s, directory.KindGroup, "gext", "g1")
	twin := storetest.NewGroup("g2", "Sales EMEA")
	twin.Keys.ExternalID = "gext"
	if err := s.Create(ctx, twin); err != nil {
		t.Errorf("Create of a group sharing a legacy externalId: %v", err)
	}
	wantHolders(t, s, directory.KindGroup, "gext", "g1", "g2")
	if fs, err := s.Failures(ctx, time.Time{}, time.Now(), 10); err != nil || len(fs) != 1 || fs[0].Status != 409 {
		t.Errorf("Failures = %+v, %v; want the 409", fs, err)
	}
	if at, err := s.LastSeen(ctx, journal.SeenRequest); err != nil || at.IsZero() {
		t.Errorf("LastSeen = %v, %v; want the mark", at, err)
	}
	if data, version, err := s.LoadState(ctx); err != nil || string(data) != `{"run":1}` || version != 1 {
		t.Errorf("LoadState = %s, %d, %v; want the saved state at version 1", data, version, err)
	}
}

// wantHolders checks that the records of kind with externalId value are
// ids, in order.
func wantHolders(t *testing.T, s *pebblestore.Store, kind directory.Kind, value string, ids ...string) {
	t.Helper()
	recs, err := s.Lookup(t.Context(), kind, directory.KeyExternalID, value)
	var got []string
	for _, rec := range recs {
		got = append(got, rec.ID)
	}
	if err != nil || !slices.Equal(got, ids) {
		t.Errorf("Lookup(%s externalId %q) = %v, %v; want %v", kind, value, got, err, ids)
	}
}

func TestMigrateBoltWithoutAFileDoesNothing(t *testing.T) {
	dir := t.TempDir()
	migrated, err := pebblestore.MigrateBolt(filepath.Join(dir, "directory.db"), filepath.Join(dir, "directory"))
	if err != nil || migrated {
		t.Errorf("MigrateBolt: got %v, %v; want false, nil", migrated, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "directory")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("MigrateBolt made a store: %v", err)
	}
}

// A crash after the copy was renamed into place and before the file was
// renamed leaves both: the next start finishes the migration.
func TestMigrateBoltFinishesACutOffMigration(t *testing.T) {
	dir := t.TempDir()
	boltPath, path := filepath.Join(dir, "directory.db"), filepath.Join(dir, "directory")
	writeBolt(t, boltPath)
	if _, err := pebblestore.MigrateBolt(boltPath, path); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(boltPath+pebblestore.MigratedSuffix, boltPath); err != nil {
		t.Fatal(err)
	}
	if migrated, err := pebblestore.MigrateBolt(boltPath, path); err != nil || !migrated {
		t.Errorf("MigrateBolt again: got %v, %v; want true, nil", migrated, err)
	}
	if _, err := os.Stat(boltPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the bbolt file is still there: %v", err)
	}
}

// A store that was not migrated from the file beside it is never mixed
// with it, nor is the file ignored.
func TestMigrateBoltRefusesAStoreOfAnotherDirectory(t *testing.T) {
	dir := t.TempDir()
	boltPath, path := filepath.Join(dir, "directory.db"), filepath.Join(dir, "directory")
	writeBolt(t, boltPath)
	s, err := pebblestore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pebblestore.MigrateBolt(boltPath, path); err == nil {
		t.Error("MigrateBolt beside another store: got no error")
	}
	if _, err := os.Stat(boltPath); err != nil {
		t.Errorf("the bbolt file was moved: %v", err)
	}
}
