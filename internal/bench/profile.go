package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Profile is where the server's CPU time went during a load run, read
// from a CPU profile of `scimbridge serve` (its --cpuprofile flag).
type Profile struct {
	Concurrency, Requests int
	// Total is the CPU time the profile sampled; Shares divide it.
	Total  time.Duration
	Shares []Share
	// Top is `go tool pprof -top`'s table of the functions that used the
	// most CPU themselves.
	Top string
}

// Share is the CPU time of one part of the request path.
type Share struct {
	What string
	CPU  time.Duration
}

// parts are the parts of the request path a sample is counted to: the
// first whose test holds for any function on the sample's stack, so that
// a sample is counted where it was spent (an fsync in Pebble in the log's
// sync, a write of the handler's in the access log before the handler)
// and the Go runtime gets what no other part claims.
var parts = []struct {
	what string
	in   func(fn string) bool
}{
	{"fsync of the write-ahead log", func(fn string) bool {
		return strings.Contains(fn, "datasync") || strings.Contains(fn, "Fsync") || strings.HasSuffix(fn, ").Sync")
	}},
	{"Pebble: applying batches, reads, flushes, compactions", prefixed("github.com/cockroachdb/pebble")},
	{"access log (log/slog, one JSON line per request)", prefixed("log/slog")},
	{"the handler, the service and the store (JSON, SCIM, keys)", prefixed("github.com/scim-bridge/")},
	{"net/http and the loopback TCP stack", func(fn string) bool {
		return strings.HasPrefix(fn, "net/") || strings.HasPrefix(fn, "net.") || strings.HasPrefix(fn, "internal/poll") || strings.HasPrefix(fn, "bufio.")
	}},
	{"garbage collector", func(fn string) bool {
		return strings.HasPrefix(fn, "runtime.gcBgMarkWorker") || strings.HasPrefix(fn, "runtime.bgsweep") || strings.HasPrefix(fn, "runtime.bgscavenge")
	}},
	{"Go scheduler, timers, idle wake-ups", func(string) bool { return true }},
}

func prefixed(p string) func(string) bool {
	return func(fn string) bool { return strings.HasPrefix(fn, p) }
}

// ReadProfile reads the CPU profile at path, of binary, with `go tool
// pprof`, into the parts of the request path.
func ReadProfile(ctx context.Context, binary, path string) (Profile, error) {
	var p Profile
	traces, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-traces", binary, path).Output()
	if err != nil {
		return p, fmt.Errorf("read the profile %s: %w", path, err)
	}
	shares := make([]time.Duration, len(parts))
	for _, stack := range splitTraces(traces) {
		for i, part := range parts {
			if hasFunc(stack.funcs, part.in) {
				shares[i] += stack.cpu
				p.Total += stack.cpu
				break
			}
		}
	}
	for i, part := range parts {
		p.Shares = append(p.Shares, Share{part.what, shares[i]})
	}
	top, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=15", binary, path).Output()
	if err != nil {
		return p, fmt.Errorf("read the profile %s: %w", path, err)
	}
	// The table starts at its header; what comes before describes the file.
	if i := bytes.Index(top, []byte("      flat")); i >= 0 {
		top = top[i:]
	}
	p.Top = strings.TrimRight(string(top), "\n")
	return p, nil
}

type trace struct {
	cpu   time.Duration
	funcs []string
}

// splitTraces parses `go tool pprof -traces`: samples separated by dashed
// lines, each a duration before its leaf function, then one caller per
// line.
func splitTraces(b []byte) []trace {
	var out []trace
	var cur *trace
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "-----") {
			cur = nil
			continue
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if cur == nil {
			d, err := time.ParseDuration(f[0])
			if err != nil || len(f) < 2 {
				continue // the header before the first sample
			}
			out = append(out, trace{cpu: d})
			cur = &out[len(out)-1]
			f = f[1:]
		}
		cur.funcs = append(cur.funcs, f[0])
	}
	return out
}

func hasFunc(funcs []string, in func(string) bool) bool {
	for _, fn := range funcs {
		if in(fn) {
			return true
		}
	}
	return false
}
