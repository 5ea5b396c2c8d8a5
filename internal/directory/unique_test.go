package directory_test

import (
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

func TestUniquesFollowTheUniqueKeyRule(t *testing.T) {
	keys := directory.Keys{UserName: "alice", ExternalID: "ext-1", DisplayName: "sales", Email: "alice@contoso.com"}
	for _, tc := range []struct {
		name string
		rec  *directory.Record
		want []directory.Unique
	}{
		{
			name: "a user's userName and externalId, never its email",
			rec:  &directory.Record{Kind: directory.KindUser, Keys: keys},
			want: []directory.Unique{
				{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "alice"},
				{Kind: directory.KindUser, Key: directory.KeyExternalID, Value: "ext-1"},
			},
		},
		{
			name: "a group's displayName and externalId",
			rec:  &directory.Record{Kind: directory.KindGroup, Keys: keys},
			want: []directory.Unique{
				{Kind: directory.KindGroup, Key: directory.KeyDisplayName, Value: "sales"},
				{Kind: directory.KindGroup, Key: directory.KeyExternalID, Value: "ext-1"},
			},
		},
		{
			name: "empty values claim nothing",
			rec:  &directory.Record{Kind: directory.KindUser, Keys: directory.Keys{UserName: "bob"}},
			want: []directory.Unique{{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "bob"}},
		},
		{name: "a kind that is not stored", rec: &directory.Record{Kind: "Device", Keys: keys}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := directory.Uniques(tc.rec); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
