package entra

import (
	"context"
	"fmt"
)

// groups looks a group up, creates it, adds the three users in one PATCH,
// renames it and removes a member in the dialect's shape (§1.7).
func (s *smoke) groups(ctx context.Context) error {
	d := s.c.dialect
	g := Group{DisplayName: s.tag + "-group", ExternalID: s.tag + "-group"}
	l, err := s.c.FindGroups(ctx, g.DisplayName)
	if !s.expectCount("look up the group", l, err, 0, "") {
		return fmt.Errorf("the lookup of a new group %s did not answer 200 with no results", g.DisplayName)
	}
	res, err := s.c.CreateGroup(ctx, g)
	if !s.expectResource("create the group", "201", res, err, g.Attributes()) && res == nil {
		return fmt.Errorf("could not create the group %s", g.DisplayName)
	}
	s.group = res["id"].(string)

	err = s.c.PatchGroup(ctx, s.group, d.AddMembers([]string{s.alice, s.bob, s.carol}))
	s.expectNoContent("add alice, bob and carol in one PATCH", err)
	res, err = s.c.GetGroup(ctx, s.group, true)
	s.expectMembers("read the group's members", res, err, s.alice, s.bob, s.carol)
	found, err := s.c.CheckMember(ctx, s.group, s.alice)
	s.expectCheck("legacy check of alice's membership", found, err, true)

	old := g.DisplayName
	g.DisplayName = s.tag + "-group-renamed"
	err = s.c.PatchGroup(ctx, s.group, d.Rename(g.DisplayName))
	s.expectNoContent("rename the group", err)
	l, err = s.c.FindGroups(ctx, g.DisplayName)
	if s.expectCount("look up the group by its new name", l, err, 1, s.group) {
		_, has := l.Resources[0]["members"]
		s.record("the lookup leaves members out", "no members attribute", map[bool]string{true: "members returned", false: "no members attribute"}[has], !has)
	}
	l, err = s.c.FindGroups(ctx, old)
	s.expectCount("look up the group by its old name", l, err, 0, "")

	err = s.c.PatchGroup(ctx, s.group, d.RemoveMembers([]string{s.alice}))
	s.expectNoContent("remove alice ("+removeShape(d)+")", err)
	res, err = s.c.GetGroup(ctx, s.group, true)
	s.expectMembers("read the group's members", res, err, s.bob, s.carol)
	found, err = s.c.CheckMember(ctx, s.group, s.alice)
	s.expectCheck("legacy check of alice's former membership", found, err, false)
	return nil
}

// removeShape describes how the dialect removes a member.
func removeShape(d Dialect) string {
	if d == AADOptscim062020 {
		return `path members[value eq "id"]`
	}
	return "path members, the member in value"
}

// deletes hard-deletes carol and the group (§1.6, §1.7): each is gone,
// a second delete is a 404, and carol's membership went with her.
func (s *smoke) deletes(ctx context.Context) {
	s.expectNoContent("delete carol", s.c.DeleteUser(ctx, s.carol))
	_, err := s.c.GetUser(ctx, s.carol)
	s.expectNotFound("read deleted carol", err)
	s.expectNotFound("delete carol again", s.c.DeleteUser(ctx, s.carol))
	res, err := s.c.GetGroup(ctx, s.group, true)
	s.expectMembers("read the group after carol's delete", res, err, s.bob)
	s.expectNoContent("delete the group", s.c.DeleteGroup(ctx, s.group))
	_, err = s.c.GetGroup(ctx, s.group, false)
	s.expectNotFound("read the deleted group", err)
}
