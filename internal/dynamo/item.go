package dynamo

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Key parts of the item layout (see the package comment).
const (
	skRecord       = "#RECORD"
	skUnique       = "#UNIQUE"
	skEntryPrefix  = "#ENTRY#"
	skCount        = "#COUNT"
	skMemberPrefix = "MEMBER#"
	pkUserPrefix   = "USER#"
	pkGroupPrefix  = "GROUP#"
)

// Attributes of records, uniqueness and counter items.
const (
	attrDoc      = "doc"
	attrVer      = "ver"
	attrCreated  = "created"
	attrModified = "modified"
	// attrDeleting marks a record whose delete has begun: reads treat it
	// as gone, and the reconciler finishes a delete that was interrupted.
	attrDeleting = "deleting"
	attrID       = "id"
	attrCount    = "n"
	// attrAdded and attrRemoved hold, on a group's record, the member ids
	// its version added and removed (a string set, absent when none): the
	// stream record of a member change carries them (stream.go).
	attrAdded   = "added"
	attrRemoved = "removed"
)

// indexedKeys are the record attributes that hold each Key.
var indexedKeys = []directory.Key{
	directory.KeyUserName, directory.KeyExternalID, directory.KeyDisplayName, directory.KeyEmail,
}

// sortableTime is a fixed-width UTC time layout, so list keys sort in time
// order as strings.
const sortableTime = "2006-01-02T15:04:05.000000000Z"

type item = map[string]types.AttributeValue

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func key(pk, sk string) item { return item{attrPK: str(pk), attrSK: str(sk)} }

func recordPK(kind directory.Kind, id string) string {
	if kind == directory.KindGroup {
		return pkGroupPrefix + id
	}
	return pkUserPrefix + id
}

func recordKey(kind directory.Kind, id string) item { return key(recordPK(kind, id), skRecord) }

// keyPK is the partition of one value of a key: it holds the key's
// uniqueness item (unique keys), or one entry item per record holding the
// value (entry keys). The prefix predates entry keys: externalId was unique
// until issue 11, and keeping its partition means that one Query of it
// reads the entries and the uniqueness item a table written before holds.
func keyPK(kind directory.Kind, k directory.Key, value string) string {
	return "UNIQUE#" + string(kind) + "#" + string(k) + "#" + value
}

func uniqueKey(kind directory.Kind, k directory.Key, value string) item {
	return key(keyPK(kind, k, value), skUnique)
}

// entryKey is the key of the index entry e: in the partition of its value,
// sorted by record id.
func entryKey(e directory.Entry) item {
	return key(keyPK(e.Kind, e.Key, e.Value), skEntryPrefix+e.ID)
}

// entryItem is the item of the index entry e; it names its record in id,
// as a uniqueness item does, so that reading a partition reads both alike.
func entryItem(e directory.Entry) item {
	it := entryKey(e)
	it[attrID] = str(e.ID)
	return it
}

// keyedKeys returns the keys of kind that items index, unique or by entry:
// those whose change moves items.
func keyedKeys(kind directory.Kind) []directory.Key {
	return append(slices.Clip(directory.UniqueKeys(kind)), directory.EntryKeys(kind)...)
}

// counterShards spreads a kind's count over several items: every create and
// delete adds to one chosen at random, so Entra's parallel creates do not all
// contend for one item (concurrent transactions on an item conflict).
const counterShards = 16

func countPK(kind directory.Kind) string { return "COUNT#" + string(kind) }

func countKey(kind directory.Kind, shard int) item {
	return key(countPK(kind), fmt.Sprintf("%s#%02d", skCount, shard))
}

// memberItem is the membership of user uid in group gid: in the user's
// partition, and indexed by group in the members index.
func memberItem(gid, uid string) item {
	return item{
		attrPK:  str(pkUserPrefix + uid),
		attrSK:  str(skMemberPrefix + gid),
		attrGPK: str(pkGroupPrefix + gid),
		attrGSK: str(uid),
	}
}

func memberKey(gid, uid string) item { return key(pkUserPrefix+uid, skMemberPrefix+gid) }

// recordItem is the item that stores rec.
func recordItem(rec *directory.Record) item {
	it := recordKey(rec.Kind, rec.ID)
	it[attrDoc] = str(string(rec.Doc))
	it[attrVer] = num(rec.Version)
	it[attrCreated] = str(rec.Created.UTC().Format(time.RFC3339Nano))
	it[attrModified] = str(rec.LastModified.UTC().Format(time.RFC3339Nano))
	it[attrLPK] = str(string(rec.Kind))
	it[attrLSK] = str(rec.Created.UTC().Format(sortableTime) + "#" + rec.ID)
	for _, k := range indexedKeys {
		if v := rec.Keys.Get(k); v != "" {
			it[string(k)] = str(v)
		}
	}
	return it
}

// decodeRecord returns the record stored in it; a record being deleted is
// directory.ErrNotFound.
func decodeRecord(kind directory.Kind, it item) (*directory.Record, error) {
	if _, ok := it[attrDeleting]; ok {
		return nil, directory.ErrNotFound
	}
	return decodeFields(kind, it)
}

// decodeFields returns the record stored in it, whether a delete has begun
// or not.
func decodeFields(kind directory.Kind, it item) (*directory.Record, error) {
	pk := getS(it, attrPK)
	_, id, _ := strings.Cut(pk, "#")
	rec := &directory.Record{
		Kind: kind,
		ID:   id,
		Doc:  []byte(getS(it, attrDoc)),
		Keys: directory.Keys{
			UserName:    getS(it, string(directory.KeyUserName)),
			ExternalID:  getS(it, string(directory.KeyExternalID)),
			DisplayName: getS(it, string(directory.KeyDisplayName)),
			Email:       getS(it, string(directory.KeyEmail)),
		},
	}
	var err error
	if rec.Version, err = getN(it, attrVer); err != nil {
		return nil, fmt.Errorf("decode %s: %w", pk, err)
	}
	if rec.Created, err = time.Parse(time.RFC3339Nano, getS(it, attrCreated)); err != nil {
		return nil, fmt.Errorf("decode %s: %w", pk, err)
	}
	if rec.LastModified, err = time.Parse(time.RFC3339Nano, getS(it, attrModified)); err != nil {
		return nil, fmt.Errorf("decode %s: %w", pk, err)
	}
	return rec, nil
}

func getS(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getN(it item, name string) (int64, error) {
	v, ok := it[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("attribute %s is not a number", name)
	}
	return strconv.ParseInt(v.Value, 10, 64)
}
