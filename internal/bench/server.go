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

// Server is a SCIM server the load run drives, `scimbridge serve` on the
// embedded store or the peer, running as a child process of this one, so
// that its CPU time and memory are its own.
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
	return build(ctx, root, dir, "./cmd/scimbridge")
}

// BuildPeer builds the peer (./internal/bench/peer) of the module at root
// into dir and returns its path.
func BuildPeer(ctx context.Context, root, dir string) (string, error) {
	return build(ctx, root, dir, "./internal/bench/peer")
}

func build(ctx context.Context, root, dir, pkg string) (string, error) {
	path := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.CommandContext(ctx, "go", "build", "-o", path, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w\n%s", pkg, err, out)
	}
	return path, nil
}

// StartServer starts binary (see BuildServer) serving a new embedded store
// in dataDir on a free loopback port, with a random token and the flags
// extra, and waits until it listens. Its access log is discarded, having
// been written: writing it is part of what a request costs. Stop must be
// called.
func StartServer(ctx context.Context, binary, dataDir string, extra ...string) (*Server, error) {
	return start(ctx, binary, func(addr, token string) []string {
		return append([]string{"serve", "--addr", addr, "--data", dataDir, "--token", token}, extra...)
	})
}

// StartPeer starts the peer (see BuildPeer) on a free loopback port, with
// a random token, and waits until it listens. Stop must be called.
func StartPeer(ctx context.Context, binary string) (*Server, error) {
	return start(ctx, binary, func(addr, token string) []string {
		return []string{"--addr", addr, "--token", token}
	})
}

// start runs binary with the arguments args gives for a free loopback
// address and a random token, and waits until it listens there.
func start(ctx context.Context, binary string, args func(addr, token string) []string) (*Server, error) {
	name := filepath.Base(binary)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start %s: find a free port: %w", name, err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{TenantURL: "http://" + addr + "/scim/v2", Token: rand.Text(), exited: make(chan error, 1)}
	s.cmd = exec.Command(binary, args(addr, s.Token)...)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
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
			return nil, fmt.Errorf("start %s: it exited before listening: %v", name, err)
		case <-ctx.Done():
			s.Stop()
			return nil, fmt.Errorf("start %s: it did not listen on %s: %w", name, addr, ctx.Err())
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
