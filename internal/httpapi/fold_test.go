package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// foldPairs are two spellings of a name and whether SCIM's case-insensitive
// comparison (scim.Fold: simple case folding, no normalization) holds them
// equal.
var foldPairs = []struct {
	name  string
	a, b  string
	equal bool
}{
	{"ASCII case", "alice@contoso.com", "ALICE@Contoso.COM", true},
	{"Kelvin sign", "kelvin@contoso.com", "\u212Aelvin@contoso.com", true},
	{"capital sharp s", "straße@contoso.com", "STRA\u1E9EE@contoso.com", true},
	{"dotless i", "\u0131d@contoso.com", "ID@contoso.com", true},
	{"dotted capital I", "\u0130d2@contoso.com", "id2@contoso.com", true},
	{"long s", "\u017Fam@contoso.com", "SAM@contoso.com", true},
	{"final sigma", "\u03C2igma@contoso.com", "\u03A3IGMA@contoso.com", true},
	{"title-case digraph", "\u01C5emal@contoso.com", "\u01C4EMAL@contoso.com", true},
	{"micro sign", "\u00B5u@contoso.com", "\u039CU@contoso.com", true},
	{"Angstrom sign", "\u212Bngstrom@contoso.com", "\u00E5ngstrom@contoso.com", true},
	{"sharp s is not ss", "weiß@contoso.com", "weiss@contoso.com", false},
	{"composed and decomposed é", "jos\u00E9@contoso.com", "jose\u0301@contoso.com", false},
	{"ligature fi", "\uFB01nn@contoso.com", "finn@contoso.com", false},
}

// TestCaseFoldingMakesUniqueness checks, on both stores, that two userNames
// (and group displayNames) that a filter holds equal cannot both exist, and
// that two it holds different can: a filter that finds what a 409 protects
// is what keeps Entra from matching the wrong user or creating a second one.
func TestCaseFoldingMakesUniqueness(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{})
		for _, kind := range []struct{ endpoint, attr string }{{"Users", "userName"}, {"Groups", "displayName"}} {
			for _, p := range foldPairs {
				if got := scim.Fold(p.a) == scim.Fold(p.b); got != p.equal {
					t.Fatalf("%s: scim.Fold equal = %v, want %v", p.name, got, p.equal)
				}
				body := func(name string) string { return fmt.Sprintf(`{%q:%q}`, kind.attr, name) }
				e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/"+kind.endpoint, body(p.a))
				found := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/"+kind.endpoint+"?filter="+esc(kind.attr+` eq "`+p.b+`"`), "").body
				if got, want := fmt.Sprint(found["totalResults"]), map[bool]string{true: "1", false: "0"}[p.equal]; got != want {
					t.Errorf("%s %s: filter on %q after creating %q finds %s, want %s", kind.endpoint, p.name, p.b, p.a, got, want)
				}
				want := map[bool]int{true: http.StatusConflict, false: http.StatusCreated}[p.equal]
				res := e.do(http.MethodPost, "/scim/v2/"+kind.endpoint, body(p.b))
				if res.status != want {
					t.Errorf("%s %s: creating %q after %q: status %d, want %d", kind.endpoint, p.name, p.b, p.a, res.status, want)
				} else if p.equal {
					checkError(t, res, http.StatusConflict, scim.Uniqueness)
				}
			}
		}
	})
}
