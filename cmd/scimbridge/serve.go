package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/boltstore"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// shutdownGrace bounds how long in-flight requests may finish after a
// signal; Entra retries what is cut off.
const shutdownGrace = 20 * time.Second

func serve(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on")
	data := fl.String("data", "./.scimbridge", "directory of the embedded store")
	token := fl.String("token", os.Getenv("SCIMBRIDGE_TOKEN"), "Secret Token to accept (default $SCIMBRIDGE_TOKEN, else generated and kept in the data directory)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	tok, generated, err := localToken(*token, *data)
	if err != nil {
		return err
	}
	store, err := boltstore.Open(filepath.Join(*data, "directory.db"))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer store.Close()

	h := httpapi.New(directory.New(store, directory.Options{}), httpapi.Config{
		Tokens: httpapi.StaticTokens(tok),
		Logger: logger,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "scim-bridge is listening.\n  Tenant URL:   http://%s/scim/v2\n", ln.Addr())
	switch {
	case generated:
		fmt.Fprintf(stdout, "  Secret Token: %s\n  (kept in %s; read it later with: cat %s)\n", tok, filepath.Join(*data, tokenFile), filepath.Join(*data, tokenFile))
	case *token != "":
		fmt.Fprintf(stdout, "  Secret Token: the one given with --token or SCIMBRIDGE_TOKEN\n")
	default:
		fmt.Fprintf(stdout, "  Secret Token: cat %s\n", filepath.Join(*data, tokenFile))
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
