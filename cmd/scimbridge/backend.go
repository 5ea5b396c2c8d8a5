package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// backend is what the commands need of a store, whichever it is: the
// directory, the failure journal the handler writes, the reconciler's
// reads and repairs, and the health check's ping.
type backend interface {
	directory.Store
	journal.Writer
	reconcile.Store
	httpapi.Pinger
}

// Both stores are backends; the compiler checks it here, where they are
// wired.
var (
	_ backend = (*pebblestore.Store)(nil)
	_ backend = (*dynamo.Store)(nil)
)

// where names where the directory lives: the embedded store in a data
// directory, or a DynamoDB table. AWS settings come from the SDK's standard
// chain (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, …), so the same binary talks
// to AWS, moto or DynamoDB Local.
type where struct {
	store string // "embedded" or "dynamodb"
	data  string
	table string
}

// flags defines --store, --data (described by dataUsage) and --table on fl.
func (w *where) flags(fl *flag.FlagSet, dataUsage string) {
	fl.StringVar(&w.store, "store", "embedded", "where the directory lives: embedded or dynamodb")
	dataFlag(fl, &w.data, dataUsage)
	fl.StringVar(&w.table, "table", "", "DynamoDB table (with --store dynamodb)")
}

// dataFlag defines --data, the data directory, described by usage, on fl:
// $SCIMBRIDGE_DATA by default, which the container image sets, else
// ./.scimbridge.
func dataFlag(fl *flag.FlagSet, p *string, usage string) {
	fl.StringVar(p, "data", envOr("SCIMBRIDGE_DATA", "./.scimbridge"), usage+" ($SCIMBRIDGE_DATA sets the default)")
}

// onAWS reports whether the directory is on AWS.
func (w where) onAWS() bool { return w.store == "dynamodb" }

// open returns the backend and a function that closes it. cfg is used for
// DynamoDB only.
func (w where) open(cfg aws.Config) (backend, func() error, error) {
	switch w.store {
	case "embedded":
		st, err := openEmbedded(w.data)
		if err != nil {
			return nil, nil, fmt.Errorf("open embedded store: %w", err)
		}
		return st, st.Close, nil
	case "dynamodb":
		if w.table == "" {
			return nil, nil, fmt.Errorf("--store dynamodb needs --table")
		}
		return awsapp.NewStore(cfg, w.table), func() error { return nil }, nil
	}
	return nil, nil, fmt.Errorf("unknown store %q: use embedded or dynamodb", w.store)
}

// awsConfig returns the SDK's default configuration when need is true, and
// the zero configuration otherwise, so that commands that use no AWS
// service need no AWS settings.
func awsConfig(ctx context.Context, need bool) (aws.Config, error) {
	if !need {
		return aws.Config{}, nil
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
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
	cfg, err := awsConfig(ctx, true)
	if err != nil {
		return err
	}
	if err := dynamo.CreateTable(ctx, dynamodb.NewFromConfig(cfg), *table); err != nil {
		return fmt.Errorf("create table %s: %w", *table, err)
	}
	return nil
}
