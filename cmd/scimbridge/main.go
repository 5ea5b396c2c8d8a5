// Command scimbridge runs the SCIM bridge as one local process and carries
// the operator's commands.
//
//	scimbridge serve [--addr 127.0.0.1:8080] [--data ./.scimbridge] [--token T] [--events-url URL --events-secret S]
//	                 [--tls-cert FILE --tls-key FILE | --acme-domain NAME [--acme-email E] | --insecure-http]
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
  serve                   run the bridge on the embedded store, or --store dynamodb --table NAME;
                          HTTPS with --tls-cert FILE --tls-key FILE or --acme-domain NAME
                          change events as signed CloudEvents with --events-url URL --events-secret S
  reconcile               repair the store and report failures once: [--dry-run] [--store …] [--topic ARN]
  dynamodb create-table   create the bridge's DynamoDB table: --table NAME
  smoke                   play Entra's conversation against a Tenant URL: --url URL --token TOKEN [--ca FILE]
  healthcheck             ask the bridge serving on this machine for /healthz: [--addr ADDR]; exit 1 unless it is healthy
  events tail             print the embedded store's change events as JSON lines (serve stopped): [--data DIR] [--since SEQ]
  backup                  copy the data directory, while serve runs or not: --out FILE [--data DIR]
  restore                 unpack a backup into a new data directory: --in FILE --data DIR
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

// envOr returns the environment variable name, or def when it is unset or
// empty: defaults a container image sets with ENV.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

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
	case "healthcheck":
		return healthcheck(ctx, args[1:], stdout)
	case "events":
		return eventsCmd(ctx, args[1:], stdout)
	case "backup":
		return backupCmd(ctx, args[1:], stdout)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
