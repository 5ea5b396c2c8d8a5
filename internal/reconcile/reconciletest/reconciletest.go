// Package reconciletest is the contract of the reconciler's store: the
// embedded store and the DynamoDB store run the same Run, which breaks each
// invariant below the store's own rules, runs the reconciler, checks every
// repair through the directory's operations, and runs it again to see
// nothing left to repair.
package reconciletest

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// Store is a store under test: a directory store the reconciler can check,
// with a failure log.
type Store interface {
	directory.Store
	reconcile.Store
	journal.Writer
}

// Breaker writes what an interrupted write, or a bug, leaves behind,
// bypassing the store's transactions. Each method fails t if it cannot.
type Breaker interface {
	// PutRecord writes rec's record alone: no uniqueness item, no counter.
	PutRecord(t *testing.T, rec *directory.Record)
	// PutUnique writes the uniqueness item u naming id.
	PutUnique(t *testing.T, u directory.Unique, id string)
	// DeleteUnique deletes the uniqueness item u.
	DeleteUnique(t *testing.T, u directory.Unique)
	// PutEntry writes the index entry e.
	PutEntry(t *testing.T, e directory.Entry)
	// DeleteEntry deletes the index entry e.
	DeleteEntry(t *testing.T, e directory.Entry)
	// PutMember writes the membership of user uid in group gid.
	PutMember(t *testing.T, gid, uid string)
	// SetCounter sets kind's counter to n.
	SetCounter(t *testing.T, kind directory.Kind, n int64)
	// MarkDeleting leaves a record as a delete interrupted after its
	// first step does; it returns false if the store's deletes cannot be
	// interrupted (they are one transaction).
	MarkDeleting(t *testing.T, kind directory.Kind, id string) bool
}

// test is one behaviour of the contract, checked on a fresh store.
type test struct {
	name string
	run  func(t *testing.T, s Store, b Breaker)
}

// Run checks that the stores newStore returns let the reconciler find and
// repair every broken invariant, and keep its failure log and state. Every
// subtest gets a fresh, empty store and its Breaker from newStore, which
// registers its own cleanup.
func Run(t *testing.T, newStore func(t *testing.T) (Store, Breaker)) {
	areas := []struct {
		name  string
		tests []test
	}{
		{"invariants", invariantTests},
		{"runs", runTests},
		{"journal", journalTests},
	}
	for _, area := range areas {
		t.Run(area.name, func(t *testing.T) {
			for _, tc := range area.tests {
				t.Run(tc.name, func(t *testing.T) {
					s, b := newStore(t)
					tc.run(t, s, b)
				})
			}
		})
	}
}
