package dynamo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// The failure log and the reconciler's state are items of their own, never
// in an index:
//
//	FAILURE#<yyyy-mm-dd>  <time>#<random>  a failure (UTC day, sortable time):
//	                                       m, r, s, t, d, rid, crid and
//	                                       expiresAt (TTLAttribute)
//	SEEN#<what>           #SEEN            at: the latest time what was seen
//	STATE#reconcile       #STATE           state (the run's JSON), ver
//
// A day's failures share a partition, so a digest reads the failures since
// its last run with one Query per day, and writes spread over days.
const (
	pkFailurePrefix = "FAILURE#"
	pkSeenPrefix    = "SEEN#"
	skSeen          = "#SEEN"
	pkState         = "STATE#reconcile"
	skState         = "#STATE"

	attrMethod   = "m"
	attrRoute    = "r"
	attrStatus   = "s"
	attrScimType = "t"
	attrDetail   = "d"
	attrResource = "rid"
	attrClientID = "crid"
	attrAt       = "at"
	attrState    = "state"
)

func failurePK(t time.Time) string { return pkFailurePrefix + t.UTC().Format(time.DateOnly) }

// RecordFailure writes f as one item with a time to live of f.Expires, in
// one PutItem.
func (s *Store) RecordFailure(ctx context.Context, f journal.Failure) (err error) {
	defer wrap(&err, "record failure")
	it := key(failurePK(f.Time), f.Time.UTC().Format(sortableTime)+"#"+rand.Text()[:8])
	it[attrMethod] = str(f.Method)
	it[attrStatus] = num(int64(f.Status))
	it[TTLAttribute] = num(f.Expires.Unix())
	for name, v := range map[string]string{
		attrRoute: f.Route, attrScimType: f.ScimType, attrDetail: f.Detail,
		attrResource: f.ResourceID, attrClientID: f.ClientRequestID,
	} {
		if v != "" {
			it[name] = str(v)
		}
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: s.table, Item: it})
	return err
}

// maxFailureWindow bounds how far back Failures reads: far beyond any
// failure's time to live, and a bound on its Queries however old since is.
const maxFailureWindow = 366 * 24 * time.Hour

// Failures returns the failures with since < Time <= until, oldest first, at
// most limit: one Query per UTC day of the window, which starts at most a
// year before until.
func (s *Store) Failures(ctx context.Context, since, until time.Time, limit int) (out []journal.Failure, err error) {
	defer wrap(&err, "read failures")
	since = maxTime(since, until.Add(-maxFailureWindow))
	// '$' sorts right after '#', so the bounds leave out since itself and
	// keep until.
	lo := since.UTC().Format(sortableTime) + "$"
	hi := until.UTC().Format(sortableTime) + "#~"
	for day := since.UTC().Truncate(24 * time.Hour); !day.After(until) && len(out) < limit; day = day.Add(24 * time.Hour) {
		in := &dynamodb.QueryInput{
			TableName:                s.table,
			KeyConditionExpression:   aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
			ExpressionAttributeNames: map[string]string{"#pk": attrPK, "#sk": attrSK},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": str(failurePK(day)), ":lo": str(lo), ":hi": str(hi),
			},
		}
		for p := dynamodb.NewQueryPaginator(s.client, in); p.HasMorePages() && len(out) < limit; {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, it := range page.Items {
				if len(out) == limit {
					break
				}
				f, err := decodeFailure(it)
				if err != nil {
					return nil, err
				}
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func decodeFailure(it item) (journal.Failure, error) {
	sk := getS(it, attrSK)
	at, err := time.Parse(sortableTime, sk[:min(len(sk), len(sortableTime))])
	if err != nil {
		return journal.Failure{}, fmt.Errorf("decode failure %q: %w", sk, err)
	}
	status, err := getN(it, attrStatus)
	if err != nil {
		return journal.Failure{}, fmt.Errorf("decode failure %q: %w", sk, err)
	}
	expires, _ := getN(it, TTLAttribute)
	return journal.Failure{
		Time:            at,
		Expires:         time.Unix(expires, 0).UTC(),
		Method:          getS(it, attrMethod),
		Route:           getS(it, attrRoute),
		Status:          int(status),
		ScimType:        getS(it, attrScimType),
		Detail:          getS(it, attrDetail),
		ResourceID:      getS(it, attrResource),
		ClientRequestID: getS(it, attrClientID),
	}, nil
}

// MarkSeen keeps at as the time of what unless a later one is kept, in one
// conditional UpdateItem.
func (s *Store) MarkSeen(ctx context.Context, what journal.Seen, at time.Time) (err error) {
	defer wrap(&err, "mark %s seen", what)
	t := at.UTC().Format(sortableTime)
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 s.table,
		Key:                       key(pkSeenPrefix+string(what), skSeen),
		UpdateExpression:          aws.String("SET #at = :t"),
		ConditionExpression:       aws.String("attribute_not_exists(#at) OR #at < :t"),
		ExpressionAttributeNames:  map[string]string{"#at": attrAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": str(t)},
	})
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return nil // a later mark is kept
	}
	return err
}

// LastSeen returns the time kept for what, zero if none.
func (s *Store) LastSeen(ctx context.Context, what journal.Seen) (at time.Time, err error) {
	defer wrap(&err, "read when %s was seen", what)
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: s.table, Key: key(pkSeenPrefix+string(what), skSeen), ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return time.Time{}, err
	}
	return time.Parse(sortableTime, getS(out.Item, attrAt))
}

// LoadState returns the reconciler's saved state and its version, in one
// strongly consistent GetItem.
func (s *Store) LoadState(ctx context.Context) (data []byte, version int64, err error) {
	defer wrap(&err, "load the reconciler's state")
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: s.table, Key: key(pkState, skState), ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return nil, 0, err
	}
	if version, err = getN(out.Item, attrVer); err != nil {
		return nil, 0, err
	}
	return []byte(getS(out.Item, attrState)), version, nil
}

// SaveState saves the reconciler's state as version+1 if the saved one is
// version, in one conditional PutItem; otherwise it fails with
// directory.ErrVersion.
func (s *Store) SaveState(ctx context.Context, data []byte, version int64) (err error) {
	defer wrap(&err, "save the reconciler's state")
	it := key(pkState, skState)
	it[attrState] = str(string(data))
	it[attrVer] = num(version + 1)
	cond := "#v = :v"
	if version == 0 {
		cond = "attribute_not_exists(#v)"
	}
	in := &dynamodb.PutItemInput{
		TableName:                s.table,
		Item:                     it,
		ConditionExpression:      aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#v": attrVer},
	}
	if version != 0 {
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": num(version)}
	}
	_, err = s.client.PutItem(ctx, in)
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return fmt.Errorf("saved by another run since version %d: %w", version, directory.ErrVersion)
	}
	return err
}
