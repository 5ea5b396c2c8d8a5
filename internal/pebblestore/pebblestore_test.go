package pebblestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// open returns a store in a file under t's temporary directory, closed when
// t ends.
func open(tb testing.TB, path string) *pebblestore.Store {
	tb.Helper()
	s, err := pebblestore.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) directory.Store {
		return open(t, filepath.Join(t.TempDir(), "directory"))
	})
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "directory")
	ctx := t.Context()
	s, err := pebblestore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	user, group := storetest.NewUser("u1", "alice"), storetest.NewGroup("g1", "Sales")
	user.Keys.Email = "alice@example.com"
	for _, rec := range []*directory.Record{user, group} {
		if err := s.Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddMembers(ctx, "g1", []string{"u1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	got, err := s.Get(ctx, directory.KindUser, "u1")
	if err != nil {
		t.Fatalf("Get after reopen: %v", err)
	}
	if string(got.Doc) != string(user.Doc) || got.Keys != user.Keys || len(got.Groups) != 1 || got.Groups[0] != "g1" {
		t.Errorf("after reopen got %+v, want %+v in group g1", got, user)
	}
	if recs, err := s.Lookup(ctx, directory.KindUser, directory.KeyEmail, "alice@example.com"); err != nil || len(recs) != 1 {
		t.Errorf("Lookup(email) after reopen: got %d records, error %v; want 1", len(recs), err)
	}
	if _, total, err := s.List(ctx, directory.KindGroup, directory.ListOptions{StartIndex: 1}); err != nil || total != 1 {
		t.Errorf("List(Group) after reopen: got total %d, error %v; want 1", total, err)
	}
	err = s.Create(ctx, storetest.NewUser("u2", "ALICE"))
	if !errors.Is(err, directory.ErrConflict) {
		t.Errorf("Create of a taken userName after reopen: got %v, want a conflict", err)
	}
}

func TestOpenFailsOnANonDatabase(t *testing.T) {
	file := filepath.Join(t.TempDir(), "directory")
	if err := os.WriteFile(file, []byte("not a store"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := pebblestore.Open(file); err == nil {
		t.Error("Open(a file): got no error")
	}
}

func TestOpenFailsWhileAnotherHasItOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "directory")
	open(t, path)
	if s, err := pebblestore.Open(path); err == nil {
		s.Close()
		t.Error("second Open: got no error")
	}
}

func TestCanceledContextFailsEveryCall(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "directory"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]func() error{
		"Create": func() error { return s.Create(ctx, storetest.NewUser("u1", "alice")) },
		"Get": func() error {
			_, err := s.Get(ctx, directory.KindUser, "u1")
			return err
		},
		"AddMembers": func() error { return s.AddMembers(ctx, "g1", []string{"u1"}) },
		"List": func() error {
			_, _, err := s.List(ctx, directory.KindUser, directory.ListOptions{StartIndex: 1, Count: 1})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", name, err)
		}
	}
}

func BenchmarkCreate(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "directory"))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("u%08d", i)
		if err := s.Create(context.Background(), storetest.NewUser(id, id)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateParallel creates from 16 goroutines per CPU, as Entra's
// parallel requests do; their writes share fsyncs of the log.
func BenchmarkCreateParallel(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "directory"))
	b.ReportAllocs()
	b.SetParallelism(16)
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("u%08d", n.Add(1))
			if err := s.Create(context.Background(), storetest.NewUser(id, id)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkGet(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "directory"))
	ctx := context.Background()
	user := storetest.NewUser("u1", "alice")
	if err := s.Create(ctx, user); err != nil {
		b.Fatal(err)
	}
	if err := s.AddMembers(ctx, "g1", []string{"u1"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(ctx, directory.KindUser, "u1"); err != nil {
			b.Fatal(err)
		}
	}
}
