package bench_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/bench"
)

func TestParseBenchmarksReadsResultLines(t *testing.T) {
	out := `goos: linux
pkg: github.com/scim-bridge/scim-bridge/internal/httpapi
BenchmarkEntra/memory/lookup-2  	  100652	     18946 ns/op	     10752 cpu-ns/op	    1993 B/op	      32 allocs/op
BenchmarkScale/n=1000/get-16   	     200	     23336 ns/op	    3381 B/op	      88 allocs/op
BenchmarkNoMem 	 5 	 10 ns/op
--- FAIL: something
PASS
`
	got, err := bench.ParseBenchmarks(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.Benchmark{
		{Name: "Entra/memory/lookup", N: 100652, NsPerOp: 18946, CPUNsPerOp: 10752, BytesPerOp: 1993, AllocsPerOp: 32},
		{Name: "Scale/n=1000/get", N: 200, NsPerOp: 23336, BytesPerOp: 3381, AllocsPerOp: 88},
		{Name: "NoMem", N: 5, NsPerOp: 10},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseBudgetReadsTheTestsLog(t *testing.T) {
	out := `=== RUN   TestRequestBudgetThroughTheHandler
    dynamo_test.go:127: GET /Users?filter=userName eq (miss)                          1 (budget 2)
    dynamo_test.go:129: PATCH /Groups adding 100 members                              4 (budget 4)
--- PASS: TestRequestBudgetThroughTheHandler (1.20s)
`
	got, err := bench.ParseBudget(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.BudgetLine{{"GET /Users?filter=userName eq (miss)", 1, 2}, {"PATCH /Groups adding 100 members", 4, 4}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestSummarizeTakesNearestRanks(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := bench.Summarize(d)
	want := bench.Summary{N: 100, Median: 50 * time.Millisecond, P95: 95 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := bench.Summarize(nil); got != (bench.Summary{}) {
		t.Errorf("Summarize(nil) = %+v, want zero", got)
	}
}

func TestWriteReportKeepsWhatIsOutsideTheMarkers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	if err := os.WriteFile(path, []byte("# Performance\n\nhand-written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, report := range []string{"first report", "second report"} {
		if err := bench.WriteReport(path, report); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	want := "# Performance\n\nhand-written\n\n" + bench.BeginMarker + "\n\nsecond report\n\n" + bench.EndMarker + "\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMarkdownHasTheSameSectionsWhateverTheFigures checks that the
// report's structure depends only on what was measured.
func TestMarkdownHasTheSameSectionsWhateverTheFigures(t *testing.T) {
	headings := func(md string) []string {
		var out []string
		for line := range strings.Lines(md) {
			if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "|---") {
				out = append(out, strings.TrimSpace(line))
			}
		}
		return out
	}
	r := func(scale float64) *bench.Report {
		var hs, ss []bench.Benchmark
		for _, op := range []string{"lookup", "get", "patch-default", "patch-aadopt"} {
			for _, st := range []string{"embedded", "memory"} {
				hs = append(hs, bench.Benchmark{Name: "Entra/" + st + "/" + op, NsPerOp: 1e4 * scale, CPUNsPerOp: 9e3 * scale, AllocsPerOp: 30})
			}
			for _, n := range []string{"n=1000", "n=10000"} {
				ss = append(ss, bench.Benchmark{Name: "Scale/" + n + "/" + op, NsPerOp: 2e4 * scale, CPUNsPerOp: 1e4 * scale})
			}
		}
		run := bench.LoadRun{Concurrency: 1, Requests: 10, ServerCPU: time.Duration(scale * float64(time.Millisecond)), Wall: time.Second,
			Phases: []bench.PhaseResult{{Name: "create users", Requests: 10, Wall: time.Second}}}
		return &bench.Report{Handler: hs, Scale: ss, Workload: bench.EntraCycle, Load: []bench.LoadRun{run},
			ColdStarts: []bench.ColdStart{{Name: "Users", Size: int64(9e6 * scale)}, {Name: "Hello", Size: 5e6}},
			BudgetNote: "not asked for (-only)."}
	}
	fast, slow := headings(r(1).Markdown()), headings(r(100).Markdown())
	if !reflect.DeepEqual(fast, slow) {
		t.Errorf("the structure changed with the figures:\n%q\n%q", fast, slow)
	}
	if len(fast) < 7 {
		t.Errorf("only %d headings and tables: %q", len(fast), fast)
	}
}
