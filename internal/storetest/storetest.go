// Package storetest is the contract every directory.Store passes: the
// embedded store and the DynamoDB store run the same Run, so neither can
// drift from the behaviour the service relies on.
package storetest

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// test is one behaviour of the contract, checked on a fresh, empty store.
type test struct {
	name string
	run  func(t *testing.T, s directory.Store)
}

// Run checks that the stores newStore returns keep the directory.Store
// contract. Every subtest gets its own empty store from newStore, which
// should register its own cleanup with t.Cleanup and fail t if it cannot
// build the store. The subtests are grouped by area (records, keys, list,
// members, concurrency) so that one area can be selected with -run.
//
// The suite is meant to run with -race. Under testing.Short it shrinks the
// membership scale cases.
func Run(t *testing.T, newStore func(t *testing.T) directory.Store) {
	areas := []struct {
		name  string
		tests []test
	}{
		{"records", recordTests},
		{"keys", keyTests},
		{"list", listTests},
		{"members", memberTests},
		{"concurrency", concurrencyTests},
	}
	for _, area := range areas {
		t.Run(area.name, func(t *testing.T) {
			for _, tc := range area.tests {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
			}
		})
	}
}
