package bench

import (
	"context"
	"fmt"
	"os"
	"time"
)

// LoadRun is a workload's run at one concurrency on a fresh server.
type LoadRun struct {
	Concurrency int
	Phases      []PhaseResult
	// Requests, Errors, Wall and ServerCPU are the totals of the phases.
	Requests, Errors int
	Wall, ServerCPU  time.Duration
	// ServerPeakRSS is the largest of the phases' peaks.
	ServerPeakRSS int64
}

// PerCPUSecond returns the run's requests per second of server CPU time:
// the load run's headline figure.
func (r LoadRun) PerCPUSecond() float64 {
	if r.ServerCPU <= 0 {
		return 0
	}
	return float64(r.Requests) / r.ServerCPU.Seconds()
}

// RunLoad starts binary (scimbridge, see BuildServer) on a new embedded
// store in a directory under dir, runs w's phases with conc concurrent
// clients, and stops the server. progress, if not nil, gets each phase's
// result as it ends.
func RunLoad(ctx context.Context, binary, dir string, w Workload, conc int, progress func(PhaseResult)) (LoadRun, error) {
	run := LoadRun{Concurrency: conc}
	data, err := os.MkdirTemp(dir, fmt.Sprintf("load-c%d-", conc))
	if err != nil {
		return run, fmt.Errorf("load run: %w", err)
	}
	srv, err := StartServer(ctx, binary, data)
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
