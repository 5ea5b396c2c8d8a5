package boltstore_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// TestCheckpointWhileWriting takes checkpoints while users are created:
// each opens as a store holding every user created before it began, with a
// counter that matches its records.
func TestCheckpointWhileWriting(t *testing.T) {
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "directory.db"))
	ctx := t.Context()
	var (
		mu      sync.Mutex
		created int
		wg      sync.WaitGroup
		stop    = make(chan struct{})
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := s.Create(ctx, storetest.NewUser(fmt.Sprintf("u%d-%d", w, i), fmt.Sprintf("user%d-%d", w, i))); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				created++
				mu.Unlock()
			}
		})
	}
	for n := range 3 {
		// Let some writes land first, so that each checkpoint runs
		// among them.
		var before int
		for deadline := time.Now().Add(30 * time.Second); before < 20*(n+1); {
			if time.Now().After(deadline) {
				t.Fatalf("only %d users were created", before)
			}
			time.Sleep(time.Millisecond)
			mu.Lock()
			before = created
			mu.Unlock()
		}
		path := filepath.Join(dir, fmt.Sprintf("checkpoint-%d.db", n))
		if err := s.Checkpoint(ctx, path); err != nil {
			t.Fatal(err)
		}
		c := open(t, path)
		_, total, err := c.List(ctx, directory.KindUser, directory.ListOptions{StartIndex: 1, Count: 1})
		if err != nil {
			t.Fatal(err)
		}
		if total < before {
			t.Errorf("checkpoint %d holds %d users, want at least the %d created before it", n, total, before)
		}
	}
	close(stop)
	wg.Wait()
	if err := s.Checkpoint(ctx, filepath.Join(dir, "checkpoint-0.db")); err == nil {
		t.Error("a checkpoint overwrote a file")
	}
}
