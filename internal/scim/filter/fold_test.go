package filter_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// TestMatchFolds checks that caseExact=false comparisons use scim.Fold, the
// rule uniqueness uses, so a filter finds every user a 409 would protect.
func TestMatchFolds(t *testing.T) {
	tests := []struct {
		name, stored, query string
		want                bool
	}{
		{"kelvin sign matches k", "\u212Aate@contoso.com", "kate@contoso.com", true},
		{"K matches kelvin sign", "Kate@contoso.com", "\u212Aate@contoso.com", true},
		{"capital sharp s matches sharp s", "STRA\u1E9EE@contoso.com", "straße@contoso.com", true},
		{"sharp s matches capital sharp s", "straße@contoso.com", "STRA\u1E9EE@CONTOSO.COM", true},
		{"sharp s is not ss", "straße@contoso.com", "strasse@contoso.com", false},
		{"dotless i matches I", "\u0131ris@contoso.com", "Iris@contoso.com", true},
		{"I matches dotless i", "IRIS@contoso.com", "\u0131ris@contoso.com", true},
		{"i matches I", "iris@contoso.com", "IRIS@CONTOSO.COM", true},
		{"different letters", "iris@contoso.com", "irís@contoso.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := resource(t, scim.Users, `{"userName": "`+tt.stored+`"}`, nil)
			ops := []string{"eq", "sw", "ew", "co"}
			if tt.want {
				// Equal folded strings are also ordered equal.
				ops = append(ops, "ge", "le")
			}
			for _, op := range ops {
				e, err := filter.Parse(`userName ` + op + ` "` + tt.query + `"`)
				if err != nil {
					t.Fatal(err)
				}
				if got := filter.Match(scim.Users, e, res); got != tt.want {
					t.Errorf("userName %q %s %q: got %v, want %v", tt.stored, op, tt.query, got, tt.want)
				}
			}
			if fold := scim.Fold(tt.stored) == scim.Fold(tt.query); fold != tt.want {
				t.Errorf("scim.Fold equality %v disagrees with the filter's %v", fold, tt.want)
			}
		})
	}
}
