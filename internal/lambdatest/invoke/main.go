// Command invoke does what `sam local invoke` does, without Docker: it
// builds a function for the host, runs it under aws-lambda-rie against a
// moto_server it starts and seeds, sends it one event and prints the
// function's response; for the events function, also the change events a
// rule on its bus received.
//
//	go run ./internal/lambdatest/invoke -fn Users -event events/users-test-connection.json
//	go run ./internal/lambdatest/invoke -fn Events -event events/stream-user-created.json
//
// -fn is the prefix of the function's logical id in template.yaml (Users,
// Groups, Discovery, Reconciler, Events); without it the template's routes
// choose, and a stream event goes to Events. With -moto it uses a running
// moto_server instead, and with -setup it only creates the table, the
// secret, the event bus and the seeded resources there (for
// `sam local invoke --env-vars events/env.json`).
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"syscall"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	fn, event, moto string
	setupOnly       bool
	verbose         bool
}

// run parses the command line and does what it asks.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.fn, "fn", "", "function: Users, Groups, Discovery, Reconciler or Events (default: the one template.yaml routes the event to)")
	fs.StringVar(&o.event, "event", "", "event file, e.g. events/users-test-connection.json or events/stream-user-created.json")
	fs.StringVar(&o.moto, "moto", "", "URL of a running moto_server to use (default: start one)")
	fs.BoolVar(&o.setupOnly, "setup", false, "only create the table, secret, event bus and seeded resources on -moto, then exit")
	fs.BoolVar(&o.verbose, "v", false, "copy the emulator's and the function's output to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.setupOnly {
		if o.moto == "" {
			return errors.New("-setup needs -moto, the moto_server to set up")
		}
		_, err := setUp(ctx, o.moto)
		return err
	}
	if o.event == "" {
		return errors.New("-event is required")
	}
	return invoke(ctx, o, stdout, stderr)
}

// invoke runs o.event through its function and prints the response; it
// stops every process it started before it returns.
func invoke(ctx context.Context, o options, stdout, stderr io.Writer) error {
	root, err := lambdatest.ModuleRoot()
	if err != nil {
		return err
	}
	event, err := os.ReadFile(o.event)
	if err != nil {
		return err
	}
	fn, err := function(root, o.fn, event, stderr)
	if err != nil {
		return err
	}
	emulator, err := lambdatest.EmulatorPath(ctx)
	if errors.Is(err, lambdatest.ErrNotInstalled) {
		fmt.Fprintf(stderr, "installing aws-lambda-rie: go install %s\n", lambdatest.EmulatorPackage)
		emulator, err = lambdatest.InstallEmulator(ctx, stderr)
	}
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "scim-bridge-invoke-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// Building takes longest; moto starts and is set up meanwhile.
	var (
		wg       sync.WaitGroup
		built    map[string]string
		buildErr error
	)
	wg.Go(func() { built, buildErr = lambdatest.Build(ctx, root, dir, fn) })
	endpoint := o.moto
	if endpoint == "" {
		moto, err := lambdatest.StartMoto(ctx)
		if err != nil {
			wg.Wait()
			return err
		}
		defer moto.Stop()
		endpoint = moto.URL
	}
	bus, setupErr := setUp(ctx, endpoint)
	wg.Wait()
	if err := errors.Join(buildErr, setupErr); err != nil {
		return err
	}

	cfg := lambdatest.Config{
		Emulator:    emulator,
		Bootstrap:   built[fn.Name],
		Function:    fn,
		Endpoint:    endpoint,
		Table:       lambdatest.LocalTable,
		TokenSecret: lambdatest.LocalTokenSecret,
		EventBus:    lambdatest.LocalEventBus,
	}
	if o.verbose {
		cfg.Output = stderr
	}
	emu, err := lambdatest.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer emu.Stop()
	body, err := emu.InvokeRaw(ctx, event)
	if err != nil && !o.verbose {
		err = fmt.Errorf("%w\n%s", err, emu.Output()) // the output says why
	}
	if err != nil {
		return err
	}
	if d, err := emu.InitDuration(); err == nil {
		fmt.Fprintf(stderr, "%s under aws-lambda-rie: init %.1f ms\n", fn.LogicalID(), float64(d.Microseconds())/1000)
	}
	if slices.Contains(lambdatest.Streams, fn) {
		// A stream function answers with its batch item failures; what it
		// published is on the bus.
		fmt.Fprintf(stdout, "%s\n", indent(body))
		received, err := bus.Receive(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%d events on the bus %s:\n", len(received), lambdatest.LocalEventBus)
		for _, e := range received {
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\n", indent(b))
		}
		return nil
	}
	if slices.Contains(lambdatest.Scheduled, fn) {
		// A scheduled function's answer is its own JSON (the reconciler's
		// report); its notices are in its log (-v) unless a topic is set.
		_, err := fmt.Fprintf(stdout, "%s\n", indent(body))
		return err
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &resp); err != nil || resp.StatusCode == 0 {
		return fmt.Errorf("the function answered no HTTP response: %s", body)
	}
	return printResponse(stdout, &resp)
}

// function returns the function named name, or else the one template.yaml
// routes event to. A named function that the template does not route the
// event to is only warned about: its handler serves the event all the same.
func function(root, name string, event []byte, stderr io.Writer) (lambdatest.Function, error) {
	routed, routeErr := routedFunction(root, event)
	if name == "" {
		if routeErr != nil {
			return lambdatest.Function{}, fmt.Errorf("%w; name the function with -fn", routeErr)
		}
		return routed, nil
	}
	fn, ok := lambdatest.FunctionNamed(name)
	if !ok {
		return fn, fmt.Errorf("unknown function %q: want Users, Groups, Discovery, Reconciler or Events", name)
	}
	if routeErr == nil && routed != fn {
		fmt.Fprintf(stderr, "note: template.yaml routes this event to %s, not %s\n", routed.LogicalID(), fn.LogicalID())
	}
	return fn, nil
}

// routedFunction returns the function template.yaml routes event to.
func routedFunction(root string, event []byte) (lambdatest.Function, error) {
	// EventBridge's scheduled event invokes the one scheduled function,
	// the table's stream the one stream function.
	var scheduled events.CloudWatchEvent
	if json.Unmarshal(event, &scheduled) == nil && scheduled.DetailType == "Scheduled Event" {
		return lambdatest.Scheduled[0], nil
	}
	var stream events.DynamoDBEvent
	if json.Unmarshal(event, &stream) == nil && len(stream.Records) > 0 && stream.Records[0].EventSource == "aws:dynamodb" {
		return lambdatest.Streams[0], nil
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event, &ev); err != nil {
		return lambdatest.Function{}, fmt.Errorf("read the event: %w", err)
	}
	tmpl, err := lambdatest.ReadTemplate(filepath.Join(root, "template.yaml"))
	if err != nil {
		return lambdatest.Function{}, err
	}
	route, err := tmpl.Serving(ev.RequestContext.HTTP.Method, ev.RawPath)
	if err != nil {
		return lambdatest.Function{}, err
	}
	fn, ok := lambdatest.FunctionNamed(route.Function)
	if !ok {
		return fn, fmt.Errorf("the template routes the event to %s, which this command cannot run", route.Function)
	}
	return fn, nil
}

// setUp creates the local table, secret and event bus on the moto_server at
// endpoint, with a rule that sends every change event to a queue, and seeds
// the resources the events address. It returns the queue's listener.
func setUp(ctx context.Context, endpoint string) (*lambdatest.Listener, error) {
	cfg := lambdatest.AWSConfig(endpoint)
	if err := lambdatest.Setup(ctx, cfg, lambdatest.LocalTable, lambdatest.LocalTokenSecret); err != nil {
		return nil, err
	}
	bus, err := lambdatest.Listen(ctx, cfg, lambdatest.LocalEventBus, lambdatest.LocalEventBus+"-listener")
	if err != nil {
		return nil, err
	}
	return bus, lambdatest.Seed(ctx, dynamo.New(dynamodb.NewFromConfig(cfg), lambdatest.LocalTable))
}

// indent returns JSON b indented, or b as it is if it is not JSON.
func indent(b []byte) []byte {
	var indented bytes.Buffer
	if json.Indent(&indented, b, "", "  ") != nil {
		return b
	}
	return indented.Bytes()
}

// printResponse writes resp as an HTTP response: status, headers in a
// stable order, and the body, indented when it is JSON.
func printResponse(w io.Writer, resp *events.APIGatewayV2HTTPResponse) error {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	names := make([]string, 0, len(resp.Headers))
	for name := range resp.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(w, "%s: %s\n", name, resp.Headers[name])
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return fmt.Errorf("decode the response body: %w", err)
		}
	}
	if len(body) == 0 {
		return nil
	}
	var indented bytes.Buffer
	if json.Indent(&indented, body, "", "  ") == nil {
		body = indented.Bytes()
	}
	_, err := fmt.Fprintf(w, "\n%s\n", body)
	return err
}
