package lambdatest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// maxOutput bounds the output kept of a child process: enough for the
// emulator's logs of a test's invocations and the start of moto's.
const maxOutput = 1 << 20

// process is a child process this package started: its output is kept, and
// stop ends it by its PID alone.
type process struct {
	cmd    *exec.Cmd
	out    *output
	exited chan struct{}
}

// startProcess starts cmd with its stdout and stderr kept (and copied to
// tee, if not nil).
func startProcess(cmd *exec.Cmd, tee io.Writer) (*process, error) {
	p := &process{cmd: cmd, out: &output{tee: tee}, exited: make(chan struct{})}
	cmd.Stdout = p.out
	cmd.Stderr = p.out
	if err := cmd.Start(); err != nil {
		return nil, err // it names the command; callers say what it was for
	}
	go func() {
		_ = cmd.Wait() // the exit is reported through exited
		close(p.exited)
	}()
	return p, nil
}

// stopGrace is how long a process may take to exit after SIGTERM before it
// is killed.
const stopGrace = 5 * time.Second

// stop asks the process to exit with SIGTERM (the emulator then kills its
// function), kills it if it has not within stopGrace, and waits for it. A
// process that has exited already is not an error.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // fails only if it has exited already
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// waitListening waits until addr accepts TCP connections, the process
// exits, or ctx is done.
func (p *process) waitListening(ctx context.Context, addr string) error {
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before listening on %s: %s", p.cmd.Path, addr, p.out)
		case <-ctx.Done():
			return fmt.Errorf("%s did not listen on %s: %w", p.cmd.Path, addr, context.Cause(ctx))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago; the small race with other processes is acceptable for tests.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// output keeps the first maxOutput bytes written to it, safe for the
// concurrent writes of a process's stdout and stderr.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
	tee io.Writer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if room := maxOutput - o.buf.Len(); room > 0 {
		o.buf.Write(p[:min(room, len(p))])
	}
	if o.tee != nil {
		// A failing tee (a closed terminal) must not stop the process.
		_, _ = o.tee.Write(p)
	}
	return len(p), nil
}

// String returns what was kept.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
