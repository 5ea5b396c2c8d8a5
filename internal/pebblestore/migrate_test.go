package pebblestore_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// copyOldFile copies testdata/directory.db to path: a bbolt file as the
// store before this one wrote it, with two users sharing an externalId in
// a group, a failure, a mark and a saved state, and the group's externalId
// kept as the uniqueness item of a file written before issue 11
// (testdata/README.md says how it was made).
func copyOldFile(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "directory.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateBoltKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	boltPath, path := filepath.Join(dir, "directory.db"), filepath.Join(dir, "directory")
	copyOldFile(t, boltPath)
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
	copyOldFile(t, boltPath)
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
	copyOldFile(t, boltPath)
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
