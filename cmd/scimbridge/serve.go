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

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
)

// shutdownGrace bounds how long in-flight requests may finish after a
// signal; Entra retries what is cut off.
const shutdownGrace = 20 * time.Second

func serve(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fl := newFlags("serve")
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on")
	var w where
	w.flags(fl, "directory of the embedded store and the generated token")
	token := fl.String("token", os.Getenv("SCIMBRIDGE_TOKEN"), "Secret Token to accept (default $SCIMBRIDGE_TOKEN, else generated and kept in the data directory)")
	tokenSecret := fl.String("token-secret", "", "Secrets Manager secret (ARN or name) holding the Secret Token, instead of --token")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(w.data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	s := awsapp.Settings{Table: w.table, TokenSecret: *tokenSecret}
	var generated bool
	var err error
	if s.TokenSecret == "" {
		if s.Token, generated, err = localToken(*token, w.data); err != nil {
			return err
		}
	}
	cfg, err := awsConfig(ctx, w.onAWS() || s.TokenSecret != "")
	if err != nil {
		return err
	}
	store, closeStore, err := w.open(cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	// The Lambda functions' graph, on either store: both keep the failure
	// journal `scimbridge reconcile` digests.
	h := awsapp.Handler(store, awsapp.Tokens(cfg, s, store, nil, logger), nil, logger)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "scim-bridge is listening.\n  Tenant URL:   http://%s/scim/v2\n", ln.Addr())
	kept := filepath.Join(w.data, tokenFile)
	switch {
	case *tokenSecret != "":
		fmt.Fprintf(stdout, "  Secret Token: the value of secret %s\n", *tokenSecret)
	case generated:
		fmt.Fprintf(stdout, "  Secret Token: %s\n  (kept in %s; read it later with: cat %s)\n", s.Token, kept, kept)
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
