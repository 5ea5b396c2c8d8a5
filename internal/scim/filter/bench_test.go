package filter_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// BenchmarkParseEntraLookup measures the filter of Entra's most frequent
// request, the match-before-create lookup.
func BenchmarkParseEntraLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := filter.Parse(`userName eq "alice@contoso.com"`); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseEntraEmailLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := filter.Parse(`emails[type eq "work"].value eq "alice@contoso.com"`); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatchEntraLookup(b *testing.B) {
	e, err := filter.Parse(`userName eq "alice@contoso.com"`)
	if err != nil {
		b.Fatal(err)
	}
	res := alice(b)
	b.ReportAllocs()
	for b.Loop() {
		if !filter.Match(scim.Users, e, res) {
			b.Fatal("no match")
		}
	}
}
