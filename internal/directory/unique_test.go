package directory_test

import (
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

func TestUniquesFollowTheUniqueKeyRule(t *testing.T) {
	keys := directory.Keys{UserName: "alice", ExternalID: "ext-1", DisplayName: "sales", Email: "alice@contoso.com"}
	for _, tc := range []struct {
		name    string
		rec     *directory.Record
		want    []directory.Unique
		entries []directory.Entry
	}{
		{
			name:    "a user's userName is unique; its externalId an entry, never its email",
			rec:     &directory.Record{Kind: directory.KindUser, ID: "u1", Keys: keys},
			want:    []directory.Unique{{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "alice"}},
			entries: []directory.Entry{{Kind: directory.KindUser, Key: directory.KeyExternalID, Value: "ext-1", ID: "u1"}},
		},
		{
			name:    "a group's displayName is unique; its externalId an entry",
			rec:     &directory.Record{Kind: directory.KindGroup, ID: "g1", Keys: keys},
			want:    []directory.Unique{{Kind: directory.KindGroup, Key: directory.KeyDisplayName, Value: "sales"}},
			entries: []directory.Entry{{Kind: directory.KindGroup, Key: directory.KeyExternalID, Value: "ext-1", ID: "g1"}},
		},
		{
			name: "empty values claim nothing",
			rec:  &directory.Record{Kind: directory.KindUser, ID: "u2", Keys: directory.Keys{UserName: "bob"}},
			want: []directory.Unique{{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "bob"}},
		},
		{name: "a kind that is not stored", rec: &directory.Record{Kind: "Device", Keys: keys}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := directory.Uniques(tc.rec); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Uniques: got %v, want %v", got, tc.want)
			}
			if got := directory.Entries(tc.rec); !reflect.DeepEqual(got, tc.entries) {
				t.Errorf("Entries: got %v, want %v", got, tc.entries)
			}
		})
	}
}

func TestExternalIDIsNotUnique(t *testing.T) {
	for _, kind := range []directory.Kind{directory.KindUser, directory.KindGroup} {
		if directory.IsUnique(kind, directory.KeyExternalID) {
			t.Errorf("%s externalId is unique; RFC 7643 §3.1 does not make it so", kind)
		}
	}
	if !directory.IsUnique(directory.KindUser, directory.KeyUserName) || !directory.IsUnique(directory.KindGroup, directory.KeyDisplayName) {
		t.Error("userName or a group's displayName is not unique")
	}
}
