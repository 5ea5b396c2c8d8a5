package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// Hello is the hello-world function, the floor every function's cold start
// is compared with: it answers each event with 200 and nothing else.
var Hello = lambdatest.Function{Name: "Hello", Package: "./internal/bench/testdata/hello"}

// lambdaFlags are the Makefile's LAMBDA_GOFLAGS, with which the hello
// function is built for its size (the bridge's functions are built
// through their make targets).
var lambdaFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w"}

// firstEvents are the events a function's first invocation answers: the
// first request of an Entra cycle (BenchmarkColdStart's).
var firstEvents = map[string]string{
	"Users":     "users-test-connection.json",
	"Groups":    "groups-lookup.json",
	"Discovery": "discovery-service-provider-config.json",
	"Hello":     "users-test-connection.json",
}

// ColdStart is what the report says of one function.
type ColdStart struct {
	Name string
	// Init is the emulator's INIT REPORT duration of each start, and
	// FirstInvoke the time from sending the first event to its answer.
	Init, FirstInvoke Summary
	// Size is the linux/arm64 stripped bootstrap's size in bytes.
	Size int64
	// PeakRSS is the bootstrap's peak resident memory after Requests
	// invocations.
	PeakRSS  int64
	Requests int
}

// ColdStartOptions say what MeasureColdStarts does: Starts cold starts of
// each function, interleaved, then Requests invocations of each in one
// execution environment. Root is the module root, Dir a scratch directory,
// Log gets the tools' output.
type ColdStartOptions struct {
	Root, Dir        string
	Starts, Requests int
	Log              io.Writer
}

// MeasureColdStarts runs every function of the bridge and Hello under
// aws-lambda-rie (installed with go install if missing) against a
// moto_server it starts, as `make invoke` does. Its error wraps
// lambdatest.ErrNotInstalled when moto_server is not installed.
func MeasureColdStarts(ctx context.Context, o ColdStartOptions) ([]ColdStart, error) {
	rie, err := lambdatest.EmulatorPath(ctx)
	if errors.Is(err, lambdatest.ErrNotInstalled) {
		rie, err = lambdatest.InstallEmulator(ctx, o.Log)
	}
	if err != nil {
		return nil, err
	}
	moto, err := lambdatest.StartMoto(ctx)
	if err != nil {
		return nil, err
	}
	defer moto.Stop()
	cfg := lambdatest.AWSConfig(moto.URL)
	if err := lambdatest.Setup(ctx, cfg, lambdatest.LocalTable, lambdatest.LocalTokenSecret); err != nil {
		return nil, err
	}
	if err := lambdatest.Seed(ctx, dynamo.New(dynamodb.NewFromConfig(cfg), lambdatest.LocalTable)); err != nil {
		return nil, err
	}
	fns := append(slices.Clone(lambdatest.Functions), Hello)
	host, err := lambdatest.Build(ctx, o.Root, filepath.Join(o.Dir, "host"), fns...)
	if err != nil {
		return nil, err
	}
	out := make([]ColdStart, len(fns))
	inits := make([][]time.Duration, len(fns))
	firsts := make([][]time.Duration, len(fns))
	start := func(fn lambdatest.Function) (*lambdatest.Emulator, error) {
		return lambdatest.Start(ctx, lambdatest.Config{Emulator: rie, Bootstrap: host[fn.Name], Function: fn,
			Endpoint: moto.URL, Table: lambdatest.LocalTable, TokenSecret: lambdatest.LocalTokenSecret})
	}
	for round := range o.Starts {
		// Each round starts with the next function, so that none is
		// always the first after a pause.
		for k := range fns {
			i := (round + k) % len(fns)
			event, err := os.ReadFile(filepath.Join(o.Root, "events", firstEvents[fns[i].Name]))
			if err != nil {
				return nil, err
			}
			e, err := start(fns[i])
			if err != nil {
				return nil, err
			}
			t := time.Now()
			_, err = e.Invoke(ctx, event)
			first := time.Since(t)
			init, initErr := e.InitDuration()
			e.Stop()
			if err := errors.Join(err, initErr); err != nil {
				return nil, fmt.Errorf("cold start of %s: %w", fns[i].LogicalID(), err)
			}
			inits[i], firsts[i] = append(inits[i], init), append(firsts[i], first)
		}
	}
	for i, fn := range fns {
		out[i] = ColdStart{Name: fn.Name, Init: Summarize(inits[i]), FirstInvoke: Summarize(firsts[i]), Requests: o.Requests}
		if out[i].Size, err = armSize(ctx, o, fn); err != nil {
			return nil, err
		}
		if out[i].PeakRSS, err = peakAfter(ctx, o, fn, host[fn.Name], start); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// armSize builds fn for Lambda (linux/arm64, stripped) and returns the
// bootstrap's size: the bridge's functions through their make targets, as
// `sam build` builds them, Hello with the same flags.
func armSize(ctx context.Context, o ColdStartOptions, fn lambdatest.Function) (int64, error) {
	dir := filepath.Join(o.Dir, "arm64", fn.Name)
	var cmd *exec.Cmd
	if fn == Hello {
		args := append(append([]string{"build"}, lambdaFlags...), "-o", filepath.Join(dir, "bootstrap"), fn.Package)
		cmd = exec.CommandContext(ctx, "go", args...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
	} else {
		cmd = exec.CommandContext(ctx, "make", "--no-print-directory", "build-"+fn.LogicalID(), "ARTIFACTS_DIR="+dir)
	}
	cmd.Dir = o.Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("build %s for linux/arm64: %w\n%s", fn.LogicalID(), err, out)
	}
	info, err := os.Stat(filepath.Join(dir, "bootstrap"))
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// peakAfter starts fn, invokes it o.Requests times with its own events in
// turn, and returns its bootstrap's peak resident memory.
func peakAfter(ctx context.Context, o ColdStartOptions, fn lambdatest.Function, bootstrap string, start func(lambdatest.Function) (*lambdatest.Emulator, error)) (int64, error) {
	events, err := ownEvents(o.Root, fn)
	if err != nil {
		return 0, err
	}
	e, err := start(fn)
	if err != nil {
		return 0, err
	}
	defer e.Stop()
	for i := range o.Requests {
		if _, err := e.Invoke(ctx, events[i%len(events)]); err != nil {
			return 0, fmt.Errorf("%s, invocation %d: %w", fn.LogicalID(), i, err)
		}
	}
	pid, err := FindProcess(bootstrap)
	if err != nil {
		return 0, err
	}
	return PeakRSS(pid)
}

// ownEvents returns the events in events/ of fn's resource (Hello takes
// the users'), but those that create or delete, so that a thousand
// invocations keep finding what they address.
func ownEvents(root string, fn lambdatest.Function) ([][]byte, error) {
	prefix := strings.ToLower(fn.Name) + "-"
	if fn == Hello {
		prefix = "users-"
	}
	paths, err := filepath.Glob(filepath.Join(root, "events", prefix+"*.json"))
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, p := range paths {
		if strings.HasSuffix(p, "-create.json") || strings.HasSuffix(p, "-delete.json") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no events for %s in events/", fn.LogicalID())
	}
	return out, nil
}
