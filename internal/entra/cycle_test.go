package entra_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/entra"
	"github.com/scim-bridge/scim-bridge/internal/entra/entratest"
)

// envCycleUsers sets the number of users of the provisioning cycle, groups
// and their sizes scaling with it: SCIMBRIDGE_CYCLE_USERS=2000 is the full
// size of issue 6 (50 groups of 100 to 500 members).
const envCycleUsers = "SCIMBRIDGE_CYCLE_USERS"

// faultCycleUsers is the size of the cycle under injected faults, whose
// every fault costs a retry: its point is the equality of the outcome, not
// the scale, which the fault-free cycle covers at full size (about 90 s per
// variant with -race on 2 cores).
const faultCycleUsers = 300

// Under -short (make test) the cycles run at these sizes instead, in every
// dialect and with every fault kind, so the fast loop still sends each
// phase of both cycles; make test-long runs them at the sizes above.
const shortCycleUsers, shortFaultCycleUsers = 200, 100

var fullCycle = cycleSize{users: 2000, groups: 50, minMembers: 100, maxMembers: 500}

// cycleSizeOf returns the size envCycleUsers asks for, else n users, or
// short users under -short: the full size's proportions for that many
// users.
func cycleSizeOf(t *testing.T, n, short int) cycleSize {
	if testing.Short() {
		n = short
	}
	if v := os.Getenv(envCycleUsers); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			t.Fatalf("%s=%q: want a number of users of at least 100", envCycleUsers, v)
		}
	}
	s := fullCycle
	s.groups = max(2, s.groups*n/s.users)
	s.minMembers, s.maxMembers = min(s.minMembers, n/4), min(s.maxMembers, n/2)
	s.users = n
	return s
}

// TestProvisioningCycle provisions a source directory the way Entra does —
// an initial cycle, then an incremental one — through API Gateway payload
// 2.0 events into the users and groups functions on the AWS emulator, and
// then compares everything the bridge holds with the source: every user's
// attributes, manager and groups, every group's attributes and members,
// nothing missing, duplicated or extra. It runs in each dialect with one
// sender, and with 8 concurrent senders as Entra sends.
func TestProvisioningCycle(t *testing.T) {
	size := cycleSizeOf(t, fullCycle.users, shortCycleUsers)
	for _, v := range []struct {
		name    string
		dialect entra.Dialect
		senders int
	}{
		{"default", entra.Default, 1},
		{"aadOptscim062020", entra.AADOptscim062020, 1},
		{"default with 8 senders", entra.Default, 8},
	} {
		t.Run(v.name, func(t *testing.T) {
			b := entratest.Start(t)
			c, err := entra.NewClient(entratest.TenantURL, b.Token, entra.Options{Dialect: v.dialect, Doer: b.Gateway})
			if err != nil {
				t.Fatal(err)
			}
			r := &cycleRun{t: t, p: entra.NewProvisioner(c, entra.MatchUserName, 0), c: c, senders: v.senders}
			m := newModel(size, rand.New(rand.NewPCG(6, 1)))
			start := time.Now()
			r.initial(m)
			initial := time.Since(start)
			counts := b.Gateway.Counts()

			ch := m.churn(rand.New(rand.NewPCG(6, 2)))
			start = time.Now()
			r.incremental(m, ch)
			incremental := time.Since(start)
			start = time.Now()
			r.verify(m)
			verify := time.Since(start)
			t.Logf("%d users, %d groups, %d memberships: initial cycle %v, incremental cycle %v (%d updated of which %d disabled, %d manager changes, %d deleted, %d renames), read-back %v",
				size.users, size.groups, memberships(m), initial.Round(time.Millisecond), incremental.Round(time.Millisecond),
				len(ch.updated), ch.disabled, len(ch.managed), len(ch.deleted), ch.renamed, verify.Round(time.Millisecond))
			t.Logf("requests of the initial cycle: %s", describeCounts(counts))
			t.Logf("requests of both cycles and the read-back: %s", describeCounts(b.Gateway.Counts()))
		})
	}
}

// cycleRun sends a cycle with a number of concurrent senders.
type cycleRun struct {
	t       *testing.T
	p       *entra.Provisioner
	c       *entra.Client
	senders int
}

// initial is Entra's initial cycle: Test Connection, every user matched and
// created, then the managers linked, then every group looked up, created
// and filled (docs/entra.md §2.1, §2.2, §4).
func (r *cycleRun) initial(m *model) {
	ctx := r.t.Context()
	if err := r.p.TestConnection(ctx); err != nil {
		r.t.Fatal(err)
	}
	r.each("create users", m.userKeys, func(ctx context.Context, k string) error {
		_, err := r.p.ProvisionUser(ctx, k, m.users[k])
		return err
	})
	r.each("link managers", slices.Sorted(maps.Keys(m.managers)), func(ctx context.Context, k string) error {
		return r.p.SetManager(ctx, k, m.managers[k])
	})
	r.each("create groups", m.groupKeys, func(ctx context.Context, k string) error {
		_, err := r.p.ProvisionGroup(ctx, k, m.groups[k], m.memberKeys(k))
		return err
	})
}

// incremental is Entra's incremental cycle after ch: the changed users
// (attributes, disables), their references, the hard deletes, then every
// group (renames, members gained and lost, deleted users removed).
func (r *cycleRun) incremental(m *model, ch changes) {
	r.each("update users", ch.updated, func(ctx context.Context, k string) error {
		return r.p.UpdateUser(ctx, k, m.users[k])
	})
	r.each("change managers", ch.managed, func(ctx context.Context, k string) error {
		return r.p.SetManager(ctx, k, m.managers[k])
	})
	r.each("delete users", ch.deleted, func(ctx context.Context, k string) error {
		return r.p.DeleteUser(ctx, k)
	})
	r.each("update groups", m.groupKeys, func(ctx context.Context, k string) error {
		return r.p.UpdateGroup(ctx, k, m.groups[k], m.memberKeys(k))
	})
}

// each sends send for every key with r.senders goroutines, and stops the
// test at the first error.
func (r *cycleRun) each(phase string, keys []string, send func(context.Context, string) error) {
	r.t.Helper()
	start := time.Now()
	defer func() { r.t.Logf("%s: %d in %v", phase, len(keys), time.Since(start).Round(time.Millisecond)) }()
	ctx, cancel := context.WithCancelCause(r.t.Context())
	defer cancel(nil)
	work := make(chan string)
	var wg sync.WaitGroup
	for range r.senders {
		wg.Go(func() {
			for k := range work {
				if err := send(ctx, k); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, k := range keys {
		select {
		case work <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		r.t.Fatalf("%s: %v", phase, err)
	}
}

func memberships(m *model) int {
	n := 0
	for _, ms := range m.members {
		n += len(ms)
	}
	return n
}

// describeCounts lists request counts by route, most first.
func describeCounts(counts map[string]int) string {
	keys := slices.Collect(maps.Keys(counts))
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	total := 0
	var parts []string
	for _, k := range keys {
		total += counts[k]
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	return fmt.Sprintf("%d in all: %s", total, strings.Join(parts, ", "))
}
