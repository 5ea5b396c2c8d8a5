package patch_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// BenchmarkApplyEntraDefault applies Entra's default 6-operation PATCH to a
// typical user.
func BenchmarkApplyEntraDefault(b *testing.B) {
	ops, err := patch.Decode([]byte(entraDefault))
	if err != nil {
		b.Fatal(err)
	}
	res := mustDecode(alice)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := patch.Apply(scim.Users, res, ops); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEntraDefault decodes Entra's default 6-operation PATCH.
func BenchmarkDecodeEntraDefault(b *testing.B) {
	body := []byte(entraDefault)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := patch.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
