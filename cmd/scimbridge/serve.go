package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// shutdownGrace bounds how long in-flight requests may finish after a
// signal; Entra retries what is cut off.
const shutdownGrace = 20 * time.Second

func serve(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fl := newFlags("serve")
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on")
	var b backend
	fl.StringVar(&b.store, "store", "embedded", "where the directory lives: embedded or dynamodb")
	fl.StringVar(&b.data, "data", "./.scimbridge", "directory of the embedded store and the generated token")
	fl.StringVar(&b.table, "table", "", "DynamoDB table (with --store dynamodb)")
	token := fl.String("token", os.Getenv("SCIMBRIDGE_TOKEN"), "Secret Token to accept (default $SCIMBRIDGE_TOKEN, else generated and kept in the data directory)")
	tokenSecret := fl.String("token-secret", "", "Secrets Manager secret (ARN or name) holding the Secret Token, instead of --token")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile to this file until the server stops (make bench)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if err := os.MkdirAll(b.data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	var tokens httpapi.TokenSource
	var tok string
	var generated bool
	var err error
	if *tokenSecret != "" {
		if tokens, err = secretTokens(ctx, *tokenSecret, logger); err != nil {
			return err
		}
	} else {
		if tok, generated, err = localToken(*token, b.data); err != nil {
			return err
		}
		tokens = httpapi.StaticTokens(tok)
	}
	store, closeStore, err := b.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()

	cfg := httpapi.Config{Tokens: tokens, Logger: logger}
	// Both stores keep the failure log `scimbridge reconcile` digests.
	cfg.FailureLog, _ = store.(httpapi.FailureLog)
	h := httpapi.New(directory.New(store, directory.Options{}), cfg)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "scim-bridge is listening.\n  Tenant URL:   http://%s/scim/v2\n", ln.Addr())
	kept := filepath.Join(b.data, tokenFile)
	switch {
	case *tokenSecret != "":
		fmt.Fprintf(stdout, "  Secret Token: the value of secret %s\n", *tokenSecret)
	case generated:
		fmt.Fprintf(stdout, "  Secret Token: %s\n  (kept in %s; read it later with: cat %s)\n", tok, kept, kept)
	case *token != "":
		fmt.Fprintf(stdout, "  Secret Token: the one given with --token or SCIMBRIDGE_TOKEN\n")
	default:
		fmt.Fprintf(stdout, "  Secret Token: cat %s\n", kept)
	}

	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish; the deferred Close then
	// flushes the store, so nothing acknowledged is lost.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	logger.Info("stopped")
	return nil
}
