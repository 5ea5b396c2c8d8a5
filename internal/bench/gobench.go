package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Benchmark is one result line of `go test -bench -benchmem`.
type Benchmark struct {
	// Name is the benchmark's name without "Benchmark" and the
	// -GOMAXPROCS suffix, its sub-benchmarks separated by "/", as in
	// "Entra/memory/lookup".
	Name                             string
	N                                int
	NsPerOp, BytesPerOp, AllocsPerOp float64
	// CPUNsPerOp is the custom metric cpu-ns/op: the CPU time the
	// benchmark process used per operation, or 0 if not reported.
	CPUNsPerOp float64
}

// Part returns the i-th element of the name's "/"-separated parts, or "".
func (b Benchmark) Part(i int) string {
	parts := strings.Split(b.Name, "/")
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// ParseBenchmarks reads the output of `go test -bench`, keeping its result
// lines and ignoring the rest.
func ParseBenchmarks(r io.Reader) ([]Benchmark, error) {
	var out []Benchmark
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || f[3] != "ns/op" {
			continue
		}
		b := Benchmark{Name: strings.TrimPrefix(f[0], "Benchmark")}
		if i := strings.LastIndexByte(b.Name, '-'); i > 0 {
			if _, err := strconv.Atoi(b.Name[i+1:]); err == nil {
				b.Name = b.Name[:i]
			}
		}
		var err error
		if b.N, err = strconv.Atoi(f[1]); err != nil {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				b.NsPerOp = v
			case "B/op":
				b.BytesPerOp = v
			case "allocs/op":
				b.AllocsPerOp = v
			case "cpu-ns/op":
				b.CPUNsPerOp = v
			}
		}
		out = append(out, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	return out, nil
}

// RunBenchmarks runs the benchmarks of pkg matching pattern in the module
// at root, with allocation counts, for benchtime each, and returns their
// results. env is added to the environment. The output is copied to log
// as it comes.
func RunBenchmarks(ctx context.Context, root, pkg, pattern, benchtime string, env []string, log io.Writer) ([]Benchmark, error) {
	// The 100,000-user scale case takes longer than go test's default
	// ten minutes to seed and run.
	args := []string{"test", "-run", "^$", "-bench", pattern, "-benchmem", "-benchtime", benchtime, "-count", "1", "-timeout", "60m", pkg}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	var out strings.Builder
	cmd.Stdout = io.MultiWriter(&out, log)
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return ParseBenchmarks(strings.NewReader(out.String()))
}
