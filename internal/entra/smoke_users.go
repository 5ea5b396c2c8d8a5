package entra

import (
	"context"
	"fmt"
	"strings"
)

// testConnection sends Test Connection's requests (docs/entra.md §2.1).
func (s *smoke) testConnection(ctx context.Context) {
	l, err := s.c.FindUsers(ctx, MatchUserName, newGUID())
	s.expectCount("test connection: user probe", l, err, 0, "")
	l, err = s.c.FindGroups(ctx, newGUID())
	s.expectCount("test connection: group probe", l, err, 0, "")
	// Fetching any user and group: what comes back may be someone else's,
	// and is only read.
	for _, step := range []string{"test connection: any user", "test connection: any group"} {
		var err error
		if strings.HasSuffix(step, "user") {
			l, err = s.c.ListUsers(ctx, 1, 1)
		} else {
			l, err = s.c.ListGroups(ctx, 1, 1, false)
		}
		if s.failed(step, "200, ListResponse", err) {
			continue
		}
		s.record(step, "200, ListResponse", fmt.Sprintf("200, ListResponse, %d of %d", len(l.Resources), l.TotalResults), len(l.Resources) <= 1)
	}
}

// user returns the run's user for role, as Entra's default mappings send it.
func (s *smoke) user(role, given string) User {
	return User{
		UserName: s.name(role), ExternalID: s.tag + "-" + role, Active: true,
		DisplayName: given + " Smoke", GivenName: given, FamilyName: "Smoke", WorkEmail: s.name(role),
		Department: "Smoke test",
	}
}

// createUsers matches and creates the run's users, each on another
// matching attribute, and finds each again as Entra's next cycle would.
func (s *smoke) createUsers(ctx context.Context) error {
	carol := s.user("carol", "Carol")
	carol.WorkEmail = s.tag + "-carol.mail@" + SmokeDomain
	for _, r := range []struct {
		role string
		u    User
		m    Matching
		id   *string
	}{
		{"manager", s.user("manager", "Morgan"), MatchUserName, &s.manager},
		{"alice", s.user("alice", "Alice"), MatchUserName, &s.alice},
		{"bob", s.user("bob", "Bob"), MatchExternalID, &s.bob},
		{"carol", carol, MatchWorkEmail, &s.carol},
	} {
		l, err := s.c.FindUsers(ctx, r.m, r.m.Of(r.u))
		if !s.expectCount("match "+r.role+" on "+r.m.String(), l, err, 0, "") {
			return fmt.Errorf("the lookup of a new user %s did not answer 200 with no results", r.u.UserName)
		}
		res, err := s.c.CreateUser(ctx, r.u)
		if !s.expectResource("create "+r.role, "201", res, err, r.u.Attributes()) && res == nil {
			return fmt.Errorf("could not create %s", r.u.UserName)
		}
		*r.id = res["id"].(string)
		s.users[r.role] = r.u
		// The next cycle finds it, in another case where the attribute
		// is case-insensitive (externalId is compared exactly).
		value := r.m.Of(r.u)
		if r.m != MatchExternalID {
			value = strings.ToUpper(value)
		}
		l, err = s.c.FindUsers(ctx, r.m, value)
		s.expectCount("match "+r.role+" again on "+r.m.String(), l, err, 1, *r.id)
	}
	// Entra matches an existing user and sends only what differs.
	want := s.users["alice"]
	want.Title = "Smoke tester"
	l, err := s.c.FindUsers(ctx, MatchUserName, want.UserName)
	if !s.expectCount("match alice before an update", l, err, 1, s.alice) {
		return nil
	}
	found, _ := UserOf(l.Resources[0])
	ops := s.c.dialect.UserChanges(found, want)
	res, err := s.c.PatchUser(ctx, s.alice, ops)
	if s.expectResource("update the match: only what differs", "200", res, err, want.Attributes()) && len(ops) != 1 {
		s.fail("update the match: only what differs", "1 operation (title)", fmt.Sprintf("%d operations: the match differed from what was created", len(ops)))
	}
	s.users["alice"] = want
	return nil
}

// updateAlice changes every attribute Entra maps by default, and the other
// paths of its mapping tables, in one PATCH.
func (s *smoke) updateAlice(ctx context.Context) {
	old := s.users["alice"]
	u := old
	u.DisplayName, u.GivenName, u.FamilyName, u.Formatted = "Alicia Smoke-Test", "Alicia", "Smoke-Test", "Alicia Smoke-Test"
	u.NickName, u.Title, u.PreferredLanguage = "Ali", "Senior smoke tester", "en-GB"
	u.WorkEmail, u.OtherEmail = s.tag+"-alicia@"+SmokeDomain, s.tag+"-alicia.other@"+SmokeDomain
	u.WorkPhone, u.MobilePhone, u.Fax = "+1 555 0100", "+1 555 0101", "+1 555 0102"
	u.StreetAddress, u.Locality, u.Region, u.PostalCode, u.Country = "1 Test Street", "Testville", "Test County", "00000", "US"
	u.FormattedAddress = "1 Test Street, Testville"
	u.Department, u.EmployeeNumber, u.CostCenter, u.Organization, u.Division = "Smoke QA", "4242", "CC-1", "scim-bridge", "Checks"
	res, err := s.c.PatchUser(ctx, s.alice, s.c.dialect.UserChanges(old, u))
	s.expectResource("update every mapped attribute of alice", "200", res, err, u.Attributes())
	s.users["alice"] = u
	res, err = s.c.GetUser(ctx, s.alice)
	s.expectResource("read alice back", "200", res, err, u.Attributes())
}

// disableAndEnable disables alice and enables her again (§1.5).
func (s *smoke) disableAndEnable(ctx context.Context) {
	u := s.users["alice"]
	off := u
	off.Active = false
	res, err := s.c.PatchUser(ctx, s.alice, s.c.dialect.UserChanges(u, off))
	s.expectResource("disable alice", "200", res, err, off.Attributes())
	res, err = s.c.GetUser(ctx, s.alice)
	s.expectResource("read disabled alice: active is false, not missing", "200", res, err, off.Attributes())
	res, err = s.c.PatchUser(ctx, s.alice, s.c.dialect.UserChanges(off, u))
	s.expectResource("re-enable alice", "200", res, err, u.Attributes())
}

// withManager returns u's attributes with the manager id.
func (s *smoke) withManager(u User, id string) map[string]any {
	res := u.Attributes()
	put(res, managerPath, map[string]any{"value": id})
	return res
}

// managers sets, changes and removes alice's manager, checking each with
// the legacy reference check (§1.3, §1.4).
func (s *smoke) managers(ctx context.Context) {
	d, u := s.c.dialect, s.users["alice"]
	res, err := s.c.PatchUser(ctx, s.alice, d.Manager("", s.manager))
	s.expectResource("set alice's manager", "200", res, err, s.withManager(u, s.manager))
	found, err := s.c.CheckManager(ctx, s.alice, s.manager)
	s.expectCheck("legacy check of alice's manager", found, err, true)
	res, err = s.c.PatchUser(ctx, s.alice, d.Manager(s.manager, s.bob))
	s.expectResource("change alice's manager to bob", "200", res, err, s.withManager(u, s.bob))
	found, err = s.c.CheckManager(ctx, s.alice, s.manager)
	s.expectCheck("legacy check of alice's former manager", found, err, false)
	res, err = s.c.PatchUser(ctx, s.alice, d.Manager(s.bob, ""))
	s.expectResource("remove alice's manager", "200", res, err, u.Attributes())
	res, err = s.c.GetUser(ctx, s.alice)
	s.expectResource("read alice without a manager", "200", res, err, u.Attributes())
}

// renameUser changes alice's userName: the old one no longer matches, the
// new one matches her.
func (s *smoke) renameUser(ctx context.Context) {
	old := s.users["alice"]
	u := old
	u.UserName = s.name("alicia")
	res, err := s.c.PatchUser(ctx, s.alice, s.c.dialect.UserChanges(old, u))
	s.expectResource("change alice's userName", "200", res, err, u.Attributes())
	s.users["alice"] = u
	l, err := s.c.FindUsers(ctx, MatchUserName, old.UserName)
	s.expectCount("match alice's old userName", l, err, 0, "")
	l, err = s.c.FindUsers(ctx, MatchUserName, u.UserName)
	s.expectCount("match alice's new userName", l, err, 1, s.alice)
}

// reprovision disables bob, then provisions him again as Entra does when
// he comes back into scope: the match on externalId finds the disabled
// user, and only active is sent (docs/entra.md §2.6, §2.8).
func (s *smoke) reprovision(ctx context.Context) {
	u := s.users["bob"]
	off := u
	off.Active = false
	res, err := s.c.PatchUser(ctx, s.bob, s.c.dialect.UserChanges(u, off))
	s.expectResource("disable bob", "200", res, err, off.Attributes())
	l, err := s.c.FindUsers(ctx, MatchExternalID, u.ExternalID)
	if !s.expectCount("re-provision bob: match on externalId finds the disabled user", l, err, 1, s.bob) {
		return
	}
	found, _ := UserOf(l.Resources[0])
	ops := s.c.dialect.UserChanges(found, u)
	res, err = s.c.PatchUser(ctx, s.bob, ops)
	if s.expectResource("re-provision bob: reactivate him", "200", res, err, u.Attributes()) && len(ops) != 1 {
		s.fail("re-provision bob: reactivate him", "1 operation (active)", fmt.Sprintf("%d operations", len(ops)))
	}
	res, err = s.c.GetUser(ctx, s.bob)
	want := "200, the same id, active, still in the group"
	if s.failed("read bob: same id, active, groups intact", want, err) {
		return
	}
	groups, _ := res["groups"].([]any)
	inGroup := false
	for _, g := range groups {
		if g, ok := g.(map[string]any); ok && g["value"] == s.group {
			inGroup = true
		}
	}
	got := fmt.Sprintf("200, id %s, active %v, in %d group%s", map[bool]string{true: "the same", false: "different"}[res["id"] == s.bob],
		res["active"], len(groups), plural(len(groups)))
	s.record("read bob: same id, active, groups intact", want, got, res["id"] == s.bob && res["active"] == true && inGroup)
}
