package dynamo

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

const (
	// listPageLimit is the most keys one Query of the list index asks for.
	listPageLimit = 1000
	// listConcurrency bounds the parallel partition reads of List with
	// groups.
	listConcurrency = 8
)

// List returns one page of a kind's records, oldest first, and the kind's
// total from its counter item. It reads keys from the list index (keys only,
// up to 1000 per Query), skipping the startIndex-1 keys before the page —
// or continuing from where an earlier page served by this Store ended (see
// cursors) — then the page's records with BatchGetItem (100 per request),
// or, with WithGroups, one Query per user's partition. Records deleted
// while the page is read are left out, so a page can be short.
func (s *Store) List(ctx context.Context, kind directory.Kind, opts directory.ListOptions) (recs []*directory.Record, total int, err error) {
	defer wrap(&err, "list %s", kind)
	if total, err = s.total(ctx, kind); err != nil || opts.Count <= 0 {
		return nil, total, err
	}
	ids, err := s.listIDs(ctx, kind, max(opts.StartIndex, 1), opts.Count)
	if err != nil {
		return nil, 0, err
	}
	if kind == directory.KindUser && opts.WithGroups {
		recs, err = s.getUsers(ctx, ids)
	} else {
		recs, err = s.getRecords(ctx, kind, ids)
	}
	return recs, total, err
}

func (s *Store) total(ctx context.Context, kind directory.Kind) (int, error) {
	n, err := s.sumCounter(ctx, kind)
	return max(int(n), 0), err
}

// sumCounter adds up the shards of a kind's counter: one Query, as the
// shards share a partition.
func (s *Store) sumCounter(ctx context.Context, kind directory.Kind) (int64, error) {
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(countPK(kind))},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, it := range out.Items {
		if _, ok := it[attrCount].(*types.AttributeValueMemberN); !ok {
			continue
		}
		n, err := getN(it, attrCount)
		if err != nil {
			return 0, err
		}
		sum += n
	}
	return sum, nil
}

// listIDs returns the ids of count records from position start (1-based) of
// the kind's list index.
func (s *Store) listIDs(ctx context.Context, kind directory.Kind, start, count int) ([]string, error) {
	pos, from := s.cursors.nearest(kind, start-1)
	skip := start - 1 - pos
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(indexList),
		KeyConditionExpression:    aws.String("#lpk = :kind"),
		ExpressionAttributeNames:  map[string]string{"#lpk": attrLPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":kind": str(string(kind))},
		ExclusiveStartKey:         from,
	}
	var ids []string
	var last item
	for {
		// Never ask for more keys than are still to be skipped or
		// returned, so the page ends where the next page starts.
		in.Limit = aws.Int32(int32(min(listPageLimit, skip+count-len(ids))))
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, it := range out.Items {
			if skip > 0 {
				skip--
				continue
			}
			_, id, _ := strings.Cut(getS(it, attrPK), "#")
			ids, last = append(ids, id), it
		}
		if len(ids) == count || out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if last != nil {
		// A keys-only index item is exactly the key to continue after it.
		s.cursors.put(kind, start-1+len(ids), last)
	}
	return ids, nil
}

// getRecords reads records by id with BatchGetItem and returns them in the
// order of ids, leaving out those that are gone.
func (s *Store) getRecords(ctx context.Context, kind directory.Kind, ids []string) ([]*directory.Record, error) {
	keys := make([]item, len(ids))
	for i, id := range ids {
		keys[i] = recordKey(kind, id)
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	byPK := make(map[string]item, len(items))
	for _, it := range items {
		byPK[getS(it, attrPK)] = it
	}
	recs := make([]*directory.Record, 0, len(ids))
	for _, id := range ids {
		it, ok := byPK[recordPK(kind, id)]
		if !ok {
			continue
		}
		rec, err := decodeRecord(kind, it)
		if errors.Is(err, directory.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// getUsers reads users with their groups, one partition Query each, a few
// at a time, and returns them in the order of ids, leaving out those that
// are gone.
func (s *Store) getUsers(ctx context.Context, ids []string) ([]*directory.Record, error) {
	recs := make([]*directory.Record, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, listConcurrency)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			recs[i], errs[i] = s.getUser(ctx, id)
		})
	}
	wg.Wait()
	out := recs[:0]
	for i, rec := range recs {
		switch {
		case errors.Is(errs[i], directory.ErrNotFound):
		case errs[i] != nil:
			return nil, errs[i]
		default:
			out = append(out, rec)
		}
	}
	return out, nil
}
