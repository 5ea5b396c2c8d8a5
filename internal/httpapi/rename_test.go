package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// TestConcurrentRenames renames groups at once: two groups to one name
// (exactly one wins, the other gets a 409 and keeps its name), and one group
// to two names (both PATCHes apply in some order, since PATCH is relative;
// the name that lost is free again, as is the old one).
func TestConcurrentRenames(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{})
		rename := func(id, name string) response {
			return e.do(http.MethodPatch, "/scim/v2/Groups/"+id, patchOp(`{"op":"Replace","path":"displayName","value":"`+name+`"}`))
		}
		taken := func(name string) bool {
			res := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Groups?excludedAttributes=members&filter="+esc(`displayName eq "`+name+`"`), "")
			return fmt.Sprint(res.body["totalResults"]) == "1"
		}

		t.Run("two groups to one name", func(t *testing.T) {
			for round := range 4 {
				olds := []string{fmt.Sprintf("Alpha %d", round), fmt.Sprintf("Beta %d", round)}
				ids := []string{}
				for _, n := range olds {
					ids = append(ids, e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/Groups", `{"displayName":"`+n+`"}`).body["id"].(string))
				}
				target := fmt.Sprintf("Gamma %d", round)
				answers := make([]response, 2)
				together(2, func(i int) { answers[i] = rename(ids[i], mixedCase(target, i+1)) })
				var winner, loser int
				switch {
				case answers[0].status == http.StatusNoContent && answers[1].status == http.StatusConflict:
					winner, loser = 0, 1
				case answers[1].status == http.StatusNoContent && answers[0].status == http.StatusConflict:
					winner, loser = 1, 0
				default:
					t.Fatalf("round %d: statuses %d and %d, want one 204 and one 409", round, answers[0].status, answers[1].status)
				}
				checkError(t, answers[loser], http.StatusConflict, scim.Uniqueness)
				if !taken(target) || !taken(olds[loser]) {
					t.Errorf("round %d: the winner's new name or the loser's old name is not taken", round)
				}
				if taken(olds[winner]) {
					t.Errorf("round %d: the winner's old name %q is still taken", round, olds[winner])
				}
			}
		})

		t.Run("one group to two names", func(t *testing.T) {
			id := e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/Groups", `{"displayName":"Delta"}`).body["id"].(string)
			names := []string{"Epsilon", "Zeta"}
			answers := make([]response, 2)
			together(2, func(i int) { answers[i] = rename(id, names[i]) })
			for i, res := range answers {
				if res.status != http.StatusNoContent {
					t.Errorf("rename to %s: status %d, want 204\n%s", names[i], res.status, res.raw)
				}
			}
			final, _ := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Groups/"+id, "").body["displayName"].(string)
			if !slices.Contains(names, final) {
				t.Fatalf("displayName %q, want one of %v", final, names)
			}
			for _, n := range append(names, "Delta") {
				if got, want := taken(n), n == final; got != want {
					t.Errorf("name %q taken = %v, want %v", n, got, want)
				}
				want := http.StatusCreated
				if n == final {
					want = http.StatusConflict
				}
				if res := e.do(http.MethodPost, "/scim/v2/Groups", `{"displayName":"`+strings.ToUpper(n)+`"}`); res.status != want {
					t.Errorf("POST group %q: status %d, want %d", strings.ToUpper(n), res.status, want)
				}
			}
		})
	})
}
