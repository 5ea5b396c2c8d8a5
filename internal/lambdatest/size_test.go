package lambdatest_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// maxBootstrapBytes is the budget of each bootstrap (issue 4): 12 MB.
const maxBootstrapBytes = 12_000_000

// TestBootstrapsAreSmall builds each function exactly as `sam build` does,
// through the Makefile's build-XFunction target, and checks that the
// bootstrap is a stripped linux/arm64 executable within budget.
func TestBootstrapsAreSmall(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH; the size is checked through the Makefile's targets")
	}
	root := moduleRoot(t)
	dir := t.TempDir()
	// One after the other: concurrent go builds would each compile the
	// shared dependencies on a cold cache, where in turn the first
	// compiles them for the others.
	for _, fn := range slices.Concat(lambdatest.Functions, lambdatest.Streams) {
		t.Run(fn.Name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", "build-"+fn.LogicalID(),
				"ARTIFACTS_DIR="+filepath.Join(dir, fn.Name))
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("make build-%s: %v\n%s", fn.LogicalID(), err, out)
			}
			path := filepath.Join(dir, fn.Name, "bootstrap")
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d bytes (%.1f MB)", fn.LogicalID(), info.Size(), float64(info.Size())/1e6)
			if info.Size() > maxBootstrapBytes {
				t.Errorf("bootstrap is %d bytes, want at most %d", info.Size(), maxBootstrapBytes)
			}
			f, err := elf.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Machine != elf.EM_AARCH64 || f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
				t.Errorf("bootstrap is for %v (%v), want linux/arm64", f.Machine, f.OSABI)
			}
			for _, p := range f.Progs {
				if p.Type == elf.PT_INTERP {
					t.Error("bootstrap is dynamically linked (CGO_ENABLED=0 makes it static)")
				}
			}
			if f.Section(".symtab") != nil {
				t.Error("bootstrap has a symbol table: it is not stripped (-ldflags=-s)")
			}
		})
	}
}
