package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// TestEventsTailPrintsTheOutbox checks that `events tail` prints the
// outbox as JSON lines of sequence and event, from the start or after
// --since.
func TestEventsTailPrintsTheOutbox(t *testing.T) {
	ctx := t.Context()
	data := t.TempDir()
	s, err := openEmbedded(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.KeepOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	for _, rec := range []struct{ id, name string }{{"u1", "alice"}, {"u2", "bob"}} {
		if err := s.Create(ctx, storetest.NewUser(rec.id, rec.name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		wantN []int
		wantR []string
	}{
		{"from the start", nil, []int{1, 2}, []string{"u1", "u2"}},
		{"since 1", []string{"--since", "1"}, []int{2}, []string{"u2"}},
		{"since the last", []string{"--since", "5"}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(ctx, append([]string{"events", "tail", "--data", data}, tc.args...), &out, &out); err != nil {
				t.Fatal(err)
			}
			lines := strings.FieldsFunc(out.String(), func(r rune) bool { return r == '\n' })
			if len(lines) != len(tc.wantN) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tc.wantN), out.String())
			}
			for i, l := range lines {
				var got struct {
					Seq   int
					Event struct{ Type, ResourceID string }
				}
				if err := json.Unmarshal([]byte(l), &got); err != nil {
					t.Fatal(err)
				}
				if got.Seq != tc.wantN[i] || got.Event.Type != "User Created" || got.Event.ResourceID != tc.wantR[i] {
					t.Errorf("line %d: %s, want seq %d, User Created of %s", i+1, l, tc.wantN[i], tc.wantR[i])
				}
			}
		})
	}
}
