// Command report is `make bench`: it measures the bridge (handler
// benchmarks, the DynamoDB request budget, Lambda cold starts, scale curves
// and a load run), prints one Markdown report and writes it into
// docs/performance.md between its markers.
//
//	go run ./internal/bench/report [-out docs/performance.md] [-only handler,load] [-small]
//
// BENCH_SCALE=full adds the 100,000-user scale case. Progress and the
// tools' output go to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/scim-bridge/scim-bridge/internal/bench"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// sections are the parts of the report, in the order they are measured.
var sections = []string{"handler", "budget", "coldstart", "scale", "load"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	out, only, benchtime string
	starts, requests     int
	loadRuns             int
	small                bool
}

func run(ctx context.Context, args []string, stdout, log io.Writer) error {
	var o options
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(log)
	fs.StringVar(&o.out, "out", "docs/performance.md", "file to write the report into, between its markers (empty: print only)")
	fs.StringVar(&o.only, "only", strings.Join(sections, ","), "sections to measure: "+strings.Join(sections, ", "))
	fs.StringVar(&o.benchtime, "benchtime", "1s", "go test -benchtime of each benchmark")
	fs.IntVar(&o.starts, "starts", 20, "cold starts of each function")
	fs.IntVar(&o.requests, "requests", 1000, "invocations of each function before its peak RSS is read")
	fs.BoolVar(&o.small, "small", false, "a small load run, to check the tooling")
	fs.IntVar(&o.loadRuns, "loadruns", 3, "runs of each server at each concurrency in the load run; the best is kept")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := lambdatest.ModuleRoot()
	if err != nil {
		return err
	}
	scratch, err := os.MkdirTemp("", "scim-bridge-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)

	only := strings.Split(o.only, ",")
	r := &bench.Report{Machine: bench.ThisMachine(ctx), Full: os.Getenv("BENCH_SCALE") == "full", Workload: bench.EntraCycle}
	if o.small {
		r.Workload = bench.Workload{Users: 200, Groups: 4, GroupSize: 100, MemberBatch: 50, RemovesPerGroup: 5}
	}
	step := func(name string, note *string, measure func() error) {
		switch {
		case !slices.Contains(only, name):
			*note = "not asked for (-only)."
		default:
			fmt.Fprintf(log, "== %s (load average %s)\n", name, bench.LoadAverage())
			if err := measure(); err != nil {
				*note = err.Error()
				fmt.Fprintf(log, "== %s failed: %v\n", name, err)
			}
		}
	}
	step("handler", &r.HandlerNote, func() (err error) {
		r.Handler, err = bench.RunBenchmarks(ctx, root, "./internal/httpapi", "^BenchmarkEntra$", o.benchtime, nil, log)
		return err
	})
	step("budget", &r.BudgetNote, func() (err error) {
		r.Budget, err = bench.RunBudget(ctx, root, io.Discard)
		return err
	})
	step("coldstart", &r.ColdStartNote, func() (err error) {
		r.ColdStarts, err = bench.MeasureColdStarts(ctx, bench.ColdStartOptions{Root: root, Dir: scratch, Starts: o.starts, Requests: o.requests, Log: log})
		if errors.Is(err, lambdatest.ErrNotInstalled) {
			return fmt.Errorf("%w (moto_server: pip install \"moto[server]\")", err)
		}
		return err
	})
	step("scale", &r.ScaleNote, func() (err error) {
		if r.HandlerNote != "" {
			return errors.New("the scale curves compare with the handler benchmarks, which did not run")
		}
		r.Scale, err = bench.RunBenchmarks(ctx, root, "./internal/httpapi", "^BenchmarkScale$", o.benchtime, nil, log)
		return err
	})
	step("load", &r.LoadNote, func() error {
		bin, err := bench.BuildServer(ctx, root, scratch)
		if err != nil {
			return err
		}
		peer, err := bench.BuildPeer(ctx, root, scratch)
		if err != nil {
			return err
		}
		// Each target runs o.loadRuns times at each concurrency, the two
		// alternating, and its best run is kept: other work on the
		// machine only ever adds to a server's CPU time.
		targets := []bench.Target{bench.Bridge(bin), bench.Peer(peer)}
		for _, conc := range []int{1, 8} {
			best := make([]bench.LoadRun, len(targets))
			for range o.loadRuns {
				for i, t := range targets {
					run, err := bench.RunLoad(ctx, t, scratch, r.Workload, conc, func(p bench.PhaseResult) {
						fmt.Fprintf(log, "load %s c=%d %-40s %6d requests %4d errors %8.0f req/s %6.2f CPU-s\n",
							t.Name, conc, p.Name, p.Requests, p.Errors, p.Throughput(), p.ServerCPU.Seconds())
					})
					if err != nil {
						return err
					}
					tries := append(best[i].Tries, run.PerCPUSecond())
					if run.PerCPUSecond() > best[i].PerCPUSecond() {
						best[i] = run
					}
					best[i].Tries = tries
				}
			}
			r.Load = append(r.Load, best...)
		}
		// The profiles come from runs of their own: profiling costs CPU
		// that the runs above must not count.
		for _, conc := range []int{1, 8} {
			path := filepath.Join(scratch, fmt.Sprintf("cpu-c%d.pprof", conc))
			run, err := bench.RunLoad(ctx, bench.Bridge(bin, "--cpuprofile", path), scratch, r.Workload, conc, nil)
			if err != nil {
				return err
			}
			p, err := bench.ReadProfile(ctx, bin, path)
			if err != nil {
				return err
			}
			p.Concurrency, p.Requests = conc, run.Requests
			r.Profiles = append(r.Profiles, p)
		}
		return nil
	})
	r.Machine.LoadAverageEnd = bench.LoadAverage()

	report := r.Markdown()
	fmt.Fprint(stdout, report)
	if o.out == "" {
		return nil
	}
	return bench.WriteReport(filepath.Join(root, o.out), report)
}
