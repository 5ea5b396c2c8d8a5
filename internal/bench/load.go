package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Phase is one step of a load run: N operations of one kind, each one
// HTTP request, which Op(ctx, i) sends for i in [0, N).
type Phase struct {
	Name string
	N    int
	Op   func(ctx context.Context, i int) error
}

// PhaseResult is what a phase measured.
type PhaseResult struct {
	Name        string
	Concurrency int
	Requests    int
	Errors      int
	// FirstError describes the first failed operation, if any.
	FirstError string
	Wall       time.Duration
	// Latency is that of the operations, measured by the client, and
	// latencies each one.
	Latency   Summary
	latencies []time.Duration
	// ServerCPU is the CPU time the server used during the phase, and
	// ServerPeakRSS its peak resident memory during it.
	ServerCPU     time.Duration
	ServerPeakRSS int64
}

// Throughput returns the phase's requests per second.
func (r PhaseResult) Throughput() float64 { return float64(r.Requests) / r.Wall.Seconds() }

// PerCPUSecond returns the phase's requests per second of server CPU time.
func (r PhaseResult) PerCPUSecond() float64 {
	if r.ServerCPU <= 0 {
		return 0
	}
	return float64(r.Requests) / r.ServerCPU.Seconds()
}

// RunPhase runs p's operations on conc workers, each taking the next
// operation as it finishes one, against the server process pid, whose CPU
// time and peak memory it reads before and after.
func RunPhase(ctx context.Context, p Phase, conc, pid int) (PhaseResult, error) {
	res := PhaseResult{Name: p.Name, Concurrency: conc, Requests: p.N}
	if err := ResetPeakRSS(pid); err != nil {
		return res, err
	}
	cpu0, err := ProcessCPU(pid)
	if err != nil {
		return res, err
	}
	var (
		next      atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, p.N)
		wg        sync.WaitGroup
	)
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < p.N; i = int(next.Add(1) - 1) {
				t := time.Now()
				err := p.Op(ctx, i)
				d := time.Since(t)
				mu.Lock()
				latencies = append(latencies, d)
				if err != nil {
					res.Errors++
					if res.FirstError == "" {
						res.FirstError = fmt.Sprintf("%s #%d: %v", p.Name, i, err)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Wall = time.Since(start)
	res.Latency, res.latencies = Summarize(latencies), latencies
	cpu1, err := ProcessCPU(pid)
	if err != nil {
		return res, err
	}
	res.ServerCPU = cpu1 - cpu0
	res.ServerPeakRSS, err = PeakRSS(pid)
	return res, err
}
