package entra_test

import (
	"fmt"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/entra"
	"github.com/scim-bridge/scim-bridge/internal/entra/entratest"
)

// maxReported bounds the differences a verification reports, and
// maxLength the length of each.
const (
	maxReported = 20
	maxLength   = 500
)

// verify reads the whole directory back through the SCIM API, as any reader
// of the bridge would, and compares it exactly with the model: the users
// and groups the model has and no others, each once, each user with its
// attributes, manager and groups, each group with its attributes and
// members.
func (r *cycleRun) verify(m *model) {
	r.t.Helper()
	var problems []string
	report := func(format string, args ...any) {
		p := fmt.Sprintf(format, args...)
		if len(p) > maxLength {
			p = p[:maxLength] + "…"
		}
		problems = append(problems, p)
	}

	users := r.readAll("/Users", report)
	byID := map[string]map[string]any{}
	userNames := map[string]bool{}
	for _, u := range users {
		id, _ := u["id"].(string)
		if byID[id] != nil {
			report("user %s is listed twice", id)
		}
		byID[id] = u
		name := strings.ToLower(u["userName"].(string))
		if userNames[name] {
			report("userName %s is held twice", name)
		}
		userNames[name] = true
	}
	groupsOf := map[string][]any{} // user key -> the groups the user must list
	for _, g := range m.groupKeys {
		gid, _ := r.p.GroupID(g)
		for k := range m.members[g] {
			groupsOf[k] = append(groupsOf[k], map[string]any{"value": gid, "$ref": entratest.TenantURL + "/Groups/" + gid, "type": "direct"})
		}
	}
	for _, k := range m.live() {
		id, ok := r.p.UserID(k)
		if !ok {
			report("user %s was never provisioned", k)
			continue
		}
		got := byID[id]
		delete(byID, id)
		if got == nil {
			report("user %s (%s) is missing", k, id)
			continue
		}
		want := m.users[k].Attributes()
		if mgr := m.managers[k]; mgr != "" {
			mid, _ := r.p.UserID(mgr)
			ext, _ := want[entra.EnterpriseSchema].(map[string]any)
			if ext == nil {
				ext = map[string]any{}
				want[entra.EnterpriseSchema] = ext
			}
			ext["manager"] = map[string]any{"value": mid, "$ref": entratest.TenantURL + "/Users/" + mid}
		}
		if gs := groupsOf[k]; len(gs) > 0 {
			want["groups"] = gs
		}
		for _, d := range entra.Diff(want, entra.Without(got, "id", "meta", "schemas")) {
			report("user %s: %s", k, d)
		}
	}
	for id := range byID {
		report("user %s is extra", id)
	}

	groups := r.readAll("/Groups", report)
	if len(groups) != len(m.groups) {
		report("%d groups listed, want %d", len(groups), len(m.groups))
	}
	for _, g := range m.groupKeys {
		gid, _ := r.p.GroupID(g)
		got, err := r.c.GetGroup(r.t.Context(), gid, true)
		if err != nil {
			report("group %s: %v", g, err)
			continue
		}
		want := m.groups[g].Attributes()
		var members []any
		for _, k := range m.memberKeys(g) {
			uid, _ := r.p.UserID(k)
			members = append(members, map[string]any{"value": uid, "$ref": entratest.TenantURL + "/Users/" + uid, "type": "User"})
		}
		if len(members) > 0 {
			want["members"] = members
		}
		for _, d := range entra.Diff(want, entra.Without(got, "id", "meta", "schemas")) {
			report("group %s: %s", g, d)
		}
	}
	if len(problems) > 0 {
		r.t.Errorf("%d differences from the source directory; the first:\n  %s", len(problems),
			strings.Join(problems[:min(len(problems), maxReported)], "\n  "))
	}
}

// readAll reads every resource of an endpoint, a page of 100 at a time,
// and checks that the pages agree on the total.
func (r *cycleRun) readAll(endpoint string, report func(string, ...any)) []map[string]any {
	var all []map[string]any
	total := -1
	for start := 1; ; start += 100 {
		var l *entra.List
		var err error
		if endpoint == "/Users" {
			l, err = r.c.ListUsers(r.t.Context(), start, 100)
		} else {
			l, err = r.c.ListGroups(r.t.Context(), start, 100, false)
		}
		if err != nil {
			r.t.Fatalf("list %s from %d: %v", endpoint, start, err)
		}
		if total >= 0 && l.TotalResults != total {
			report("%s: totalResults changed from %d to %d between pages", endpoint, total, l.TotalResults)
		}
		total = l.TotalResults
		all = append(all, l.Resources...)
		if len(l.Resources) == 0 || len(all) >= total {
			break
		}
	}
	if len(all) != total {
		report("%s: read %d resources, totalResults %d", endpoint, len(all), total)
	}
	return all
}
