// Package arch_test holds the import rules of the house: which layer may
// import which (docs/design.md's one-way arrows), checked on every package
// of the module so that the layering cannot drift back.
package arch_test

import (
	"errors"
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is the module's path; rules name its packages relative to it.
const module = "github.com/scim-bridge/scim-bridge"

// Patterns in the rules name a package of the module relative to its root
// ("internal/httpapi") or one of another module by its full path; a
// trailing "/..." also matches every package below. These name the foreign
// systems.
const (
	anything = "..."
	awsSDK   = "github.com/aws/aws-sdk-go-v2/..."
	smithy   = "github.com/aws/smithy-go/..." // the AWS SDK's runtime
	bbolt    = "go.etcd.io/bbolt"
	pebble   = "github.com/cockroachdb/pebble/v2/..."
	// Lambda: the runtime, its events, the HTTP adapter, and the
	// invocation's context (its request id).
	lambdaStart   = "github.com/aws/aws-lambda-go/lambda"
	lambdaEvents  = "github.com/aws/aws-lambda-go/events"
	lambdaContext = "github.com/aws/aws-lambda-go/lambdacontext"
	httpAdapter   = "github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	// ACME, for the local process's certificates.
	acme = "golang.org/x/crypto/acme/..."
)

// The house's own layers, innermost first.
const (
	scim        = "internal/scim/..." // the vocabulary and its grammars
	journal     = "internal/journal"
	emf         = "internal/emf"
	directory   = "internal/directory"
	httpapi     = "internal/httpapi"
	reconcile   = "internal/reconcile"
	pebblestore = "internal/pebblestore"
	dynamo      = "internal/dynamo"
	secrets     = "internal/secrets"
	notify      = "internal/notify"
	awsapp      = "internal/awsapp"
	entra       = "internal/entra"
	events      = "internal/events"
	eventbus    = "internal/eventbus"
	webhook     = "internal/webhook"
	certs       = "internal/certs"
	xray        = "internal/xray"
)

// layer is a row of the house: the packages it governs, what they may
// import besides the standard library, and why.
type layer struct {
	pkgs, may []string
	why       string
}

// of lists patterns.
func of(patterns ...string) []string { return patterns }

// house says what each package may import besides the standard library.
// The first row naming a package governs it, so narrower rows come first;
// every package of the module must be in a row. Test files are free: a
// test may bring layers together, the product may not.
var house = []layer{
	// The vocabulary at the centre.
	{of("internal/scim"), nil,
		"the SCIM vocabulary (RFC 7643, RFC 7644) needs only the standard library"},
	{of(scim), of(scim),
		"the vocabulary's subpackages (filter and PATCH grammars) speak it, nothing else"},
	{of(emf), nil,
		"CloudWatch's Embedded Metric Format: log lines any layer may count through"},
	{of(journal), nil,
		"the failure journal's vocabulary, which the handler writes, the stores keep and the reconciler reads"},
	{of(directory), of(scim),
		"the domain: the service and the Store interface it declares"},
	{of(events), of(directory, scim),
		"the change events, derived from a committed change the same on either store"},

	// The stores: they depend inward only, never on httpapi or reconcile.
	{of(pebblestore), of(directory, scim, journal, events, pebble, bbolt),
		"directory.Store and the journal in an embedded Pebble directory; bbolt only to migrate the file of the store before it"},
	{of(dynamo), of(directory, scim, journal, events, awsSDK, smithy),
		"directory.Store and the journal on DynamoDB: the only package that knows the table's keys, so also the one that reads its stream"},
	{of("internal/bench/memstore"), of(directory, scim, journal),
		"directory.Store in memory, for measuring the handler alone"},
	{of("internal/storetest"), of(directory, scim),
		"the contract every store passes speaks only the domain"},

	// The consumers of the domain.
	{of(httpapi), of(directory, scim, journal, emf),
		"the HTTP handler knows no store, no AWS and no Lambda: main plugs them in"},
	{of(reconcile), of(directory, scim, journal),
		"the scheduled run reads stores through its own interface, never httpapi or a store"},
	{of(xray), of(awsSDK, smithy),
		"X-Ray subsegments of any AWS SDK client's calls, a middleware the wiring adds; it knows no layer of the house"},
	{of(secrets), of(awsSDK, smithy),
		"the Secret Token from Secrets Manager satisfies httpapi.TokenSource without importing it"},
	{of(notify), of(reconcile, awsSDK, smithy),
		"notices over SNS, for the reconciler"},
	{of(entra), nil,
		"Entra's provisioning client, simulated over plain HTTP"},
	{of(eventbus), of(dynamo, events, lambdaEvents, awsSDK, smithy),
		"the table's stream, as Lambda hands it over, to change events on EventBridge"},
	{of(webhook), of(events),
		"the embedded store's outbox, read through its own interface, to CloudEvents over HTTP"},
	{of(certs), of(acme),
		"the local process's TLS: certificates from files or from an ACME CA"},

	// The wiring: one builder per object graph.
	{of("internal/awsapp/reconciler"), of(awsapp, emf, reconcile, notify, secrets, awsSDK, smithy),
		"the reconciler's graph, apart from awsapp so the HTTP functions do not link it"},
	{of("internal/awsapp/publisher"), of(eventbus, awsSDK, smithy),
		"the events function's graph, apart from awsapp so neither links the other's services"},
	{of(awsapp), of(directory, journal, emf, httpapi, dynamo, secrets, xray, awsSDK, smithy, lambdaContext),
		"the HTTP graph on AWS; the only product package that reads Lambda's context"},
	{of("functions/reconciler"), of(awsapp, "internal/awsapp/reconciler", reconcile, lambdaStart, lambdaEvents),
		"a Lambda main is wiring only"},
	{of("functions/events"), of(awsapp, "internal/awsapp/publisher", lambdaStart),
		"a Lambda main is wiring only"},
	{of("functions/..."), of(awsapp, lambdaStart, httpAdapter),
		"an HTTP function's main is wiring only, and links neither the reconciler nor SNS"},
	{of("cmd/scimbridge"), of(awsapp+"/...", pebblestore, dynamo, directory, journal, httpapi, reconcile, entra, certs, webhook, awsSDK, smithy),
		"the local process and operator commands wire the same graphs"},

	// Test support and benchmarks: never imported by the product above.
	{of("internal/awstest", "internal/faults", "internal/lambdatest/...", "internal/emf/emftest", "internal/entra/entratest",
		"internal/reconcile/reconciletest", "internal/events/eventstest", "internal/certs/certstest", "internal/xray/xraytest", "internal/bench/...", "internal/arch"), of(anything),
		"test support and benchmarks"},
}

// httpFunctions are the Lambda functions behind API Gateway.
var httpFunctions = of("functions/users", "functions/groups", "functions/discovery")

// TestImportRules checks every package's imports against house.
func TestImportRules(t *testing.T) {
	for _, p := range packages(t) {
		row := slices.IndexFunc(house, func(l layer) bool { return matchAny(l.pkgs, p.path) })
		if row < 0 {
			t.Errorf("%s is in no row of the house: add it to the layer it belongs to", p.path)
			continue
		}
		l := house[row]
		for _, imp := range p.imports {
			if !matchAny(l.may, imp) {
				t.Errorf("%s imports %s, but may import only %v besides the standard library: %s", p.path, imp, l.may, l.why)
			}
		}
	}
}

// TestHTTPFunctionsLinkNoReconciler checks everything the HTTP functions
// link, not only what each package imports: never the reconciler nor SNS
// (docs/design.md), never test support, and Lambda's context only through
// awsapp, so the handler stays an http.Handler that runs anywhere.
func TestHTTPFunctionsLinkNoReconciler(t *testing.T) {
	never := of(reconcile+"/...", notify, "internal/awsapp/reconciler", "github.com/aws/aws-sdk-go-v2/service/sns",
		bbolt, certs+"/...", acme, "internal/awstest", "internal/faults", "internal/lambdatest/...", "internal/storetest", "internal/bench/...")
	pkgs := map[string]pkg{}
	for _, p := range packages(t) {
		pkgs[p.path] = p
	}
	for _, fn := range httpFunctions {
		for _, dep := range deps(pkgs, fn) {
			if matchAny(never, dep) {
				t.Errorf("%s links %s", fn, dep)
			}
			if p, ours := pkgs[dep]; ours && dep != awsapp && slices.Contains(p.imports, lambdaContext) {
				t.Errorf("%s links %s, which reads Lambda's context: only %s may", fn, dep, awsapp)
			}
		}
	}
}

// pkg is a package of the module: its path relative to the module and
// what its non-test files import besides the standard library (the
// module's own packages relative to it too).
type pkg struct {
	path    string
	imports []string
}

// packages reads every package of the module with go/build, as the go
// command would find them, skipping testdata and hidden directories.
func packages(t *testing.T) []pkg {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var out []pkg
	err = filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if name := d.Name(); dir != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		bp, err := build.ImportDir(dir, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return err
		}
		p := pkg{path: filepath.ToSlash(rel)}
		for _, imp := range bp.Imports {
			if first, _, _ := strings.Cut(imp, "/"); !strings.Contains(first, ".") {
				continue // the standard library
			}
			if r, ok := strings.CutPrefix(imp, module+"/"); ok {
				imp = r
			}
			p.imports = append(p.imports, imp)
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d packages under %s", len(out), root)
	}
	return out
}

// deps returns what main links, as far as the module's sources tell: every
// package of the module it reaches, and what those import from other
// modules.
func deps(pkgs map[string]pkg, main string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		for _, imp := range pkgs[path].imports {
			walk(imp)
		}
	}
	walk(main)
	out := make([]string, 0, len(seen))
	for path := range seen {
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

// matchAny reports whether path matches one of patterns.
func matchAny(patterns []string, path string) bool {
	return slices.ContainsFunc(patterns, func(pattern string) bool {
		if pattern == anything {
			return true
		}
		if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
			return path == prefix || strings.HasPrefix(path, prefix+"/")
		}
		return path == pattern
	})
}
