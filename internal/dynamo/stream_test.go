package dynamo_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// rawItems reads every item of table as DynamoDB stores it, by key.
func rawItems(t *testing.T, client *dynamodb.Client, table string) map[string]map[string]types.AttributeValue {
	t.Helper()
	items := map[string]map[string]types.AttributeValue{}
	for p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)}); p.HasMorePages(); {
		out, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			pk, _ := it["PK"].(*types.AttributeValueMemberS)
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			items[pk.Value+" "+sk.Value] = it
		}
	}
	return items
}

// streamOf returns the stream records a write would make, from the items
// before and after it: one per item that appeared, changed or went.
func streamOf(before, after map[string]map[string]types.AttributeValue) [][2]map[string]types.AttributeValue {
	var recs [][2]map[string]types.AttributeValue
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range before {
			if !yield(k) {
				return
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok && !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		if !reflect.DeepEqual(before[k], after[k]) {
			recs = append(recs, [2]map[string]types.AttributeValue{before[k], after[k]})
		}
	}
	return recs
}

// TestStreamChangeOfEveryWrite makes each kind of write the store does and
// turns the stream records it would make into changes: exactly one change
// per write to a user or group, with its records before and after and a
// group's member change, and none for the uniqueness items, counters,
// memberships, failures, seen marks, state and delete marks around them.
func TestStreamChangeOfEveryWrite(t *testing.T) {
	client, table, _ := newTable(t)
	s := dynamo.New(client, table)
	ctx := t.Context()
	at := time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
	user := &directory.Record{
		Kind: directory.KindUser, ID: "u1", Version: 1, Created: at, LastModified: at,
		Keys: directory.Keys{UserName: "alice", ExternalID: "a"}, Doc: []byte(`{"active":true,"userName":"alice"}`),
	}
	moved := *user
	moved.Version, moved.LastModified, moved.Keys.UserName = 2, at.Add(time.Minute), "alicia"
	moved.Doc = []byte(`{"active":true,"userName":"alicia"}`)
	group := &directory.Record{
		Kind: directory.KindGroup, ID: "g1", Version: 1, Created: at, LastModified: at,
		Keys: directory.Keys{DisplayName: "sales"}, Doc: []byte(`{"displayName":"Sales"}`),
	}
	renamed := *group
	renamed.Version, renamed.LastModified, renamed.Keys.DisplayName = 3, at.Add(2*time.Minute), "sales emea"
	renamed.Doc = []byte(`{"displayName":"Sales EMEA"}`)
	touched := *group
	touched.Version, touched.LastModified = 2, at.Add(time.Minute)

	for _, step := range []struct {
		name  string
		write func() error
		want  []events.Change // At is checked apart
	}{
		{"create a user", func() error { return s.Create(ctx, user) }, []events.Change{{After: user}}},
		{"update a user's key", func() error { return s.Update(ctx, &moved, 1) }, []events.Change{{Before: user, After: &moved}}},
		{"create a group", func() error { return s.Create(ctx, group) }, []events.Change{{After: group}}},
		{
			"add a member and touch the group",
			func() error {
				if err := s.AddMembers(ctx, "g1", []string{"u1"}); err != nil {
					return err
				}
				_, err := s.Touch(ctx, directory.KindGroup, "g1", touched.LastModified, directory.MemberChange{Added: []string{"u1", "u2", "u1"}, Removed: []string{"u3"}})
				return err
			},
			[]events.Change{{Before: group, After: &touched, Members: directory.MemberChange{Added: []string{"u1", "u2"}, Removed: []string{"u3"}}}},
		},
		{"rename the group", func() error { return s.Update(ctx, &renamed, 2) }, []events.Change{{Before: &touched, After: &renamed}}},
		{
			"note failures and marks",
			func() error {
				f := journal.Failure{Time: at, Expires: at.Add(time.Hour), Method: "PATCH", Status: 503, ResourceID: "g1"}
				if err := s.RecordFailure(ctx, f); err != nil {
					return err
				}
				if err := s.MarkSeen(ctx, journal.SeenPreviousToken, at); err != nil {
					return err
				}
				return s.SaveState(ctx, []byte(`{}`), 0)
			},
			nil,
		},
		{"delete the user", func() error { return s.Delete(ctx, directory.KindUser, "u1") }, []events.Change{{Before: &moved}}},
		{"delete the group", func() error { return s.Delete(ctx, directory.KindGroup, "g1") }, []events.Change{{Before: &renamed}}},
	} {
		t.Run(step.name, func(t *testing.T) {
			before := rawItems(t, client, table)
			if err := step.write(); err != nil {
				t.Fatal(err)
			}
			recorded := at.Add(time.Hour)
			var got []events.Change
			for _, r := range streamOf(before, rawItems(t, client, table)) {
				c, ok, err := dynamo.StreamChange(r[0], r[1], recorded)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					if !c.At.Equal(recorded) {
						t.Errorf("At = %v, want the stream's time %v", c.At, recorded)
					}
					c.At = time.Time{}
					got = append(got, c)
				}
			}
			if !sameChanges(got, step.want) {
				t.Errorf("changes:\n got %s\nwant %s", describe(got), describe(step.want))
			}
		})
	}
}

func TestStreamChangeRefusesARecordItCannotDecode(t *testing.T) {
	bad := map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "USER#u1"}, "SK": &types.AttributeValueMemberS{Value: "#RECORD"},
		"ver": &types.AttributeValueMemberS{Value: "one"},
	}
	if _, _, err := dynamo.StreamChange(nil, bad, time.Now()); err == nil {
		t.Error("a record without a numeric version became a change")
	}
}

// sameChanges compares changes by their records' stored fields (which
// ignore Groups) and member ids as sets.
func sameChanges(a, b []events.Change) bool {
	return slices.EqualFunc(a, b, func(x, y events.Change) bool {
		set := func(ids []string) []string { s := slices.Clone(ids); slices.Sort(s); return slices.Compact(s) }
		return sameRecord(x.Before, y.Before) && sameRecord(x.After, y.After) &&
			slices.Equal(set(x.Members.Added), set(y.Members.Added)) && slices.Equal(set(x.Members.Removed), set(y.Members.Removed))
	})
}

func sameRecord(a, b *directory.Record) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Kind == b.Kind && a.ID == b.ID && a.Version == b.Version && a.Created.Equal(b.Created) &&
		a.LastModified.Equal(b.LastModified) && a.Keys == b.Keys && string(a.Doc) == string(b.Doc)
}

func describe(cs []events.Change) string {
	v := func(r *directory.Record) string {
		if r == nil {
			return "none"
		}
		return fmt.Sprintf("%s@%d", r.ID, r.Version)
	}
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s→%s %+v", v(c.Before), v(c.After), c.Members))
	}
	return "[" + strings.Join(out, ", ") + "]"
}
