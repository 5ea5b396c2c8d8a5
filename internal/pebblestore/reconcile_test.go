package pebblestore_test

import (
	"path/filepath"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/reconcile/reconciletest"
)

func TestReconcileContract(t *testing.T) {
	reconciletest.Run(t, func(t *testing.T) (reconciletest.Store, reconciletest.Breaker) {
		s := open(t, filepath.Join(t.TempDir(), "directory"))
		return s, s.Breaker()
	})
}
