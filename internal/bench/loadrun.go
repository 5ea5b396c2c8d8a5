package bench

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// LoadRun is a workload's run at one concurrency on a fresh server.
type LoadRun struct {
	// Target names the server: TargetBridge or TargetPeer.
	Target      string
	Concurrency int
	Phases      []PhaseResult
	// Requests, Errors, Wall and ServerCPU are the totals of the phases.
	Requests, Errors int
	Wall, ServerCPU  time.Duration
	// ServerPeakRSS is the largest of the phases' peaks.
	ServerPeakRSS int64
	// Tries are the requests per server CPU-second of every run of this
	// target at this concurrency, when the report kept the best of them.
	Tries []float64
}

// PerCPUSecond returns the run's requests per second of server CPU time:
// the load run's headline figure.
func (r LoadRun) PerCPUSecond() float64 {
	if r.ServerCPU <= 0 {
		return 0
	}
	return float64(r.Requests) / r.ServerCPU.Seconds()
}

// The servers a load run drives.
const (
	TargetBridge = "scimbridge"
	TargetPeer   = "peer"
)

// Target is a server a load run starts fresh.
type Target struct {
	// Name is TargetBridge or TargetPeer.
	Name string
	// Start starts the server, keeping its files under dir.
	Start func(ctx context.Context, dir string) (*Server, error)
}

// Bridge returns the target of binary (scimbridge, see BuildServer) on a
// new embedded store, started with the flags extra.
func Bridge(binary string, extra ...string) Target {
	return Target{Name: TargetBridge, Start: func(ctx context.Context, dir string) (*Server, error) {
		data, err := os.MkdirTemp(dir, "load-")
		if err != nil {
			return nil, fmt.Errorf("load run: %w", err)
		}
		return StartServer(ctx, binary, data, extra...)
	}}
}

// Peer returns the target of binary, the peer (see BuildPeer).
func Peer(binary string) Target {
	return Target{Name: TargetPeer, Start: func(ctx context.Context, _ string) (*Server, error) {
		return StartPeer(ctx, binary)
	}}
}

// RunLoad starts t, runs w's phases against it with conc concurrent
// clients, and stops it. progress, if not nil, gets each phase's result as
// it ends.
func RunLoad(ctx context.Context, t Target, dir string, w Workload, conc int, progress func(PhaseResult)) (LoadRun, error) {
	run := LoadRun{Target: t.Name, Concurrency: conc}
	srv, err := t.Start(ctx, dir)
	if err != nil {
		return run, err
	}
	defer srv.Stop()
	phases, err := w.Phases(srv.TenantURL, srv.Token, NewLoadClient(conc))
	if err != nil {
		return run, err
	}
	for _, p := range phases {
		res, err := RunPhase(ctx, p, conc, srv.PID())
		if err != nil {
			return run, fmt.Errorf("load run, %s: %w", p.Name, err)
		}
		if progress != nil {
			progress(res)
		}
		run.Phases = append(run.Phases, res)
		run.Requests += res.Requests
		run.Errors += res.Errors
		run.Wall += res.Wall
		run.ServerCPU += res.ServerCPU
		run.ServerPeakRSS = max(run.ServerPeakRSS, res.ServerPeakRSS)
	}
	return run, nil
}

// WriteLatency summarises the latencies of the run's writes: the requests
// of the phases that create, PATCH or delete.
func (r LoadRun) WriteLatency() Summary {
	var all []time.Duration
	for _, p := range r.Phases {
		if isWrite(p.Name) {
			all = append(all, p.latencies...)
		}
	}
	return Summarize(all)
}

func isWrite(phase string) bool {
	for _, verb := range []string{"create ", "patch ", "add ", "remove ", "delete "} {
		if strings.HasPrefix(phase, verb) {
			return true
		}
	}
	return false
}
