package entra_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/entra"
)

// cycleSize is the size of the source directory a cycle provisions.
type cycleSize struct {
	users, groups, minMembers, maxMembers int
}

// model is Entra's source directory: what the bridge must hold after a
// cycle. Users and groups are named by keys (Entra's object ids).
type model struct {
	users    map[string]entra.User
	managers map[string]string // user key -> manager's key
	groups   map[string]entra.Group
	members  map[string]map[string]bool // group key -> user keys
	// userKeys and groupKeys are every key ever created, in order.
	userKeys, groupKeys []string
}

var (
	givenNames  = []string{"Adele", "Alex", "Bianca", "Chen", "Diego", "Emma", "Farah", "Grady", "Hana", "Isaiah", "Joni", "Kenji", "Lidia", "Megan", "Nestor", "Olga", "Pradeep", "Quinn", "Rosa", "Sven"}
	familyNames = []string{"Vance", "Wilber", "Adams", "Li", "Garcia", "Smith", "Khan", "Archie", "Sato", "Brown", "Sherman", "Tanaka", "Novak", "Bowen", "Celestine", "Petrova", "Patel", "Reilly", "Moreno", "Berg"}
	titles      = []string{"Engineer", "Senior Engineer", "Designer", "Product Manager", "Analyst", "Director", "Accountant", "Support Specialist"}
	departments = []string{"Engineering", "Design", "Product", "Finance", "Sales", "Support", "Legal", "Operations"}
	cities      = []string{"Seattle", "London", "Berlin", "Tokyo", "Lagos", "Lima"}
	managers    = 20 // users u0000…u0019 manage the others
)

// newModel returns a source directory of size, drawn from rng: every user
// beyond the first few managers has one of them as manager, four in five
// users have a manager, and every group has between minMembers and
// maxMembers members.
func newModel(size cycleSize, rng *rand.Rand) *model {
	m := &model{users: map[string]entra.User{}, managers: map[string]string{}, groups: map[string]entra.Group{}, members: map[string]map[string]bool{}}
	for i := range size.users {
		key := fmt.Sprintf("u%04d", i)
		given, family := givenNames[rng.IntN(len(givenNames))], familyNames[rng.IntN(len(familyNames))]
		name := strings.ToLower(fmt.Sprintf("%s.%s.%04d@contoso.test", given, family, i))
		u := entra.User{
			UserName: name, ExternalID: guid(1, i), Active: true,
			DisplayName: given + " " + family, GivenName: given, FamilyName: family, Formatted: given + " " + family,
			Title: titles[rng.IntN(len(titles))], WorkEmail: name,
			Department: departments[rng.IntN(len(departments))], EmployeeNumber: fmt.Sprint(10000 + i),
		}
		if rng.IntN(2) == 0 {
			u.MobilePhone = fmt.Sprintf("+1 555 %04d", rng.IntN(10000))
			u.PreferredLanguage = "en-US"
		}
		if rng.IntN(3) == 0 {
			u.StreetAddress, u.Locality, u.Country = fmt.Sprintf("%d Main Street", 1+rng.IntN(999)), cities[rng.IntN(len(cities))], "US"
			u.CostCenter = fmt.Sprintf("CC-%d", rng.IntN(50))
		}
		m.users[key] = u
		m.userKeys = append(m.userKeys, key)
		if i >= managers && rng.IntN(5) != 0 {
			m.managers[key] = fmt.Sprintf("u%04d", rng.IntN(min(managers, i)))
		}
	}
	for g := range size.groups {
		key := fmt.Sprintf("g%02d", g)
		m.groups[key] = entra.Group{DisplayName: fmt.Sprintf("Team %02d %s", g, departments[g%len(departments)]), ExternalID: guid(2, g)}
		m.groupKeys = append(m.groupKeys, key)
		n := size.minMembers + rng.IntN(size.maxMembers-size.minMembers+1)
		m.members[key] = map[string]bool{}
		for _, i := range rng.Perm(size.users)[:min(n, size.users)] {
			m.members[key][m.userKeys[i]] = true
		}
	}
	return m
}

// guid returns a deterministic object id.
func guid(kind, i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, i) }

// memberKeys returns the group's members, sorted.
func (m *model) memberKeys(group string) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m.members[group] {
			if !yield(k) {
				return
			}
		}
	})
}

// live returns the keys of the users not deleted, in order.
func (m *model) live() []string {
	var keys []string
	for _, k := range m.userKeys {
		if _, ok := m.users[k]; ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// changes is what an incremental cycle changed in the source.
type changes struct {
	updated  []string // users whose attributes or active changed
	managed  []string // users whose manager changed
	deleted  []string // users hard-deleted
	disabled int
	renamed  int
}

// churn changes the source as the time between two cycles does: 10% of the
// users get new attributes (some a new userName or work email, some a new
// manager or none), 5% are disabled, 2% are deleted (their reports lose
// their manager), every group loses and gains about 5% of its members, and
// two groups are renamed.
func (m *model) churn(rng *rand.Rand) changes {
	var ch changes
	keys := m.live()
	order := rng.Perm(len(keys))
	nDeleted, nDisabled, nUpdated := len(keys)*2/100, len(keys)*5/100, len(keys)*10/100
	deleted := map[string]bool{}
	for _, i := range order[:nDeleted] {
		deleted[keys[i]] = true
		ch.deleted = append(ch.deleted, keys[i])
	}
	var survivors []string
	for _, k := range keys {
		if !deleted[k] {
			survivors = append(survivors, k)
		}
	}
	for _, i := range order[nDeleted : nDeleted+nDisabled] {
		u := m.users[keys[i]]
		u.Active = false
		m.users[keys[i]] = u
		ch.updated = append(ch.updated, keys[i])
		ch.disabled++
	}
	for n, i := range order[nDeleted+nDisabled : nDeleted+nDisabled+nUpdated] {
		k := keys[i]
		u := m.users[k]
		u.Title, u.Department = titles[rng.IntN(len(titles))]+" II", departments[rng.IntN(len(departments))]
		if n%2 == 0 {
			u.GivenName += "ie"
			u.DisplayName, u.Formatted = u.GivenName+" "+u.FamilyName, u.GivenName+" "+u.FamilyName
		}
		if n%3 == 0 {
			u.MobilePhone = fmt.Sprintf("+44 7700 %06d", rng.IntN(1000000))
		}
		if n%4 == 0 {
			u.WorkEmail = strings.Replace(u.WorkEmail, "@contoso.test", "@mail.contoso.test", 1)
			u.OtherEmail = strings.Replace(u.UserName, "@contoso.test", "@example.net", 1)
		}
		if n%10 == 0 {
			u.UserName = strings.Replace(u.UserName, "@contoso.test", "@fabrikam.test", 1)
		}
		if n%6 == 0 {
			u.Fax, u.Division, u.Organization = "+1 555 0199", "Division "+fmt.Sprint(n%3), "Contoso"
		}
		m.users[k] = u
		ch.updated = append(ch.updated, k)
		switch {
		case n%5 == 0:
			m.managers[k] = survivors[rng.IntN(len(survivors))]
			ch.managed = append(ch.managed, k)
		case n%7 == 0 && m.managers[k] != "":
			delete(m.managers, k)
			ch.managed = append(ch.managed, k)
		}
	}
	for _, k := range ch.deleted {
		delete(m.users, k)
		delete(m.managers, k)
	}
	for _, k := range survivors {
		if mgr, ok := m.managers[k]; ok && (deleted[mgr] || mgr == k) {
			delete(m.managers, k)
			if !slices.Contains(ch.managed, k) {
				ch.managed = append(ch.managed, k)
			}
		}
	}
	for _, g := range m.groupKeys {
		members := m.members[g]
		for k := range members {
			if deleted[k] {
				delete(members, k)
			}
		}
		current := m.memberKeys(g)
		for _, i := range rng.Perm(len(current))[:len(current)*5/100] {
			delete(members, current[i])
		}
		for range len(current) * 5 / 100 {
			members[survivors[rng.IntN(len(survivors))]] = true
		}
	}
	for _, g := range m.groupKeys[:min(2, len(m.groupKeys))] {
		grp := m.groups[g]
		grp.DisplayName += " (renamed)"
		m.groups[g] = grp
		ch.renamed++
	}
	return ch
}
