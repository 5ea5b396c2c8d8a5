package httpapi_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// reconcileOnce runs the reconciler over store once, repairing what it
// finds, and returns its report; false if the store does not support the
// reconciler.
func reconcileOnce(t testing.TB, store directory.Store) (reconcile.Report, bool) {
	t.Helper()
	rs, ok := store.(reconcile.Store)
	if !ok {
		return reconcile.Report{}, false
	}
	report, err := reconcile.Run(t.Context(), reconcile.Options{Store: rs})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	return report, true
}
