package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/entra"
)

// requestTimeout is how long Entra waits for an answer (docs/entra.md §1.3).
const requestTimeout = 60 * time.Second

// smoke is `scimbridge smoke`: it plays Entra's conversation against a
// Tenant URL, prints every check and a final "N passed, M failed" line, and
// fails if any check failed.
func smoke(ctx context.Context, args []string, stdout io.Writer) error {
	fl := newFlags("smoke")
	tenant := fl.String("url", "", "the Tenant URL to check, e.g. the stack's TenantUrl output (required)")
	token := fl.String("token", os.Getenv("SCIMBRIDGE_TOKEN"), "the Secret Token (default $SCIMBRIDGE_TOKEN)")
	dialect := fl.String("dialect", "both", "PATCH dialect to speak: default, flag (aadOptscim062020) or both")
	keep := fl.Bool("keep", false, "leave the objects the run created instead of deleting them")
	caFile := fl.String("ca", "", "PEM file of CA certificates to trust besides the system's, for a bridge whose certificate a private CA issued")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *tenant == "" || *token == "" {
		return fmt.Errorf("smoke needs --url and --token (or SCIMBRIDGE_TOKEN)")
	}
	dialects := entra.Dialects
	if *dialect != "both" {
		d, err := entra.ParseDialect(*dialect)
		if err != nil {
			return err
		}
		dialects = []entra.Dialect{d}
	}
	doer, err := smokeClient(*caFile)
	if err != nil {
		return err
	}
	checks, err := entra.Smoke(ctx, *tenant, *token, entra.SmokeOptions{Dialects: dialects, Keep: *keep, Doer: doer}, nil)
	if err != nil {
		return err
	}
	failed := printChecks(stdout, checks)
	fmt.Fprintf(stdout, "%d passed, %d failed\n", len(checks)-failed, failed)
	if failed > 0 {
		return fmt.Errorf("smoke: %d of %d checks failed", failed, len(checks))
	}
	return nil
}

// smokeClient returns the HTTP client smoke speaks through: Entra's
// timeout, and the system's CAs plus those in caFile, if given.
func smokeClient(caFile string) (*http.Client, error) {
	c := &http.Client{Timeout: requestTimeout}
	if caFile == "" {
		return c, nil
	}
	b, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read --ca: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("--ca %s holds no PEM certificate", caFile)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: roots}
	c.Transport = t
	return c, nil
}

// printChecks prints the checks as a table and returns how many failed.
func printChecks(w io.Writer, checks []entra.Check) (failed int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tREQUEST\tEXPECTED\tGOT\tRESULT")
	for _, c := range checks {
		result := "pass"
		if !c.Pass {
			result = "FAIL"
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Step, c.Request, c.Expected, oneLine(c.Got), result)
	}
	tw.Flush()
	return failed
}

// oneLine keeps an answer's text on its row of the table.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
