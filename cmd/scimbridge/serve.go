package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// defaultAddr is where serve listens unless told otherwise: this machine
// only, where plain HTTP is allowed.
const defaultAddr = "127.0.0.1:8080"

// Server timeouts: the bridge faces the internet once it serves TLS.
const (
	// shutdownGrace bounds how long in-flight requests may finish after
	// a signal; Entra retries what is cut off.
	shutdownGrace = 20 * time.Second
	// readTimeout bounds reading a whole request, 1 MiB at most; Entra
	// itself gives up after 60 seconds (docs/entra.md §1.3).
	readTimeout = time.Minute
	// idleTimeout closes kept-alive connections nobody uses.
	idleTimeout = 2 * time.Minute
)

func serve(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fl := newFlags("serve")
	addr := fl.String("addr", envOr("SCIMBRIDGE_ADDR", defaultAddr), "address to listen on, such as :443 ($SCIMBRIDGE_ADDR sets the default)")
	var w where
	w.flags(fl, "directory of the embedded store, the generated token and the ACME cache")
	token := fl.String("token", os.Getenv("SCIMBRIDGE_TOKEN"), "Secret Token to accept (default $SCIMBRIDGE_TOKEN, else generated and kept in the data directory)")
	tokenSecret := fl.String("token-secret", "", "Secrets Manager secret (ARN or name) holding the Secret Token, instead of --token")
	var tf tlsFlags
	tf.define(fl)
	eventsURL := fl.String("events-url", "", "deliver change events to this URL as CloudEvents (embedded store only; docs/events.md)")
	eventsSecret := fl.String("events-secret", os.Getenv("SCIMBRIDGE_EVENTS_SECRET"), "key of the events' HMAC signature (default $SCIMBRIDGE_EVENTS_SECRET)")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile to this file until the server stops (make bench)")
	procs := fl.Int("procs", 1, "CPUs that run the bridge's Go code at once, 0 for the Go runtime's default (every CPU); $GOMAXPROCS, when set, is used instead of the default")
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
	set := map[string]bool{}
	fl.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if n := serveProcs(*procs, set["procs"], os.Getenv("GOMAXPROCS")); n > 0 {
		runtime.GOMAXPROCS(n)
	}
	if err := tf.check(set); err != nil {
		return err
	}
	tlsServer, err := tf.setup(w.data, logger)
	if err != nil {
		return err
	}
	ln, err := listen(*addr, tf.secure(), tf.insecureHTTP)
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := os.MkdirAll(w.data, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}

	s := awsapp.Settings{Table: w.table, TokenSecret: *tokenSecret}
	var generated bool
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
	// The embedded store can copy itself while it serves, for `scimbridge
	// backup`; a DynamoDB table has backups of its own.
	if cp, ok := store.(checkpointer); ok {
		stopAdmin, err := serveAdmin(w.data, cp, logger)
		if err != nil {
			logger.Warn("no online backups: cannot listen on the admin socket", slog.String("error", err.Error()))
		} else {
			defer stopAdmin()
		}
	}
	if *eventsURL != "" {
		stop, err := deliverEvents(ctx, store, *eventsURL, *eventsSecret, logger)
		if err != nil {
			return err
		}
		// Deferred after closeStore, so it runs first: the deliverer
		// stops before the store closes.
		defer stop()
	}
	// The Lambda functions' graph, on either store: both keep the failure
	// journal `scimbridge reconcile` digests. The health check is in front
	// of it, outside the SCIM base path.
	h := httpapi.WithHealth(awsapp.Handler(store, awsapp.Tokens(cfg, s, store, nil, logger), nil, logger), store, logger)

	// Before the start message, which tests wait for: SIGHUP must not
	// find serve without its handler. The reloads end with serve, also
	// when the server fails rather than ctx ending.
	tlsCtx, stopTLS := context.WithCancel(ctx)
	defer stopTLS()
	tlsServer.run(tlsCtx, logger)

	base := tlsServer.baseURL(ln.Addr(), tf.acmeDomain)
	mode := "plain HTTP, this machine only"
	switch {
	case tlsServer.config != nil:
		mode = "HTTPS, " + tlsServer.about
	case tf.insecureHTTP && !isLoopback(ln.Addr()):
		mode = "plain HTTP for a TLS-terminating proxy in front; give Entra the proxy's https:// URL"
	}
	fmt.Fprintf(stdout, "scim-bridge is listening on %s (%s).\n  Tenant URL:   %s%s\n", ln.Addr(), mode, base, httpapi.DefaultBasePath)
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
	fmt.Fprintf(stdout, "  Health:       %s%s\n", base, httpapi.HealthPath)

	srv := &http.Server{
		Handler: h, TLSConfig: tlsServer.config,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: readTimeout, IdleTimeout: idleTimeout,
		ErrorLog: serverLog(logger),
	}
	errc := make(chan error, 1)
	go func() {
		if tlsServer.config != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
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

// serveProcs returns the GOMAXPROCS serve sets, 0 to leave the runtime's:
// the flag's value if given, else the GOMAXPROCS variable if set (the
// runtime has read it), else the flag's default. One by default, because
// the bridge's work is a small amount of CPU between waits: on the network
// and, for every write, on an fdatasync, while the embedded store takes
// one write at a time. With every CPU, each of those waits ends by waking
// an idle thread that spins looking for work, and the load run measured
// 25 % more CPU per request at concurrency 1 for it (docs/decisions.md,
// "serve runs on one CPU").
func serveProcs(flag int, flagSet bool, env string) int {
	if !flagSet && env != "" {
		return 0
	}
	return flag
}
