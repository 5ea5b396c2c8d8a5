package main

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

func TestReconcileDryRunPrintsTheReport(t *testing.T) {
	data := t.TempDir()
	st, err := openEmbedded(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(t.Context(), storetest.NewUser("u1", "alice")); err != nil {
		t.Fatal(err)
	}
	// AddMembers checks nothing: a membership of a group that does not
	// exist is one for the reconciler to remove.
	if err := st.AddMembers(t.Context(), "no-such-group", []string{"u1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		args     []string
		repaired int
	}{
		{[]string{"reconcile", "--dry-run", "--data", data}, 0},
		{[]string{"reconcile", "--data", data}, 1},
		{[]string{"reconcile", "--data", data}, 0},
	} {
		var out bytes.Buffer
		if err := run(t.Context(), tc.args, &out, io.Discard); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var rep reconcile.Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%v printed no report: %v\n%s", tc.args, err, out.String())
		}
		dry := tc.args[1] == "--dry-run"
		if rep.DryRun != dry || rep.Checked < 2 || rep.Repaired != tc.repaired || !rep.PassComplete {
			t.Errorf("%v: got report %s\nwant dry run %v, two items or more checked, %d repaired", tc.args, out.String(), dry, tc.repaired)
		}
		if m := rep.Invariants[reconcile.Membership]; dry && m.Found != 1 {
			t.Errorf("dry run found %d orphan memberships, want 1", m.Found)
		}
	}
}
