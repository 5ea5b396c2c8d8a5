package bench

import (
	"fmt"
	"strings"
	"time"
)

// target is one line of the targets table.
type target struct {
	what, measured string
	met            bool
}

// writeTargets writes the table of issues 7's and 13's targets with what this run
// measured. A target whose section was not measured is left out, and the
// section says why.
func (r *Report) writeTargets(b *strings.Builder) {
	var ts []target
	if r.HandlerNote == "" {
		for _, op := range []string{"lookup", "get"} {
			x, _ := find(r.Handler, "Entra/memory/"+op)
			ts = append(ts, target{
				fmt.Sprintf("handler cost without storage ≤ %d µs and ≤ %d allocations: %s", maxReadMicros, maxReadAllocs, opLabel(op)),
				fmt.Sprintf("%s CPU µs (%s wall), %.0f allocations", micros(x.CPUNsPerOp), micros(x.NsPerOp), x.AllocsPerOp),
				x.CPUNsPerOp <= maxReadMicros*1e3 && x.AllocsPerOp <= maxReadAllocs,
			})
		}
		for _, op := range []string{"patch-default", "patch-aadopt"} {
			x, _ := find(r.Handler, "Entra/memory/"+op)
			ts = append(ts, target{fmt.Sprintf("handler cost without storage ≤ %d µs: %s", maxPatchMicros, opLabel(op)),
				fmt.Sprintf("%s CPU µs (%s wall)", micros(x.CPUNsPerOp), micros(x.NsPerOp)), x.CPUNsPerOp <= maxPatchMicros*1e3})
		}
	}
	if r.ColdStartNote == "" {
		hello, _ := r.hello()
		for _, c := range r.ColdStarts {
			if c.Name == Hello.Name {
				continue
			}
			q := ratio(c.Init.Median, hello.Init.Median)
			ts = append(ts,
				target{fmt.Sprintf("%s init ≤ %.1f× hello-world's (medians)", c.Name, maxInitRatio),
					fmt.Sprintf("%s ms vs %s ms: %.2f×", millis(c.Init.Median), millis(hello.Init.Median), q), q <= maxInitRatio},
				target{fmt.Sprintf("%s bootstrap ≤ 10 MB", c.Name), megabytes(c.Size) + " MB", c.Size <= maxBootstrapSize},
				target{fmt.Sprintf("%s peak RSS < 40 MB", c.Name), fmt.Sprintf("%s MB after %d requests", megabytes(c.PeakRSS), c.Requests), c.PeakRSS < maxPeakRSS},
			)
		}
	}
	if r.LoadNote == "" {
		var requests, errs int
		var cpu time.Duration
		var each []string
		for _, run := range r.Load {
			errs += run.Errors
			if run.Target != TargetBridge {
				continue
			}
			requests, cpu = requests+run.Requests, cpu+run.ServerCPU
			each = append(each, fmt.Sprintf("concurrency %d: %.0f", run.Concurrency, run.PerCPUSecond()))
		}
		perCPU := float64(requests) / cpu.Seconds()
		ts = append(ts,
			target{"load run without errors (scimbridge and the peer)", fmt.Sprintf("%d errors", errs), errs == 0},
			target{fmt.Sprintf("load run ≥ %d requests per server CPU-second, overall", minPerCPUSecond),
				fmt.Sprintf("**%.0f** (%s)", perCPU, strings.Join(each, "; ")), perCPU >= minPerCPUSecond},
		)
		for _, conc := range []int{1, 8} {
			ours, peer, ok := r.loadPair(conc)
			if !ok {
				continue
			}
			q := ours.PerCPUSecond() / peer.PerCPUSecond()
			ts = append(ts, target{fmt.Sprintf("load run at concurrency %d: ≥ %.1f× the peer's requests per server CPU-second", conc, minPeerRatio[conc]),
				fmt.Sprintf("**%.2f×** (%.0f against %.0f)", q, ours.PerCPUSecond(), peer.PerCPUSecond()), q >= minPeerRatio[conc]})
			if conc == 8 {
				o, p := ours.WriteLatency().Median, peer.WriteLatency().Median
				ts = append(ts, target{"load run at concurrency 8: write p50 no worse than the peer's",
					fmt.Sprintf("%s ms against %s ms", millis(o), millis(p)), o <= p})
			}
			ts = append(ts, target{fmt.Sprintf("load run at concurrency %d: peak RSS of `scimbridge serve` < 64 MB", conc),
				megabytes(ours.ServerPeakRSS) + " MB", ours.ServerPeakRSS < maxServePeakRSS})
		}
	}
	if r.ScaleNote == "" && r.HandlerNote == "" {
		sizes := r.scaleSizes()
		last := sizes[len(sizes)-1]
		worst, worstOp := 0.0, ""
		for _, op := range ops(r.Scale) {
			top, _ := find(r.Scale, "Scale/"+last+"/"+op)
			k, _ := find(r.Scale, "Scale/n=1000/"+op)
			if q := top.CPUNsPerOp / k.CPUNsPerOp; q > worst {
				worst, worstOp = q, op
			}
		}
		what := fmt.Sprintf("flat scale curves: %s within %.1f× of n=1000 for every request (CPU time)", last, maxScaleRatio)
		if !r.Full {
			what += " (100,000 needs `BENCH_SCALE=full`)"
		}
		ts = append(ts, target{what, fmt.Sprintf("worst %.2f× (%s)", worst, opLabel(worstOp)), worst <= maxScaleRatio})
	}
	b.WriteString("### Targets\n\n| target | this run | met |\n|---|---|---|\n")
	for _, t := range ts {
		fmt.Fprintf(b, "| %s | %s | %s |\n", t.what, t.measured, yesNo(t.met))
	}
	b.WriteString("\n")
}
