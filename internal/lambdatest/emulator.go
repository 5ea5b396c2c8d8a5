package lambdatest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// EmulatorPackage is what InstallEmulator installs: the Runtime Interface
// Emulator that SAM's images run (`go install` reaches it through the Go
// module proxy).
const EmulatorPackage = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest"

// ErrNotInstalled is wrapped by the errors of EmulatorPath and StartMoto
// when the tool they need is not installed.
var ErrNotInstalled = errors.New("not installed")

// The settings of every function in template.yaml's Globals, which the
// emulator is given so that the function sees what Lambda would tell it.
const (
	memoryMB       = 128
	timeoutSeconds = 20
)

// startTimeout bounds how long a starting emulator or moto_server may take
// to listen.
const startTimeout = 30 * time.Second

// EmulatorPath returns the path of aws-lambda-rie: on PATH, else where
// `go install` puts it (GOBIN, else GOPATH/bin). Its error wraps
// ErrNotInstalled when it is in neither place.
func EmulatorPath(ctx context.Context) (string, error) {
	const name = "aws-lambda-rie"
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dir, err := goEnv(ctx, "GOBIN")
	if err != nil {
		return "", err
	}
	if dir == "" {
		gopath, err := goEnv(ctx, "GOPATH")
		if err != nil {
			return "", err
		}
		dir = filepath.Join(filepath.SplitList(gopath)[0], "bin")
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s is neither on PATH nor in %s (install it with go install %s): %w", name, dir, EmulatorPackage, ErrNotInstalled)
	}
	return p, nil
}

// InstallEmulator installs aws-lambda-rie with `go install`, writing go's
// output to log, and returns its path.
func InstallEmulator(ctx context.Context, log io.Writer) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "install", EmulatorPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install %s: %w", EmulatorPackage, err)
	}
	return EmulatorPath(ctx)
}

// Config says what an emulator runs and what its function talks to.
type Config struct {
	// Emulator is aws-lambda-rie's path (see EmulatorPath).
	Emulator string
	// Bootstrap is the function's host build (see Build).
	Bootstrap string
	Function  Function
	// Endpoint is the base URL of the AWS emulator (moto_server) that
	// every AWS SDK client of the function uses (AWS_ENDPOINT_URL).
	Endpoint string
	// Table and TokenSecret are the function's TABLE_NAME (ignored for a
	// function that needs none) and TOKEN_SECRET_ARN.
	Table       string
	TokenSecret string
	// EventBus is the events function's EVENT_BUS_NAME.
	EventBus string
	// LogLevel is the function's LOG_LEVEL; "" means INFO.
	LogLevel string
	// XRayDaemon, if not empty, is the function's AWS_XRAY_DAEMON_ADDRESS,
	// as Lambda sets it under active tracing; the emulator sets none.
	XRayDaemon string
	// Timeout is the function's timeout, in whole seconds; 0 means the
	// template's.
	Timeout time.Duration
	// Output, if not nil, receives a copy of the emulator's and the
	// function's output as it is written.
	Output io.Writer
}

// Emulator is a function running under aws-lambda-rie, as in a Lambda
// execution environment: the emulator starts the bootstrap on the first
// invocation (the cold start) and reuses it for the next ones.
type Emulator struct {
	proc *process
	url  string
}

// Start starts aws-lambda-rie for cfg's function on free loopback ports and
// waits until it accepts invocations. The function's environment holds only
// what Lambda and template.yaml would give it, so nothing of the caller's
// environment (AWS profiles, endpoints) reaches it. Stop must be called.
func Start(ctx context.Context, cfg Config) (*Emulator, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	runtimeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	bootstrap, err := filepath.Abs(cfg.Bootstrap)
	if err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	logLevel := cfg.LogLevel
	if logLevel == "" {
		logLevel = "INFO"
	}
	timeout := timeoutSeconds
	if cfg.Timeout > 0 {
		timeout = int(cfg.Timeout / time.Second)
	}
	table := cfg.Table
	if !cfg.Function.NeedsTable {
		table = "" // as template.yaml sets it for such a function
	}
	// The emulator logs INIT REPORT, the init duration, at level info. It
	// is not bound to ctx, which only bounds the start: Stop ends it.
	cmd := exec.Command(cfg.Emulator, "--log-level", "info",
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", runtimeAddr,
		bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	// The emulator passes its whole environment on to the function.
	cmd.Env = []string{
		"AWS_ENDPOINT_URL=" + cfg.Endpoint,
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_LAMBDA_FUNCTION_NAME=" + cfg.Function.LogicalID(),
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(memoryMB),
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(timeout),
		"TABLE_NAME=" + table,
		"TOKEN_SECRET_ARN=" + cfg.TokenSecret,
		"EVENT_BUS_NAME=" + cfg.EventBus,
		"LOG_LEVEL=" + logLevel,
	}
	if cfg.XRayDaemon != "" {
		cmd.Env = append(cmd.Env, "AWS_XRAY_DAEMON_ADDRESS="+cfg.XRayDaemon)
	}
	proc, err := startProcess(cmd, cfg.Output)
	if err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := proc.waitListening(ctx, addr); err != nil {
		proc.stop()
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	return &Emulator{proc: proc, url: "http://" + addr + "/2015-03-31/functions/function/invocations"}, nil
}

// Invoke sends event to the function, as API Gateway would, and returns the
// function's API Gateway (payload 2.0) response. A function that fails (an
// error, a panic, an exit) is an error holding the emulator's answer.
func (e *Emulator) Invoke(ctx context.Context, event []byte) (*events.APIGatewayV2HTTPResponse, error) {
	body, err := e.InvokeRaw(ctx, event)
	if err != nil {
		return nil, err
	}
	var out events.APIGatewayV2HTTPResponse
	if json.Unmarshal(body, &out) != nil || out.StatusCode == 0 {
		return nil, fmt.Errorf("invoke: the function answered no HTTP response: %s", body)
	}
	return &out, nil
}

// InvokeRaw sends event to the function and returns its answer as it is,
// as for a scheduled function. A function that fails (an error, a panic, an
// exit) is an error holding the emulator's answer.
func (e *Emulator) InvokeRaw(ctx context.Context, event []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(event))
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("invoke: read the emulator's answer: %w", err)
	}
	// The emulator answers a failed invocation with 200 and an
	// {"errorType", "errorMessage"} body, or with a 5xx.
	var failed struct {
		ErrorType string `json:"errorType"`
	}
	if resp.StatusCode != http.StatusOK || (json.Unmarshal(body, &failed) == nil && failed.ErrorType != "") {
		return nil, fmt.Errorf("invoke: the function failed: emulator answered %d: %s", resp.StatusCode, body)
	}
	return body, nil
}

// initReport is the emulator's log line of an init phase: the time from the
// bootstrap's start to its first request for an invocation, which is what
// Lambda reports as Init Duration. (The "Init Duration" of the emulator's
// REPORT line measures nothing: it times an asynchronous call.)
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// InitDuration returns the duration of the function's init phase, which
// the first Invoke ran. It is an error before that.
func (e *Emulator) InitDuration() (time.Duration, error) {
	m := initReport.FindStringSubmatch(e.proc.out.String())
	if m == nil {
		return 0, errors.New("the emulator has not reported an init phase")
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("read the init duration %q: %w", m[1], err)
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// Output returns the emulator's and the function's output so far.
func (e *Emulator) Output() string { return e.proc.out.String() }

// Stop kills the emulator, which takes its function with it, and waits for
// it to exit.
func (e *Emulator) Stop() { e.proc.stop() }
