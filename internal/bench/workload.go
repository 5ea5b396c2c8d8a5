package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/scim-bridge/scim-bridge/internal/entra"
)

// Workload is the shape of an Entra provisioning cycle the load run plays:
// users created (each after its lookup, as Entra matches before it
// creates), looked up again, misses (Test Connection's probes), PATCHed in
// both dialects, groups filled in 100-member PATCHes, single members
// removed, users read and everyone deleted.
type Workload struct {
	Users int
	// Groups are filled to GroupSize members, MemberBatch per PATCH;
	// RemovesPerGroup single members are then removed from each.
	Groups, GroupSize, MemberBatch, RemovesPerGroup int
}

// EntraCycle is the workload docs/performance.md reports: 2,000 users and
// 20 groups of 500 members.
var EntraCycle = Workload{Users: 2000, Groups: 20, GroupSize: 500, MemberBatch: 100, RemovesPerGroup: 10}

// cycle is a workload's state while it runs: what was sent and the ids
// the bridge returned. Each operation touches its own indexes only.
type cycle struct {
	w                 Workload
	byDialect         map[entra.Dialect]*entra.Client
	users             []entra.User // as last sent
	userIDs, groupIDs []string
}

// Phases returns the workload's phases against tenantURL, in the order
// they must run. Every operation is one request, sent by an Entra client
// (internal/entra) in the dialect the phase names, through doer.
func (w Workload) Phases(tenantURL, token string, doer entra.Doer) ([]Phase, error) {
	c := &cycle{w: w, byDialect: map[entra.Dialect]*entra.Client{},
		users: make([]entra.User, w.Users), userIDs: make([]string, w.Users), groupIDs: make([]string, w.Groups)}
	for _, d := range entra.Dialects {
		client, err := entra.NewClient(tenantURL, token, entra.Options{Dialect: d, Doer: doer})
		if err != nil {
			return nil, err
		}
		c.byDialect[d] = client
	}
	def := c.byDialect[entra.Default]
	batches := w.GroupSize / w.MemberBatch
	return []Phase{
		{"create users", w.Users, c.createUser},
		{"lookup users (a third in mixed case)", w.Users, c.lookupUser},
		{"lookup misses", w.Users / 2, func(ctx context.Context, _ int) error {
			return expectFound(def.FindUsers(ctx, entra.MatchUserName, newGUID()))(0)
		}},
		{"patch users, default dialect", w.Users, c.patchUser(entra.Default)},
		{"patch users, aadOptscim062020", w.Users, c.patchUser(entra.AADOptscim062020)},
		{"lookup groups (misses)", w.Groups, func(ctx context.Context, i int) error {
			return expectFound(def.FindGroups(ctx, groupName(i)))(0)
		}},
		{"create groups", w.Groups, c.createGroup},
		{fmt.Sprintf("add members, %d per PATCH", w.MemberBatch), w.Groups * batches, func(ctx context.Context, i int) error {
			g, b := i/batches, i%batches
			ids := make([]string, w.MemberBatch)
			for k := range ids {
				ids[k] = c.userIDs[c.member(g, b*w.MemberBatch+k)]
			}
			d := entra.Dialects[g%2]
			return c.byDialect[d].PatchGroup(ctx, c.groupIDs[g], d.AddMembers(ids))
		}},
		{"remove single members, both dialects", w.Groups * w.RemovesPerGroup, func(ctx context.Context, i int) error {
			g, k := i/w.RemovesPerGroup, i%w.RemovesPerGroup
			id := c.userIDs[c.member(g, k*w.GroupSize/w.RemovesPerGroup)]
			d := entra.Dialects[i%2]
			return c.byDialect[d].PatchGroup(ctx, c.groupIDs[g], d.RemoveMembers([]string{id}))
		}},
		{"get users", w.Users, func(ctx context.Context, i int) error {
			_, err := def.GetUser(ctx, c.userIDs[i])
			return err
		}},
		{"delete users", w.Users, func(ctx context.Context, i int) error { return def.DeleteUser(ctx, c.userIDs[i]) }},
		{"delete groups", w.Groups, func(ctx context.Context, i int) error { return def.DeleteGroup(ctx, c.groupIDs[i]) }},
	}, nil
}

// member returns the index of the k-th member of group g: groups overlap,
// so that a user belongs to several, as in a real tenant.
func (c *cycle) member(g, k int) int { return (g*c.w.Users/c.w.Groups + k) % c.w.Users }

func (c *cycle) createUser(ctx context.Context, i int) error {
	u := entra.User{
		UserName: fmt.Sprintf("load.user%05d@contoso.com", i), ExternalID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		Active: true, DisplayName: fmt.Sprintf("Load User %d", i), GivenName: "Load", FamilyName: fmt.Sprintf("User %d", i),
		WorkEmail: fmt.Sprintf("load.user%05d@contoso.com", i), Title: "Engineer", Department: "Engineering",
		EmployeeNumber: fmt.Sprint(i),
	}
	res, err := c.byDialect[entra.Default].CreateUser(ctx, u)
	if err != nil {
		return err
	}
	c.users[i], c.userIDs[i] = u, res["id"].(string)
	return nil
}

// lookupUser finds user i by userName, every third one spelled in mixed
// case, as Entra's matching and the validator's case test send it.
func (c *cycle) lookupUser(ctx context.Context, i int) error {
	name := c.users[i].UserName
	if i%3 == 0 {
		name = mixedCase(name)
	}
	return expectFound(c.byDialect[entra.Default].FindUsers(ctx, entra.MatchUserName, name))(1)
}

// patchUser returns the operation that changes user i's title, department
// and name in dialect d, and with the flag its work email, and disables
// every tenth user by default: Entra sends only what changed.
func (c *cycle) patchUser(d entra.Dialect) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) error {
		old := c.users[i]
		u := old
		u.Title, u.Department = fmt.Sprintf("Title %s %d", d, i), "Dept "+d.String()
		u.FamilyName = fmt.Sprintf("User %d (%s)", i, d)
		if d == entra.AADOptscim062020 {
			u.DisplayName = fmt.Sprintf("Load User %d (renamed)", i)
			u.WorkEmail = fmt.Sprintf("load.user%05d@fabrikam.com", i)
		} else if i%10 == 0 {
			u.Active = false
		}
		if _, err := c.byDialect[d].PatchUser(ctx, c.userIDs[i], d.UserChanges(old, u)); err != nil {
			return err
		}
		c.users[i] = u
		return nil
	}
}

func (c *cycle) createGroup(ctx context.Context, i int) error {
	res, err := c.byDialect[entra.Default].CreateGroup(ctx, entra.Group{DisplayName: groupName(i), ExternalID: newGUID()})
	if err != nil {
		return err
	}
	c.groupIDs[i] = res["id"].(string)
	return nil
}

func groupName(i int) string { return fmt.Sprintf("Load Group %02d", i) }

// expectFound checks that a lookup found want resources.
func expectFound(l *entra.List, err error) func(want int) error {
	return func(want int) error {
		if err != nil {
			return err
		}
		if l.TotalResults != want {
			return fmt.Errorf("found %d, want %d", l.TotalResults, want)
		}
		return nil
	}
}

// mixedCase returns s with every other letter's case swapped.
func mixedCase(s string) string {
	var sb strings.Builder
	for i, r := range s {
		if i%2 == 0 {
			r = unicode.ToUpper(r)
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// newGUID returns a random (version 4) GUID, as Entra's Test Connection
// probes for and as its group object ids look.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewLoadClient returns the HTTP client of a load run: keep-alive
// connections enough for conc workers.
func NewLoadClient(conc int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = conc + 1
	return &http.Client{Transport: t}
}
