package awstest_test

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
)

func TestMain(m *testing.M) { awstest.Main(m) }

func TestEndpointAnswers(t *testing.T) {
	resp, err := http.Get(awstest.Endpoint(t) + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("got status %d, want %d", resp.StatusCode, http.StatusOK)
	}
	if again := awstest.Endpoint(t); again != awstest.Endpoint(t) {
		t.Errorf("got endpoints %q and %q, want one emulator per test binary", again, awstest.Endpoint(t))
	}
}

func TestNameIsUniqueAndValidForTablesAndSecrets(t *testing.T) {
	valid := regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`) // DynamoDB's table names, within Secrets Manager's
	seen := map[string]bool{}
	for range 100 {
		name := awstest.Name(t, "scim")
		if !valid.MatchString(name) {
			t.Fatalf("got name %q, not a valid table name", name)
		}
		if seen[name] {
			t.Fatalf("got name %q twice", name)
		}
		seen[name] = true
	}
}

// TestMissingEmulator runs this test binary again with an empty PATH: the
// emulator tests must skip, unless SCIMBRIDGE_REQUIRE_EMULATOR=1 makes them
// fail, so CI can never pass by skipping them.
func TestMissingEmulator(t *testing.T) {
	if os.Getenv("AWSTEST_CHILD") == "1" {
		awstest.Endpoint(t)
		return
	}
	for _, tc := range []struct {
		require string
		want    string
	}{
		{"", "--- SKIP"},
		{"1", "--- FAIL"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingEmulator$", "-test.v")
		cmd.Env = append(os.Environ(), "AWSTEST_CHILD=1", "PATH="+t.TempDir(),
			awstest.EnvEndpoint+"=", awstest.EnvRequire+"="+tc.require)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), `pip install "moto[server]"`) {
			t.Errorf("%s=%q: got output\n%s\nwant %q and how to install moto_server", awstest.EnvRequire, tc.require, out, tc.want)
		}
	}
}

// TestTransactionTokensAreIdempotent checks the launcher's ClientRequestToken
// support, as DynamoDB documents it for TransactWriteItems: the same
// transaction sent again with its token succeeds without applying again,
// the token with other items is refused, and the items under a new token
// are a new transaction whose conditions apply.
func TestTransactionTokensAreIdempotent(t *testing.T) {
	ctx := t.Context()
	db := dynamodb.NewFromConfig(awstest.Config(t))
	table := awstest.Name(t, "tokens")
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	put := func(token, key string) error {
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
			ClientRequestToken: aws.String(token),
			TransactItems: []types.TransactWriteItem{{Put: &types.Put{
				TableName:           aws.String(table),
				Item:                map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: key}},
				ConditionExpression: aws.String("attribute_not_exists(PK)"),
			}}},
		})
		return err
	}
	if err := put("token-1", "a"); err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	if err := put("token-1", "a"); err != nil {
		t.Errorf("the same transaction sent again with its token: %v, want the first answer", err)
	}
	var mismatch *types.IdempotentParameterMismatchException
	if err := put("token-1", "b"); !errors.As(err, &mismatch) {
		t.Errorf("the token with other items: %v, want IdempotentParameterMismatchException", err)
	}
	var cancelled *types.TransactionCanceledException
	if err := put("token-2", "a"); !errors.As(err, &cancelled) {
		t.Errorf("the items under a new token: %v, want TransactionCanceledException", err)
	}
}
