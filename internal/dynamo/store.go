package dynamo

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// Store is a directory.Store on one DynamoDB table laid out as the package
// comment says. Every write is conditional and atomic: a record and its
// uniqueness items and counter change in one TransactWriteItems.
//
// Reads of a record and of a user's groups are strongly consistent. A
// group's members, the email lookup and List's keys read global secondary
// indexes, which are eventually consistent: right after a change they can
// lag on real DynamoDB (typically by well under a second).
//
// Errors wrap the directory sentinels (ErrNotFound, ErrConflict via
// *directory.ConflictError, ErrVersion) and, when DynamoDB throttles, fails
// with a server error, cannot be reached or the context's deadline passes,
// directory.ErrUnavailable. No request path scans the table; Scan serves
// only the reconciler.
type Store struct {
	client  *dynamodb.Client
	table   *string
	cursors *cursors
}

// The DynamoDB store is a directory store and keeps the failure journal
// (the reconciler's own interface, which this package may not import, is
// checked where the stores are wired).
var (
	_ directory.Store = (*Store)(nil)
	_ journal.Writer  = (*Store)(nil)
	_ journal.Reader  = (*Store)(nil)
)

// New returns a Store on the table named table, which CreateTable (or the
// SAM template) made. It does no I/O.
func New(client *dynamodb.Client, table string) *Store {
	return &Store{client: client, table: aws.String(table), cursors: newCursors(cursorCacheSize)}
}

// Get returns a record by id in one strongly consistent read: for a user,
// one Query of its partition, which holds the record and its memberships
// (Groups). A missing record, or one being deleted, is directory.ErrNotFound.
func (s *Store) Get(ctx context.Context, kind directory.Kind, id string) (rec *directory.Record, err error) {
	defer wrap(&err, "get %s %q", kind, id)
	return s.get(ctx, kind, id)
}

func (s *Store) get(ctx context.Context, kind directory.Kind, id string) (*directory.Record, error) {
	if kind == directory.KindUser {
		return s.getUser(ctx, id)
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: s.table, Key: recordKey(kind, id), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	if out.Item == nil {
		return nil, directory.ErrNotFound
	}
	return decodeRecord(kind, out.Item)
}

// getUser reads a user's partition: its record and its memberships.
func (s *Store) getUser(ctx context.Context, id string) (*directory.Record, error) {
	var rec *directory.Record
	var groups []string
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkUserPrefix + id)},
		ConsistentRead:            aws.Bool(true),
	}
	for p := dynamodb.NewQueryPaginator(s.client, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, it := range out.Items {
			sk := getS(it, attrSK)
			if gid, ok := strings.CutPrefix(sk, skMemberPrefix); ok {
				groups = append(groups, gid)
			} else if sk == skRecord {
				if rec, err = decodeRecord(directory.KindUser, it); err != nil {
					return nil, err
				}
			}
		}
	}
	if rec == nil {
		return nil, directory.ErrNotFound
	}
	rec.Groups = groups
	return rec, nil
}

// Lookup returns the records whose key equals value. A unique key costs one
// strongly consistent read of its uniqueness item and one Get; an entry key
// (externalId) one strongly consistent Query of its value's partition and a
// Get per record it names; email, which the email index keeps, a Query of
// that index (eventually consistent) and a Get per hit. A key the kind does
// not index finds nothing.
func (s *Store) Lookup(ctx context.Context, kind directory.Kind, k directory.Key, value string) (recs []*directory.Record, err error) {
	defer wrap(&err, "lookup %s by %s", kind, k)
	var ids []string
	switch {
	case value == "":
	case k == directory.KeyEmail && kind == directory.KindUser:
		ids, err = s.emailOwners(ctx, value)
	case directory.IsUnique(kind, k):
		ids, err = s.uniqueOwner(ctx, kind, k, value)
	case slices.Contains(directory.EntryKeys(kind), k):
		ids, err = s.entryHolders(ctx, kind, k, value)
	}
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		rec, err := s.get(ctx, kind, id)
		if errors.Is(err, directory.ErrNotFound) {
			continue // deleted since the index said otherwise
		}
		if err != nil {
			return nil, err
		}
		// An index entry that lags behind a change of the key is stale.
		if rec.Keys.Get(k) == value {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

func (s *Store) uniqueOwner(ctx context.Context, kind directory.Kind, k directory.Key, value string) ([]string, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: s.table, Key: uniqueKey(kind, k, value), ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return nil, err
	}
	return []string{getS(out.Item, attrID)}, nil
}

// entryHolders reads the partition of an entry key's value: the ids its
// entries name, in id order, and that of a uniqueness item a table written
// before issue 11 holds there, which Lookup checks like any entry.
func (s *Store) entryHolders(ctx context.Context, kind directory.Kind, k directory.Key, value string) ([]string, error) {
	return s.queryIDs(ctx, &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#id": attrID},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(keyPK(kind, k, value))},
		ProjectionExpression:      aws.String("#id"),
		ConsistentRead:            aws.Bool(true),
	}, func(it item) string { return getS(it, attrID) })
}

// emailOwners reads the email index: the ids of the users holding email.
func (s *Store) emailOwners(ctx context.Context, email string) ([]string, error) {
	return s.queryIDs(ctx, &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(indexEmail),
		KeyConditionExpression:    aws.String("#e = :e"),
		ExpressionAttributeNames:  map[string]string{"#e": attrEmail},
		ExpressionAttributeValues: map[string]types.AttributeValue{":e": str(email)},
	}, func(it item) string { return strings.TrimPrefix(getS(it, attrPK), pkUserPrefix) })
}

// queryIDs runs the Query in, page by page, and returns the ids idOf reads
// from its items, in id order, each once and none empty.
func (s *Store) queryIDs(ctx context.Context, in *dynamodb.QueryInput, idOf func(item) string) ([]string, error) {
	var ids []string
	for p := dynamodb.NewQueryPaginator(s.client, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, it := range out.Items {
			if id := idOf(it); id != "" {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// Touch bumps a record's version and sets its lastModified to at, without a
// version condition, in one UpdateItem, and returns the new version. The
// record keeps change's member ids (attrAdded, attrRemoved) until its next
// write, so that the stream record of this version carries them (see
// StreamChange). A missing record, or one being deleted, is
// directory.ErrNotFound.
func (s *Store) Touch(ctx context.Context, kind directory.Kind, id string, at time.Time, change directory.MemberChange) (ver int64, err error) {
	defer wrap(&err, "touch %s %q", kind, id)
	names := map[string]string{"#m": attrModified, "#v": attrVer, "#pk": attrPK, "#del": attrDeleting}
	values := map[string]types.AttributeValue{":m": str(at.UTC().Format(time.RFC3339Nano)), ":one": num(1)}
	set, remove := "SET #m = :m", ""
	for _, m := range []struct {
		name string
		ids  []string
	}{{attrAdded, change.Added}, {attrRemoved, change.Removed}} {
		name, ids := m.name, m.ids
		names["#"+name] = name
		if len(ids) == 0 {
			// A set cannot be empty, and the previous version's ids must
			// not read as this one's.
			remove += ", #" + name
			continue
		}
		set += ", #" + name + " = :" + name
		values[":"+name] = &types.AttributeValueMemberSS{Value: distinct(ids)}
	}
	update := set + " ADD #v :one"
	if remove != "" {
		update += " REMOVE " + remove[2:]
	}
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 s.table,
		Key:                       recordKey(kind, id),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(#pk) AND attribute_not_exists(#del)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return 0, directory.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return getN(out.Attributes, attrVer)
}
