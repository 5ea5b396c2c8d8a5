// Package awstest runs tests against moto_server, an HTTP emulator of the AWS
// APIs, so the DynamoDB and Secrets Manager code is tested the way the AWS
// SDK talks to AWS.
//
// A test package that uses it runs its tests through Main:
//
//	func TestMain(m *testing.M) { awstest.Main(m) }
//
// and each test calls Config (or Endpoint) and names its tables and secrets
// with Name, so tests can run in parallel on one emulator.
package awstest

import (
	"bytes"
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Environment variables that steer where the emulator comes from.
const (
	// EnvEndpoint names a running moto_server (e.g. http://127.0.0.1:5000)
	// to use instead of starting one; .ci/run sets it when it starts one
	// for every package.
	EnvEndpoint = "MOTO_ENDPOINT"
	// EnvRequire set to 1 turns a missing moto_server into a test failure
	// instead of a skip, so CI can never pass by skipping.
	EnvRequire = "SCIMBRIDGE_REQUIRE_EMULATOR"
)

// startTimeout bounds how long a starting moto_server may take to answer.
const startTimeout = 30 * time.Second

var (
	inMain atomic.Bool
	once   sync.Once
	// The emulator this test binary started, if any; set once.
	shared    *Server
	sharedErr error
)

// Main runs the package's tests and then stops the moto_server that Endpoint
// may have started for them, and exits with the tests' status. Call it from
// TestMain; Endpoint fails a test whose package does not, because the
// emulator would otherwise outlive the test binary.
func Main(m *testing.M) {
	inMain.Store(true)
	code := m.Run()
	stop()
	os.Exit(code)
}

// Endpoint returns the URL of a running moto_server: the one named by
// MOTO_ENDPOINT, else one started on a free loopback port the first time a
// test of this binary asks (and stopped by Main). Without moto_server on
// PATH it skips the test, or fails it when SCIMBRIDGE_REQUIRE_EMULATOR=1.
func Endpoint(t testing.TB) string {
	t.Helper()
	if !inMain.Load() {
		t.Fatal("awstest: the test package must run its tests through awstest.Main: func TestMain(m *testing.M) { awstest.Main(m) }")
	}
	if url := os.Getenv(EnvEndpoint); url != "" {
		return url
	}
	if _, err := exec.LookPath("moto_server"); err != nil {
		msg := `awstest: moto_server is not on PATH; install it with pip install "moto[server]", or run make test`
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(msg + " (" + EnvRequire + "=1 forbids skipping)")
		}
		t.Skip(msg)
	}
	once.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		t.Fatalf("awstest: %v", sharedErr)
	}
	return shared.URL
}

// Server is a moto_server process.
type Server struct {
	// URL is its base URL, for AWS_ENDPOINT_URL or aws.Config.BaseEndpoint.
	URL    string
	cmd    *exec.Cmd
	script string // the launcher's temporary file, removed by Stop
}

// Start runs moto_server on a free loopback port and waits until it answers
// HTTP. The caller must Stop it. Tests use Endpoint, which shares one server
// per test binary; Start is for commands such as make invoke.
func Start() (*Server, error) {
	if _, err := exec.LookPath("moto_server"); err != nil {
		return nil, fmt.Errorf(`moto_server is not on PATH (pip install "moto[server]"): %w`, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	out := new(bytes.Buffer)
	s.cmd, s.script = serverCommand("-H", "127.0.0.1", "-p", fmt.Sprint(port))
	// moto logs every request; keep only the start of it, for the error
	// below when the server dies during start.
	s.cmd.Stdout = &limitedWriter{w: out, n: 8 << 10}
	s.cmd.Stderr = s.cmd.Stdout
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = s.cmd.Wait() // the exit is reported through exited
		close(exited)
	}()
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			s.Stop()
			return nil, fmt.Errorf("moto_server exited during start: %s", out)
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get(s.URL + "/moto-api/"); err == nil {
			resp.Body.Close()
			return s, nil
		}
	}
	s.Stop()
	return nil, fmt.Errorf("moto_server did not answer on %s within %v", s.URL, startTimeout)
}

// Stop kills the server.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill() // it may have exited already
	}
	if s.script != "" {
		os.Remove(s.script)
	}
}

// launcher is moto_server with item-level transaction rollback (see the
// file): the same answers, without copying whole tables per transaction item.
//
//go:embed moto_server.py
var launcher []byte

// serverCommand returns the command that runs moto_server through the
// launcher, with the Python that has moto installed, or plain moto_server
// when that Python cannot be found.
func serverCommand(args ...string) (cmd *exec.Cmd, script string) {
	if exec.Command("python3", "-c", "import moto.server").Run() == nil {
		f, err := os.CreateTemp("", "moto_server-*.py")
		if err == nil {
			_, werr := f.Write(launcher)
			if cerr := f.Close(); werr == nil && cerr == nil {
				return exec.Command("python3", append([]string{f.Name()}, args...)...), f.Name()
			}
			os.Remove(f.Name())
		}
	}
	return exec.Command("moto_server", args...), ""
}

// stop kills the moto_server this binary started.
func stop() { shared.Stop() }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// limitedWriter keeps the first n bytes written to it and drops the rest.
type limitedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
	n  int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
