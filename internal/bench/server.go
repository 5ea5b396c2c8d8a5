package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Server is `scimbridge serve` on the embedded store, running as a child
// process of this one, so that its CPU time and memory are its own.
type Server struct {
	// TenantURL is what Entra would be given, e.g.
	// http://127.0.0.1:41234/scim/v2, and Token its Secret Token.
	TenantURL, Token string
	cmd              *exec.Cmd
	exited           chan error
}

// serverStartTimeout bounds how long the server may take to listen.
const serverStartTimeout = 30 * time.Second

// BuildServer builds the scimbridge command of the module at root into
// dir and returns its path.
func BuildServer(ctx context.Context, root, dir string) (string, error) {
	path := filepath.Join(dir, "scimbridge")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", path, "./cmd/scimbridge")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build scimbridge: %w\n%s", err, out)
	}
	return path, nil
}

// StartServer starts binary (see BuildServer) serving a new embedded store
// in dataDir on a free loopback port, with a random token, and waits until
// it listens. Its access log is discarded, having been written: writing it
// is part of what a request costs. Stop must be called.
func StartServer(ctx context.Context, binary, dataDir string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start scimbridge: find a free port: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{TenantURL: "http://" + addr + "/scim/v2", Token: rand.Text(), exited: make(chan error, 1)}
	s.cmd = exec.Command(binary, "serve", "--addr", addr, "--data", dataDir, "--token", s.Token)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start scimbridge: %w", err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	ctx, cancel := context.WithTimeout(ctx, serverStartTimeout)
	defer cancel()
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			return s, nil
		}
		select {
		case err := <-s.exited:
			return nil, fmt.Errorf("start scimbridge: it exited before listening: %v", err)
		case <-ctx.Done():
			s.Stop()
			return nil, fmt.Errorf("start scimbridge: it did not listen on %s: %w", addr, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// PID returns the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop asks the server to shut down (SIGTERM, which flushes the store) and
// waits for it, killing it after a grace period.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM) // fails only if it has exited
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}
