package lambdatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

func TestMain(m *testing.M) { awstest.Main(m) }

// moduleRoot returns the repository's root, where template.yaml and
// events/ are.
func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := lambdatest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// emulator returns aws-lambda-rie's path. Without it the test is skipped,
// or fails when awstest.EnvRequire is 1.
func emulator(t testing.TB) string {
	t.Helper()
	path, err := lambdatest.EmulatorPath(t.Context())
	if errors.Is(err, lambdatest.ErrNotInstalled) && os.Getenv(awstest.EnvRequire) != "1" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// eventFiles returns the names of the API Gateway events in events/: every
// JSON file but the scheduled event, the stream events and the environment
// file.
func eventFiles(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(moduleRoot(t), "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paths {
		if name := filepath.Base(p); name != "schedule.json" && name != "env.json" && !strings.HasPrefix(name, lambdatest.StreamEventPrefix) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Fatal("no events in events/")
	}
	return names
}

// readEvent returns the raw and the decoded event events/name.
func readEvent(t testing.TB, name string) ([]byte, *events.APIGatewayV2HTTPRequest) {
	t.Helper()
	return decodeEventFile[events.APIGatewayV2HTTPRequest](t, name, "an API Gateway HTTP API event")
}

// decodeEventFile returns the raw and the decoded events/name, failing t
// unless it is what (a T, every field of it known).
func decodeEventFile[T any](t testing.TB, name, what string) ([]byte, *T) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(moduleRoot(t), "events", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var ev T
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("%s is not %s: %v", name, what, err)
	}
	return raw, &ev
}

// backend is a table and a token secret of their own on moto_server.
type backend struct {
	endpoint, table, secret string
	store                   *dynamo.Store
}

// newBackend sets up a backend as Setup does and seeds it.
func newBackend(t testing.TB) *backend {
	t.Helper()
	b := &backend{endpoint: awstest.Endpoint(t), table: awstest.Name(t, "scim"), secret: awstest.Name(t, "token")}
	cfg := awstest.Config(t)
	if err := lambdatest.Setup(t.Context(), cfg, b.table, b.secret); err != nil {
		t.Fatal(err)
	}
	b.store = dynamo.New(dynamodb.NewFromConfig(cfg), b.table)
	if err := lambdatest.Seed(t.Context(), b.store); err != nil {
		t.Fatal(err)
	}
	return b
}

// build builds the host bootstraps of every function, in one go build, into
// a directory removed when t ends.
func build(t testing.TB) map[string]string {
	t.Helper()
	paths, err := lambdatest.Build(t.Context(), moduleRoot(t), t.TempDir(), lambdatest.Functions...)
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// buildOne builds the host bootstrap of the function with the given
// logical name, into a directory removed when t ends.
func buildOne(t testing.TB, name string) (lambdatest.Function, string) {
	t.Helper()
	fn, ok := lambdatest.FunctionNamed(name)
	if !ok {
		t.Fatalf("no function %s", name)
	}
	paths, err := lambdatest.Build(t.Context(), moduleRoot(t), t.TempDir(), fn)
	if err != nil {
		t.Fatal(err)
	}
	return fn, paths[fn.Name]
}

// start runs fn's bootstrap under the emulator against b, until t ends,
// with the configuration changed by each of tweaks. When t fails, the
// emulator's output is logged.
func start(t testing.TB, rie, bootstrap string, fn lambdatest.Function, b *backend, tweaks ...func(*lambdatest.Config)) *lambdatest.Emulator {
	t.Helper()
	cfg := lambdatest.Config{
		Emulator:    rie,
		Bootstrap:   bootstrap,
		Function:    fn,
		Endpoint:    b.endpoint,
		Table:       b.table,
		TokenSecret: b.secret,
	}
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	e, err := lambdatest.Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Stop()
		if t.Failed() {
			t.Logf("output of %s under the emulator:\n%s", fn.LogicalID(), e.Output())
		}
	})
	return e
}

// startAll starts every function under its own emulator rie, by logical id.
func startAll(t testing.TB, rie string, b *backend) map[string]*lambdatest.Emulator {
	t.Helper()
	bootstraps := build(t)
	emus := map[string]*lambdatest.Emulator{}
	for _, fn := range lambdatest.Functions {
		emus[fn.LogicalID()] = start(t, rie, bootstraps[fn.Name], fn, b)
	}
	return emus
}

// invoke sends event to e and returns the response; a failed invocation
// fails t.
func invoke(t testing.TB, e *lambdatest.Emulator, event []byte) *events.APIGatewayV2HTTPResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	resp, err := e.Invoke(ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
