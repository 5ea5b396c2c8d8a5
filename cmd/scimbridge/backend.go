package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// backend names where the directory lives: the embedded store in a data
// directory, or a DynamoDB table. AWS settings come from the SDK's standard
// chain (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, …), so the same binary talks
// to AWS, moto or DynamoDB Local.
type backend struct {
	store string // "embedded" or "dynamodb"
	data  string
	table string
}

// open returns the store and a function that closes it.
func (b backend) open(ctx context.Context) (directory.Store, func() error, error) {
	switch b.store {
	case "embedded":
		st, err := openEmbedded(b.data)
		if err != nil {
			return nil, nil, fmt.Errorf("open embedded store: %w", err)
		}
		return st, st.Close, nil
	case "dynamodb":
		if b.table == "" {
			return nil, nil, fmt.Errorf("--store dynamodb needs --table")
		}
		cfg, err := awsConfig(ctx)
		if err != nil {
			return nil, nil, err
		}
		return dynamo.New(dynamodb.NewFromConfig(cfg), b.table), func() error { return nil }, nil
	}
	return nil, nil, fmt.Errorf("unknown store %q: use embedded or dynamodb", b.store)
}

func awsConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// secretTokens returns the token source for --token-secret.
func secretTokens(ctx context.Context, secretID string, logger *slog.Logger) (httpapi.TokenSource, error) {
	cfg, err := awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return secrets.New(secretsmanager.NewFromConfig(cfg), secretID, logger, secrets.Options{}), nil
}

// createTable is `scimbridge dynamodb create-table --table NAME`.
func createTable(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create-table" {
		return fmt.Errorf("usage: scimbridge dynamodb create-table --table NAME")
	}
	fl := newFlags("dynamodb create-table")
	table := fl.String("table", "", "table to create")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	if *table == "" {
		return fmt.Errorf("--table is required")
	}
	cfg, err := awsConfig(ctx)
	if err != nil {
		return err
	}
	if err := dynamo.CreateTable(ctx, dynamodb.NewFromConfig(cfg), *table); err != nil {
		return fmt.Errorf("create table %s: %w", *table, err)
	}
	return nil
}
