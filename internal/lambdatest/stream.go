package lambdatest

import (
	"context"
	"errors"
	"fmt"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// StreamEventPrefix starts the names of the DynamoDB stream events in
// events/, which go to the events function rather than through API Gateway.
const StreamEventPrefix = "stream-"

// Stream reads a table's DynamoDB stream from its start, as the events
// function's event source mapping does, and hands its records over in the
// shape Lambda gives them to the function.
type Stream struct {
	client *dynamodbstreams.Client
	arn    string
	// iterators are the next shard iterator of each shard read so far.
	iterators map[string]*string
}

// OpenStream returns a reader of the stream of table, where cfg points.
func OpenStream(ctx context.Context, cfg aws.Config, table string) (*Stream, error) {
	out, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		return nil, fmt.Errorf("open the stream of %s: %w", table, err)
	}
	arn := aws.ToString(out.Table.LatestStreamArn)
	if arn == "" {
		return nil, fmt.Errorf("open the stream of %s: the table has no stream", table)
	}
	return &Stream{client: dynamodbstreams.NewFromConfig(cfg), arn: arn, iterators: map[string]*string{}}, nil
}

// ARN returns the stream's ARN, which Lambda gives as each record's
// eventSourceARN.
func (s *Stream) ARN() string { return s.arn }

// Read returns the records written to the stream since the last Read, in
// the order of each shard.
func (s *Stream) Read(ctx context.Context) ([]lambdaevents.DynamoDBEventRecord, error) {
	desc, err := s.client.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(s.arn)})
	if err != nil {
		return nil, fmt.Errorf("read the stream: %w", err)
	}
	var recs []lambdaevents.DynamoDBEventRecord
	for _, shard := range desc.StreamDescription.Shards {
		id := aws.ToString(shard.ShardId)
		it, ok := s.iterators[id]
		if !ok {
			out, err := s.client.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
				StreamArn: aws.String(s.arn), ShardId: shard.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
			})
			if err != nil {
				return nil, fmt.Errorf("read the stream: shard %s: %w", id, err)
			}
			it = out.ShardIterator
		}
		for it != nil {
			out, err := s.client.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
			if err != nil {
				return nil, fmt.Errorf("read the stream: shard %s: %w", id, err)
			}
			for _, r := range out.Records {
				rec, err := s.record(r)
				if err != nil {
					return nil, err
				}
				recs = append(recs, rec)
			}
			s.iterators[id] = out.NextShardIterator
			if len(out.Records) == 0 {
				break // what is written from now on is for the next Read
			}
			it = out.NextShardIterator
		}
	}
	return recs, nil
}

// record returns r as Lambda delivers it.
func (s *Stream) record(r types.Record) (lambdaevents.DynamoDBEventRecord, error) {
	d := r.Dynamodb
	if d == nil {
		return lambdaevents.DynamoDBEventRecord{}, errors.New("read the stream: a record without its change")
	}
	rec := lambdaevents.DynamoDBEventRecord{
		AWSRegion:      aws.ToString(r.AwsRegion),
		EventID:        aws.ToString(r.EventID),
		EventName:      string(r.EventName),
		EventSource:    aws.ToString(r.EventSource),
		EventVersion:   aws.ToString(r.EventVersion),
		EventSourceArn: s.arn,
		Change: lambdaevents.DynamoDBStreamRecord{
			Keys:           attributes(d.Keys),
			NewImage:       attributes(d.NewImage),
			OldImage:       attributes(d.OldImage),
			SequenceNumber: aws.ToString(d.SequenceNumber),
			SizeBytes:      aws.ToInt64(d.SizeBytes),
			StreamViewType: string(d.StreamViewType),
		},
	}
	if d.ApproximateCreationDateTime != nil {
		rec.Change.ApproximateCreationDateTime = lambdaevents.SecondsEpochTime{Time: *d.ApproximateCreationDateTime}
	}
	if id := r.UserIdentity; id != nil {
		rec.UserIdentity = &lambdaevents.DynamoDBUserIdentity{Type: aws.ToString(id.Type), PrincipalID: aws.ToString(id.PrincipalId)}
	}
	return rec, nil
}

func attributes(m map[string]types.AttributeValue) map[string]lambdaevents.DynamoDBAttributeValue {
	if m == nil {
		return nil
	}
	out := make(map[string]lambdaevents.DynamoDBAttributeValue, len(m))
	for k, v := range m {
		out[k] = attribute(v)
	}
	return out
}

func attribute(v types.AttributeValue) lambdaevents.DynamoDBAttributeValue {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return lambdaevents.NewStringAttribute(v.Value)
	case *types.AttributeValueMemberN:
		return lambdaevents.NewNumberAttribute(v.Value)
	case *types.AttributeValueMemberBOOL:
		return lambdaevents.NewBooleanAttribute(v.Value)
	case *types.AttributeValueMemberB:
		return lambdaevents.NewBinaryAttribute(v.Value)
	case *types.AttributeValueMemberSS:
		return lambdaevents.NewStringSetAttribute(v.Value)
	case *types.AttributeValueMemberNS:
		return lambdaevents.NewNumberSetAttribute(v.Value)
	case *types.AttributeValueMemberBS:
		return lambdaevents.NewBinarySetAttribute(v.Value)
	case *types.AttributeValueMemberL:
		l := make([]lambdaevents.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = attribute(e)
		}
		return lambdaevents.NewListAttribute(l)
	case *types.AttributeValueMemberM:
		return lambdaevents.NewMapAttribute(attributes(v.Value))
	}
	return lambdaevents.NewNullAttribute()
}

// Batches splits records into the batches of at most n records an event
// source mapping with BatchSize n would invoke the function with.
func Batches(records []lambdaevents.DynamoDBEventRecord, n int) []lambdaevents.DynamoDBEvent {
	var out []lambdaevents.DynamoDBEvent
	for len(records) > 0 {
		k := min(n, len(records))
		out = append(out, lambdaevents.DynamoDBEvent{Records: records[:k]})
		records = records[k:]
	}
	return out
}
