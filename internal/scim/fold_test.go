package scim_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

func TestFoldJoinsSimpleCaseOrbits(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"ascii case", "Alice@Contoso.com", "alice@contoso.COM", true},
		{"kelvin sign and k", "\u212Aate", "kate", true},
		{"capital sharp s and sharp s", "stra\u1E9Ee", "straße", true},
		{"dotless i and i", "\u0131van", "ivan", true},
		{"dotted capital I and i", "\u0130van", "ivan", true},
		{"long s and s", "\u017Fam", "sam", true},
		{"greek final sigma", "ΟΔΟΣ", "οδος", true},
		{"sharp s is not ss", "straße", "strasse", false},
		{"different letters", "alice", "alicf", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scim.Fold(tt.a) == scim.Fold(tt.b); got != tt.same {
				t.Errorf("Fold(%q) == Fold(%q) is %v, want %v (%q, %q)", tt.a, tt.b, got, tt.same, scim.Fold(tt.a), scim.Fold(tt.b))
			}
		})
	}
}

func TestFoldLeavesLowerASCIIUncopied(t *testing.T) {
	s := "already.lower@contoso.com"
	if n := testing.AllocsPerRun(100, func() { _ = scim.Fold(s) }); n != 0 {
		t.Errorf("Fold of lower-case ASCII allocated %v times, want 0", n)
	}
}
