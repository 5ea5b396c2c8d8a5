// Command scimbridge runs the SCIM bridge as one local process and carries
// the operator's commands.
//
//	scimbridge serve [--addr 127.0.0.1:8080] [--data ./.scimbridge] [--token T]
//	scimbridge reconcile [--dry-run] [--store embedded|dynamodb --table T] [--data DIR] [--topic ARN]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: scimbridge <command> [flags]

commands:
  serve                   run the bridge on the embedded store, or --store dynamodb --table NAME
  reconcile               repair the store and report failures once: [--dry-run] [--store …] [--topic ARN]
  dynamodb create-table   create the bridge's DynamoDB table: --table NAME
  smoke                   play Entra's conversation against a Tenant URL: --url URL --token TOKEN
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "scimbridge:", err)
		os.Exit(1)
	}
}

func newFlags(name string) *flag.FlagSet { return flag.NewFlagSet(name, flag.ContinueOnError) }

// run dispatches a command line; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, logger)
	case "reconcile":
		return reconcileCmd(ctx, args[1:], stdout, logger)
	case "dynamodb":
		return createTable(ctx, args[1:])
	case "smoke":
		return smoke(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
