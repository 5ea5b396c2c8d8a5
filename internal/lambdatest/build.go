package lambdatest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Function is one of the bridge's Lambda functions.
type Function struct {
	// Name is the prefix of its logical id in template.yaml ("Users" for
	// UsersFunction), as `make invoke FN=…` takes it.
	Name string
	// Package is its main package, relative to the module root.
	Package string
	// NeedsTable says whether it reads the directory (TABLE_NAME).
	NeedsTable bool
}

// LogicalID returns the function's logical id in template.yaml.
func (f Function) LogicalID() string { return f.Name + "Function" }

// Functions are the functions that serve HTTP API events.
var Functions = []Function{
	{Name: "Users", Package: "./functions/users", NeedsTable: true},
	{Name: "Groups", Package: "./functions/groups", NeedsTable: true},
	{Name: "Discovery", Package: "./functions/discovery"},
}

// Scheduled are the functions EventBridge invokes on a schedule; they
// answer with JSON of their own rather than an HTTP response.
var Scheduled = []Function{
	{Name: "Reconciler", Package: "./functions/reconciler", NeedsTable: true},
}

// Streams are the functions the table's stream invokes, with DynamoDB
// stream events; they answer with a partial batch response.
var Streams = []Function{
	{Name: "Events", Package: "./functions/events"},
}

// FunctionNamed returns the function, of Functions, Scheduled or Streams,
// whose Name or LogicalID is name.
func FunctionNamed(name string) (Function, bool) {
	for _, f := range slices.Concat(Functions, Scheduled, Streams) {
		if f.Name == name || f.LogicalID() == name {
			return f, true
		}
	}
	return Function{}, false
}

// lambdaFlags are the go build flags of every bootstrap, as the Makefile's
// build-XFunction targets use them: no RPC mode (provided.* runtimes),
// reproducible paths and a stripped binary.
var lambdaFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w"}

// Build compiles the bootstraps of fns for the host (which the emulator
// runs natively) into dir, with lambdaFlags and CGO_ENABLED=0, in one go
// build so that they share its work. It returns each bootstrap's path by
// function Name. root is the module root.
func Build(ctx context.Context, root, dir string, fns ...Function) (map[string]string, error) {
	paths := make(map[string]string, len(fns))
	args := append([]string{"build"}, lambdaFlags...)
	args = append(args, "-o", dir+string(filepath.Separator))
	for _, f := range fns {
		args = append(args, f.Package)
		// go build -o dir/ names each binary after its package's last
		// path element.
		paths[f.Name] = filepath.Join(dir, filepath.Base(f.Package))
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build bootstraps: go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return paths, nil
}

// ModuleRoot returns the directory holding go.mod, looking up from the
// working directory: the module root from a test or from `go run`.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find the module root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// goEnv returns the value of a go env variable.
func goEnv(ctx context.Context, name string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return string(bytes.TrimSpace(out)), nil
}
