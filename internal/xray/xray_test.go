package xray_test

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/xray"
	"github.com/scim-bridge/scim-bridge/internal/xray/xraytest"
)

func TestMain(m *testing.M) { awstest.Main(m) }

// traced returns ctx as aws-lambda-go hands an invocation with the trace
// header h to its handler.
func traced(ctx context.Context, h string) context.Context {
	//lint:ignore SA1029 aws-lambda-go's runtime loop uses this string key.
	return context.WithValue(ctx, "x-amzn-trace-id", h)
}

const (
	root    = "1-5759e988-bd862e3fe1be46a994272793"
	parent  = "53995c3f42cd8ad8"
	sampled = "Root=" + root + ";Parent=" + parent + ";Sampled=1"
	// marker's subsegment, sent after each case's call, ends the
	// datagrams that call sent.
	marker = "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=1"
)

func TestSubsegments(t *testing.T) {
	daemon := xraytest.Listen(t)
	cfg := awstest.Config(t)
	// Lambda's form of the address names both of the daemon's ports.
	cfg.APIOptions = append(cfg.APIOptions, xray.New("tcp:127.0.0.1:1 udp:"+daemon.Addr).Register)
	db := dynamodb.NewFromConfig(cfg)
	sm := secretsmanager.NewFromConfig(cfg)
	table, secret := awstest.Name(t, "xray"), awstest.Name(t, "xray")
	const secretValue = "the-secret-token-value"
	if _, err := db.CreateTable(t.Context(), &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{
		Name: aws.String(secret), SecretString: aws.String(secretValue),
	}); err != nil {
		t.Fatal(err)
	}
	put := func(ctx context.Context) error {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:           aws.String(table),
			Item:                map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "once"}},
			ConditionExpression: aws.String("attribute_not_exists(pk)"),
		})
		return err
	}
	// Nothing listens on a closed port: the call gets no answer.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	unanswered := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String("http://" + closed.Addr().String())
		o.RetryMaxAttempts = 2
	})

	for _, tc := range []struct {
		name    string
		header  string
		call    func(context.Context) error
		wantErr bool
		want    func(t *testing.T, s xraytest.Subsegment) // nil: no subsegment
	}{
		{
			name: "a sampled call is a subsegment of the invocation", header: sampled, call: put,
			want: func(t *testing.T, s xraytest.Subsegment) {
				if s.Name != "DynamoDB" || s.AWS.Operation != "PutItem" || s.AWS.TableName != table || s.AWS.Region != awstest.Region {
					t.Errorf("got %s %s on %q in %q, want DynamoDB PutItem on %q in %q",
						s.Name, s.AWS.Operation, s.AWS.TableName, s.AWS.Region, table, awstest.Region)
				}
				if s.HTTP.Response.Status != 200 || s.Error || s.Fault || s.Throttle || s.Cause.Exceptions != nil {
					t.Errorf("got status %d, error %t, fault %t, throttle %t, cause %v; want a plain 200",
						s.HTTP.Response.Status, s.Error, s.Fault, s.Throttle, s.Cause)
				}
				if s.AWS.RequestID == "" {
					t.Error("got no request id")
				}
			},
		},
		{
			name: "a failed condition is an error with its cause", header: sampled, call: put, wantErr: true,
			want: func(t *testing.T, s xraytest.Subsegment) {
				if s.HTTP.Response.Status != 400 || !s.Error || s.Fault || s.Throttle {
					t.Errorf("got status %d, error %t, fault %t, throttle %t; want 400 and only the error flag",
						s.HTTP.Response.Status, s.Error, s.Fault, s.Throttle)
				}
				if len(s.Cause.Exceptions) != 1 || s.Cause.Exceptions[0].Type != "ConditionalCheckFailedException" {
					t.Errorf("got cause %+v, want ConditionalCheckFailedException", s.Cause)
				}
			},
		},
		{
			name: "a secret's id is recorded, not its value", header: sampled,
			call: func(ctx context.Context) error {
				_, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secret)})
				return err
			},
			want: func(t *testing.T, s xraytest.Subsegment) {
				if s.Name != "Secrets Manager" || s.AWS.Operation != "GetSecretValue" || s.AWS.SecretID != secret {
					t.Errorf("got %s %s of %q, want Secrets Manager GetSecretValue of %q", s.Name, s.AWS.Operation, s.AWS.SecretID, secret)
				}
				if doc, _ := json.Marshal(s); strings.Contains(string(doc), secretValue) {
					t.Errorf("got the secret's value in %s", doc)
				}
			},
		},
		{
			name: "a call without an answer is a fault after its retries", header: sampled, wantErr: true,
			call: func(ctx context.Context) error {
				_, err := unanswered.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
				return err
			},
			want: func(t *testing.T, s xraytest.Subsegment) {
				if !s.Fault || s.Error || s.AWS.Retries != 1 || len(s.Cause.Exceptions) != 1 {
					t.Errorf("got fault %t, error %t, %d retries, cause %+v; want a fault after 1 retry, with its cause",
						s.Fault, s.Error, s.AWS.Retries, s.Cause)
				}
			},
		},
		{name: "an unsampled call sends nothing", header: "Root=" + root + ";Parent=" + parent + ";Sampled=0", call: put, wantErr: true},
		{name: "a call outside an invocation sends nothing", call: put, wantErr: true},
		{name: "a header without a parent sends nothing", header: "Root=" + root + ";Sampled=1", call: put, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			if tc.header != "" {
				ctx = traced(ctx, tc.header)
			}
			start := time.Now()
			err := tc.call(ctx)
			if (err != nil) != tc.wantErr {
				t.Fatalf("got error %v, want one: %t", err, tc.wantErr)
			}
			if _, err := db.DescribeTable(traced(ctx, marker), &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err != nil {
				t.Fatal(err)
			}
			var got []xraytest.Subsegment
			for s := daemon.Next(t); !strings.HasPrefix(marker, "Root="+s.TraceID+";"); s = daemon.Next(t) {
				got = append(got, s)
			}
			if tc.want == nil {
				if len(got) != 0 {
					t.Fatalf("got %d subsegments, want none: %+v", len(got), got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d subsegments, want 1: %+v", len(got), got)
			}
			s := got[0]
			if s.TraceID != root || s.ParentID != parent || s.Type != "subsegment" || s.Namespace != "aws" || len(s.ID) != 16 {
				t.Errorf("got trace %q, parent %q, type %q, namespace %q, id %q; want a subsegment in namespace aws of %s",
					s.TraceID, s.ParentID, s.Type, s.Namespace, s.ID, sampled)
			}
			if s.StartTime < float64(start.Unix()) || s.EndTime < s.StartTime {
				t.Errorf("got start %f, end %f; want a start at the call and an end after it", s.StartTime, s.EndTime)
			}
			tc.want(t, s)
		})
	}
}

func TestNewWithoutUDPAddressTracesNothing(t *testing.T) {
	for _, daemon := range []string{"", "tcp:127.0.0.1:2000"} {
		if tr := xray.New(daemon); tr != nil {
			t.Errorf("New(%q) = %v, want nil", daemon, tr)
		}
	}
	if err := (*xray.Tracer)(nil).Register(nil); err != nil {
		t.Errorf("got %v registering a nil Tracer, want nothing registered", err)
	}
}
