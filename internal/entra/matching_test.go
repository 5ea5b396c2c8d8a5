package entra_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/entra"
	"github.com/scim-bridge/scim-bridge/internal/entra/entratest"
)

// sent counts the requests a client sent, by method.
type sent struct {
	mu sync.Mutex
	n  map[string]int
}

func (s *sent) trace(ex entra.Exchange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[string]int{}
	}
	s.n[ex.Method]++
}

func (s *sent) reset() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.n
	s.n = nil
	return n
}

// lambdaClient returns a client of the functions behind b's gateway, whose
// requests are counted on s.
func lambdaClient(t *testing.T, b *entratest.Backend, d entra.Dialect, s *sent) *entra.Client {
	t.Helper()
	c, err := entra.NewClient(entratest.TenantURL, b.Token, entra.Options{Dialect: d, Doer: b.Gateway, Trace: s.trace})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReprovisioningADisabledUserReactivatesIt provisions a user, puts it in
// a group and disables it, as Entra does when the user leaves its scope;
// then a provisioner without anchors (the user back in scope, or the job
// restarted) provisions it again, on each matching attribute Entra offers.
// The match must find the disabled user: the same id, one PATCH of active
// and nothing created, with its group intact.
func TestReprovisioningADisabledUserReactivatesIt(t *testing.T) {
	b := entratest.Start(t)
	for i, m := range []entra.Matching{entra.MatchUserName, entra.MatchExternalID, entra.MatchWorkEmail} {
		t.Run(m.String(), func(t *testing.T) {
			var s sent
			c := lambdaClient(t, b, entra.Default, &s)
			u := entra.User{
				UserName: fmt.Sprintf("returning%d@contoso.com", i), ExternalID: fmt.Sprintf("obj-%d", i), Active: true,
				DisplayName: "Returning User", WorkEmail: fmt.Sprintf("returning.mail%d@contoso.com", i), Department: "Sales",
			}
			first := entra.NewProvisioner(c, m, 0)
			id, err := first.ProvisionUser(t.Context(), "user", u)
			if err != nil {
				t.Fatal(err)
			}
			gid, err := first.ProvisionGroup(t.Context(), "group", entra.Group{DisplayName: fmt.Sprintf("Returners %d", i), ExternalID: fmt.Sprintf("grp-%d", i)}, []string{"user"})
			if err != nil {
				t.Fatal(err)
			}
			off := u
			off.Active = false
			if err := first.UpdateUser(t.Context(), "user", off); err != nil {
				t.Fatal(err)
			}

			s.reset()
			again, err := entra.NewProvisioner(c, m, 0).ProvisionUser(t.Context(), "user", u)
			if err != nil {
				t.Fatal(err)
			}
			if again != id {
				t.Errorf("re-provisioned as %s, want the disabled user %s", again, id)
			}
			if got, want := s.reset(), map[string]int{"GET": 1, "PATCH": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("requests %v, want %v: one lookup and one PATCH of active", got, want)
			}
			res, err := c.GetUser(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			groups, _ := res["groups"].([]any)
			if res["active"] != true || len(groups) != 1 || groups[0].(map[string]any)["value"] != gid {
				t.Errorf("got active %v, groups %v; want active again and still in group %s", res["active"], groups, gid)
			}
		})
	}
}

// TestMatchingSeveralUsersFailsAsEntraDoes: work emails need not be unique,
// and a match that finds two users is Entra's DuplicateTargetEntries, not a
// create or an update of either.
func TestMatchingSeveralUsersFailsAsEntraDoes(t *testing.T) {
	b := entratest.Start(t)
	var s sent
	c := lambdaClient(t, b, entra.AADOptscim062020, &s)
	for _, name := range []string{"twin1@contoso.com", "twin2@contoso.com"} {
		if _, err := c.CreateUser(t.Context(), entra.User{UserName: name, Active: true, WorkEmail: "shared@contoso.com"}); err != nil {
			t.Fatal(err)
		}
	}
	s.reset()
	_, err := entra.NewProvisioner(c, entra.MatchWorkEmail, 0).ProvisionUser(t.Context(), "k", entra.User{UserName: "twin3@contoso.com", WorkEmail: "SHARED@contoso.com"})
	if !errors.Is(err, entra.ErrDuplicateTargetEntries) {
		t.Errorf("got %v, want ErrDuplicateTargetEntries", err)
	}
	if got := s.reset(); got["POST"]+got["PATCH"] != 0 {
		t.Errorf("requests %v after an ambiguous match; want only the lookup", got)
	}
}

// TestLegacyReferenceChecksAnswerListResponses sends the reference checks
// of Entra's old client (docs/entra.md §2.9): filters on id and manager or
// members, which must be answered with a ListResponse of the one resource
// or of none.
func TestLegacyReferenceChecksAnswerListResponses(t *testing.T) {
	b := entratest.Start(t)
	var s sent
	c := lambdaClient(t, b, entra.Default, &s)
	p := entra.NewProvisioner(c, entra.MatchUserName, 0)
	for _, k := range []string{"boss", "worker"} {
		if _, err := p.ProvisionUser(t.Context(), k, entra.User{UserName: k + "@contoso.com", Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.SetManager(t.Context(), "worker", "boss"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ProvisionGroup(t.Context(), "g", entra.Group{DisplayName: "Workers"}, []string{"worker"}); err != nil {
		t.Fatal(err)
	}
	boss, _ := p.UserID("boss")
	worker, _ := p.UserID("worker")
	group, _ := p.GroupID("g")
	for _, tc := range []struct {
		name  string
		check func() (bool, error)
		want  bool
	}{
		{"the manager", func() (bool, error) { return c.CheckManager(t.Context(), worker, boss) }, true},
		{"not the manager", func() (bool, error) { return c.CheckManager(t.Context(), boss, worker) }, false},
		{"a member", func() (bool, error) { return c.CheckMember(t.Context(), group, worker) }, true},
		{"not a member", func() (bool, error) { return c.CheckMember(t.Context(), group, boss) }, false},
	} {
		found, err := tc.check()
		if err != nil || found != tc.want {
			t.Errorf("%s: found %v, %v; want %v", tc.name, found, err, tc.want)
		}
	}
}
