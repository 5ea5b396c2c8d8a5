package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// moduleRoot returns the module's root directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := lambdatest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// docker runs the docker client and returns its standard output,
// trimmed; it fails the test when the command fails.
func docker(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// TestContainerImage builds the Dockerfile and runs the image as the
// README does: it becomes healthy through its HEALTHCHECK (scimbridge
// healthcheck, as distroless has no curl), prints the Secret Token once,
// answers the walk-through, keeps the token in its volume across a
// restart, runs as the unprivileged user, and on its own refuses plain
// HTTP, saying what to add. It needs a Docker engine, and is skipped with
// a message when none answers.
func TestContainerImage(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker client on PATH: the image is not built")
	}
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		t.Skipf("no Docker engine answers (docker info: %v: %s): the image is not built", err, strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0])
	}
	if testing.Short() {
		t.Skip("building the image takes minutes: not in -short mode")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	var b [4]byte
	rand.Read(b[:])
	name := "scimbridge-test-" + hex.EncodeToString(b[:])
	docker(t, ctx, "build", "-t", name, moduleRoot(t))
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", name).Run() })
	t.Cleanup(func() { exec.Command("docker", "volume", "rm", "-f", name).Run() })

	if user := docker(t, ctx, "image", "inspect", "--format", "{{.Config.User}}", name); user != "65532:65532" {
		t.Errorf("the image runs as %q, want the unprivileged 65532:65532", user)
	}
	out, err := exec.CommandContext(ctx, "docker", "run", "--rm", name).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "refusing to serve plain HTTP") {
		t.Errorf("the image on its own: %v\n%s\nwant the refusal of plain HTTP", err, out)
	}

	// The README's first run, with health checks every second.
	id := docker(t, ctx, "run", "-d", "--health-interval", "1s", "-p", "127.0.0.1::8443", "-v", name+":/data",
		name, "serve", "--insecure-http")
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := exec.Command("docker", "logs", id).CombinedOutput()
			t.Logf("container logs:\n%s", logs)
		}
		exec.Command("docker", "rm", "-f", id).Run()
	})
	waitHealthy(t, ctx, id)
	addr := docker(t, ctx, "port", id, "8443/tcp")
	m := regexp.MustCompile(`Secret Token: ([0-9a-f]{64})\n`).FindStringSubmatch(docker(t, ctx, "logs", id) + "\n")
	if m == nil {
		t.Fatal("the first start printed no Secret Token")
	}
	token := m[1]
	resp, body := get(t, "http://"+addr+"/scim/v2"+lookup, token)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"totalResults":0`) {
		t.Fatalf("the walk-through: %d %s", resp.StatusCode, body)
	}

	docker(t, ctx, "restart", id)
	waitHealthy(t, ctx, id)
	if logs := docker(t, ctx, "logs", id); strings.Count(logs, token) != 1 {
		t.Errorf("the token was printed %d times over two starts, want once", strings.Count(logs, token))
	}
	addr = docker(t, ctx, "port", id, "8443/tcp")
	if resp, _ := get(t, "http://"+addr+"/scim/v2"+lookup, token); resp.StatusCode != http.StatusOK {
		t.Errorf("after a restart the kept token got %d", resp.StatusCode)
	}
}

// waitHealthy waits until the container's HEALTHCHECK reports it healthy.
func waitHealthy(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	for {
		status := docker(t, ctx, "inspect", "--format", "{{.State.Health.Status}}", id)
		if status == "healthy" {
			return
		}
		if status == "unhealthy" || ctx.Err() != nil {
			t.Fatalf("the container is %s", status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestSystemdUnitParses checks docs/scimbridge.service with systemd's own
// parser, failing on any key or value it does not understand, when
// systemd-analyze is installed.
func TestSystemdUnitParses(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit is not checked")
	}
	unit, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "scimbridge.service"))
	if err != nil {
		t.Fatal(err)
	}
	// verify also wants ExecStart's program to exist.
	const program = "/usr/local/bin/scimbridge"
	if !bytes.Contains(unit, []byte("ExecStart="+program+" serve")) {
		t.Fatalf("the unit does not run %s serve", program)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "scimbridge.service")
	if err := os.WriteFile(path, bytes.Replace(unit, []byte("ExecStart="+program), []byte("ExecStart="+self), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	// verify exits 0 after ignoring a key it does not know: its
	// complaints name the file.
	if err != nil || bytes.Contains(out, []byte(filepath.Base(path))) {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
