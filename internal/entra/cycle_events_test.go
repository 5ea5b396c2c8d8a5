package entra_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/entra"
	"github.com/scim-bridge/scim-bridge/internal/entra/entratest"
	"github.com/scim-bridge/scim-bridge/internal/eventbus"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/events/eventstest"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// eventsCycle is the size of the cycle whose change events are checked:
// groups of 30 to 70 members, changed 25 members per PATCH so that a
// group's members arrive in several changes. Under -short (make test) it
// runs at shortEventsCycle, whose groups still take two changes or more.
var (
	eventsCycle      = cycleSize{users: 150, groups: 4, minMembers: 30, maxMembers: 70}
	shortEventsCycle = cycleSize{users: 50, groups: 2, minMembers: 30, maxMembers: 45}
)

const eventsMemberBatch = 25

// eventsVariants are the dialects and numbers of concurrent senders that
// the events cycles run in, on either store.
var eventsVariants = []struct {
	name    string
	dialect entra.Dialect
	senders int
}{
	{"default with 4 senders", entra.Default, 4},
	{"aadOptscim062020", entra.AADOptscim062020, 1},
}

// TestProvisioningCycleEvents provisions a source directory the way Entra
// does (an initial and an incremental cycle, in each dialect) through the
// functions on a table with a stream; runs the stream's records through the
// events function's handler, in the batches its event source mapping would
// send, into an EventBridge bus on the emulator with a rule that sends a
// queue every event; and checks that the queue received exactly the events
// the cycle's changes make: for each user and group, its events in the
// order of its changes, and none for the table's internal items.
func TestProvisioningCycleEvents(t *testing.T) {
	size := eventsCycle
	if testing.Short() {
		size = shortEventsCycle
	}
	for _, v := range eventsVariants {
		t.Run(v.name, func(t *testing.T) {
			ctx := t.Context()
			b := entratest.Start(t)
			cfg := awstest.Config(t)
			stream, err := lambdatest.OpenStream(ctx, cfg, b.Table)
			if err != nil {
				t.Fatal(err)
			}
			bus := awstest.Name(t, "bus")
			queue, err := lambdatest.Listen(ctx, cfg, bus, awstest.Name(t, "all"))
			if err != nil {
				t.Fatal(err)
			}
			c, err := entra.NewClient(entratest.TenantURL, b.Token, entra.Options{Dialect: v.dialect, Doer: b.Gateway})
			if err != nil {
				t.Fatal(err)
			}
			want := playEventsCycle(t, c, v.senders, size)

			recs, err := stream.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			p := eventbus.New(eventbridge.NewFromConfig(cfg), bus, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, batch := range lambdatest.Batches(recs, 100) {
				resp, err := p.Handle(ctx, batch)
				if err != nil || len(resp.BatchItemFailures) > 0 {
					t.Fatalf("batch item failures %v, error %v", resp.BatchItemFailures, err)
				}
			}
			envs, err := queue.Receive(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := receivedEvents(t, envs)
			t.Logf("%d stream records, %d events received for %d resources (%d expected)", len(recs), len(envs), len(got), countExpected(want))
			compareEvents(t, got, want)
		})
	}
}

// playEventsCycle provisions a directory of size through c with senders
// concurrent senders, then churns it once, and returns the events each
// resource's changes must yield, by Entra's name for the resource.
func playEventsCycle(t *testing.T, c *entra.Client, senders int, size cycleSize) map[string][]expect {
	t.Helper()
	r := &cycleRun{t: t, p: entra.NewProvisioner(c, entra.MatchUserName, eventsMemberBatch), c: c, senders: senders}
	m := newModel(size, rand.New(rand.NewPCG(12, 1)))
	source := m.clone()
	r.initial(m)
	ids := provisioned(r.p, m)
	ch := m.churn(rand.New(rand.NewPCG(12, 2)))
	r.incremental(m, ch)
	return expectedEvents(source, m, ch, ids)
}

// expect is what the test expects of one event; its version is its place
// in its resource's events plus one, as every change in this cycle is one
// version with one event.
type expect struct {
	Type       events.Type
	Attributes []string `json:",omitempty"`
	Members    []string `json:",omitempty"`
}

// clone returns a copy of m that m's churn does not change.
func (m *model) clone() *model {
	c := &model{
		users: maps.Clone(m.users), managers: maps.Clone(m.managers), groups: maps.Clone(m.groups),
		members: map[string]map[string]bool{}, userKeys: slices.Clone(m.userKeys), groupKeys: slices.Clone(m.groupKeys),
	}
	for g, ms := range m.members {
		c.members[g] = maps.Clone(ms)
	}
	return c
}

// provisioned returns the id of every user and group key, by key.
func provisioned(p *entra.Provisioner, m *model) map[string]string {
	ids := map[string]string{}
	for _, k := range m.userKeys {
		ids[k], _ = p.UserID(k)
	}
	for _, g := range m.groupKeys {
		ids[g], _ = p.GroupID(g)
	}
	return ids
}

const managerAttribute = entra.EnterpriseSchema + ":manager"

// expectedEvents returns, by "User/<id>" and "Group/<id>", the events the
// cycles make of source and its churn ch into final, from what the
// provisioner sends: each user created, then given its manager; then in
// the incremental cycle its attributes and active flag, its manager, its
// delete; each group created, then filled in sorted batches of member ids,
// then renamed, given its new members and rid of its old ones.
func expectedEvents(source, final *model, ch changes, ids map[string]string) map[string][]expect {
	want := map[string][]expect{}
	for _, k := range source.userKeys {
		evs := []expect{{Type: events.UserCreated}}
		if source.managers[k] != "" {
			evs = append(evs, expect{Type: events.UserUpdated, Attributes: []string{managerAttribute}})
		}
		if slices.Contains(ch.updated, k) {
			before, after := source.users[k], final.users[k]
			names := changedAttributes(before.Attributes(), after.Attributes())
			switch {
			case before.Active && !after.Active:
				evs = append(evs, expect{Type: events.UserDeactivated})
			case !before.Active && after.Active:
				evs = append(evs, expect{Type: events.UserReactivated})
			}
			if slices.ContainsFunc(names, func(n string) bool { return n != "active" }) {
				evs = append(evs, expect{Type: events.UserUpdated, Attributes: names})
			}
		}
		if slices.Contains(ch.managed, k) && source.managers[k] != final.managers[k] {
			evs = append(evs, expect{Type: events.UserUpdated, Attributes: []string{managerAttribute}})
		}
		if slices.Contains(ch.deleted, k) {
			evs = append(evs, expect{Type: events.UserDeleted})
		}
		want["User/"+ids[k]] = evs
	}
	memberIDs := func(members map[string]bool) map[string]bool {
		out := map[string]bool{}
		for k := range members {
			out[ids[k]] = true
		}
		return out
	}
	for _, g := range source.groupKeys {
		evs := []expect{{Type: events.GroupCreated}}
		before, after := memberIDs(source.members[g]), memberIDs(final.members[g])
		evs = append(evs, memberBatches(events.GroupMembersAdded, slices.Collect(maps.Keys(before)))...)
		if source.groups[g].DisplayName != final.groups[g].DisplayName {
			evs = append(evs, expect{Type: events.GroupUpdated, Attributes: []string{"displayName"}})
		}
		var added, removed []string
		for id := range after {
			if !before[id] {
				added = append(added, id)
			}
		}
		for id := range before {
			if !after[id] {
				removed = append(removed, id)
			}
		}
		evs = append(evs, memberBatches(events.GroupMembersAdded, added)...)
		evs = append(evs, memberBatches(events.GroupMembersRemoved, removed)...)
		want["Group/"+ids[g]] = evs
	}
	return want
}

// memberBatches returns the events of adding or removing ids in sorted
// batches, as the provisioner sends them.
func memberBatches(t events.Type, ids []string) []expect {
	slices.Sort(ids)
	var evs []expect
	for batch := range slices.Chunk(ids, eventsMemberBatch) {
		evs = append(evs, expect{Type: t, Members: batch})
	}
	return evs
}

// changedAttributes returns the attributes that differ between two users'
// representations, extension attributes by their full name.
func changedAttributes(before, after map[string]any) []string {
	var names []string
	for _, k := range slices.Sorted(maps.Keys(union(before, after))) {
		bm, bExt := before[k].(map[string]any)
		am, aExt := after[k].(map[string]any)
		if strings.HasPrefix(k, "urn:") && (bExt || before[k] == nil) && (aExt || after[k] == nil) {
			for _, sub := range slices.Sorted(maps.Keys(union(bm, am))) {
				if !reflect.DeepEqual(bm[sub], am[sub]) {
					names = append(names, k+":"+sub)
				}
			}
		} else if !reflect.DeepEqual(before[k], after[k]) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

func union(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, b)
	return out
}

// receivedEvents checks each received event — envelope, schema, id,
// resource — and returns them by resource in the order the queue gave them.
func receivedEvents(t *testing.T, envs []lambdatest.Envelope) map[string][]events.Event {
	t.Helper()
	v, err := eventstest.Load("../../docs/events.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]events.Event{}
	seen := map[string]bool{}
	for _, env := range envs {
		var e events.Event
		if err := json.Unmarshal(env.Detail, &e); err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(env.Detail); err != nil {
			t.Errorf("%s of %s does not validate: %v", e.Type, e.ResourceID, err)
		}
		if env.Source != events.Source || env.DetailType != string(e.Type) {
			t.Errorf("envelope of %s: source %q, detail-type %q", e.Type, env.Source, env.DetailType)
		}
		if e.ID != events.ID(e.ResourceType, e.ResourceID, e.Version, e.Type) || seen[e.ID] {
			t.Errorf("%s of %s at version %d: id %s is not its own, or came twice", e.Type, e.ResourceID, e.Version, e.ID)
		}
		seen[e.ID] = true
		if e.Resource != nil {
			var res struct{ ID string }
			if json.Unmarshal(e.Resource, &res) != nil || res.ID != e.ResourceID {
				t.Errorf("%s of %s carries resource %s", e.Type, e.ResourceID, res.ID)
			}
		}
		k := string(e.ResourceType) + "/" + e.ResourceID
		got[k] = append(got[k], e)
	}
	return got
}

// compareEvents checks that got holds exactly the events of want, each
// resource's in order at versions 1, 2, 3….
func compareEvents(t *testing.T, got map[string][]events.Event, want map[string][]expect) {
	t.Helper()
	var problems []string
	for _, k := range slices.Sorted(maps.Keys(resourcesOf(got, want))) {
		var g []expect
		for i, e := range got[k] {
			if e.Version != int64(i+1) {
				problems = append(problems, fmt.Sprintf("%s: event %d (%s) at version %d", k, i+1, e.Type, e.Version))
			}
			g = append(g, expect{Type: e.Type, Attributes: e.Attributes, Members: e.Members})
		}
		if w := want[k]; !reflect.DeepEqual(normal(g), normal(w)) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			problems = append(problems, fmt.Sprintf("%s:\n   got %s\n  want %s", k, gj, wj))
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d resources differ; the first:\n%s", len(problems), strings.Join(problems[:min(len(problems), 10)], "\n"))
	}
}

// normal makes empty lists nil, so that JSON's and Go's nothing compare.
func normal(evs []expect) []expect {
	out := slices.Clone(evs)
	for i := range out {
		if len(out[i].Attributes) == 0 {
			out[i].Attributes = nil
		}
		if len(out[i].Members) == 0 {
			out[i].Members = nil
		}
	}
	return out
}

func resourcesOf(got map[string][]events.Event, want map[string][]expect) map[string]bool {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	return keys
}

func countExpected(want map[string][]expect) int {
	n := 0
	for _, evs := range want {
		n += len(evs)
	}
	return n
}
