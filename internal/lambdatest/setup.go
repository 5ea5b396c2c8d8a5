package lambdatest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// LocalToken is the bearer token every file in events/ carries and Setup
// stores in the local secret. It is public, so it must never be the Secret
// Token of a deployed bridge (which template.yaml generates).
const LocalToken = "local-only-token-do-not-use-in-production"

// The table, secret and event bus that events/env.json names and the
// invoke command creates on its moto_server.
const (
	LocalTable       = "scim-bridge-local"
	LocalTokenSecret = "scim-bridge-local-token"
	LocalEventBus    = "scim-bridge-local"
)

// AWSConfig returns the configuration of clients of the AWS emulator at
// endpoint: the region and the static credentials the functions get too.
func AWSConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// Setup creates, where cfg points, the bridge's table (dynamo.CreateTable)
// and the secret named secret holding LocalToken: what template.yaml
// creates in AWS. A table or secret that exists already is left as it is.
func Setup(ctx context.Context, cfg aws.Config, table, secret string) error {
	err := dynamo.CreateTable(ctx, dynamodb.NewFromConfig(cfg), table)
	if _, exists := errors.AsType[*ddbtypes.ResourceInUseException](err); err != nil && !exists {
		return fmt.Errorf("set up: %w", err)
	}
	_, err = secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name:         aws.String(secret),
		SecretString: aws.String(LocalToken),
	})
	if _, exists := errors.AsType[*smtypes.ResourceExistsException](err); err != nil && !exists {
		return fmt.Errorf("set up: create secret %q: %w", secret, err)
	}
	return nil
}

// The ids of the resources Seed stores, which the events of existing
// resources address.
const (
	// UserID is Adele Vance, whom the user events look up, patch,
	// disable, re-enable, give a manager and delete.
	UserID = "0190a1b2-0000-7000-8000-000000000001"
	// ManagerID is Megan Bowen, Adele's manager.
	ManagerID = "0190a1b2-0000-7000-8000-000000000002"
	// GroupID is the group "Sales", which the group events look up,
	// rename, add members to, remove them from and delete.
	GroupID = "0190a1b2-0000-7000-8000-000000000101"
)

// fixtures are the resources Seed stores, as Entra would have created them.
var fixtures = []struct {
	rt   *scim.ResourceType
	id   string
	body string
}{
	{scim.Users, UserID, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"externalId": "adele.vance", "userName": "adele.vance@contoso.com", "active": true, "displayName": "Adele Vance",
		"name": {"givenName": "Adele", "familyName": "Vance", "formatted": "Adele Vance"},
		"emails": [{"type": "work", "primary": true, "value": "adele.vance@contoso.com"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Retail", "employeeNumber": "42"}}`},
	{scim.Users, ManagerID, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"externalId": "megan.bowen", "userName": "megan.bowen@contoso.com", "active": true, "displayName": "Megan Bowen",
		"name": {"givenName": "Megan", "familyName": "Bowen"},
		"emails": [{"type": "work", "primary": true, "value": "megan.bowen@contoso.com"}]}`},
	{scim.Groups, GroupID, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
		"externalId": "5e2b7c1d-3f4a-4b8e-9d6c-1a2b3c4d5e6f", "displayName": "Sales"}`},
}

// Seed stores the resources with the fixed ids (UserID, ManagerID, GroupID)
// that the events of existing resources address, through the directory
// service as a POST would. A fixture whose id exists is left as it is, so
// seeding twice is harmless.
func Seed(ctx context.Context, store directory.Store) error {
	for _, f := range fixtures {
		kind := directory.KindUser
		if f.rt == scim.Groups {
			kind = directory.KindGroup
		}
		_, err := store.Get(ctx, kind, f.id)
		if err == nil {
			continue
		}
		if !errors.Is(err, directory.ErrNotFound) {
			return fmt.Errorf("seed %s %s: %w", f.rt.Name, f.id, err)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(f.body)))
		dec.UseNumber()
		var body map[string]any
		if err := dec.Decode(&body); err != nil {
			return fmt.Errorf("seed %s %s: %w", f.rt.Name, f.id, err)
		}
		svc := directory.New(store, directory.Options{NewID: func() string { return f.id }})
		if _, err := svc.Create(ctx, f.rt, body); err != nil {
			return fmt.Errorf("seed %s %s: %w", f.rt.Name, f.id, err)
		}
	}
	return nil
}
