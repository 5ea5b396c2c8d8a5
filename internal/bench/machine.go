package bench

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Machine describes where a report ran, since its times depend on it.
type Machine struct {
	CPU       string
	CPUs      int
	GoVersion string
	Date      time.Time
	// LoadAverage is /proc/loadavg's 1, 5 and 15 minute averages when the
	// report started and ended: other work on the machine slows every
	// figure down.
	LoadAverage, LoadAverageEnd string
}

// ThisMachine describes the machine the report runs on: the CPU model
// from /proc/cpuinfo, the CPUs this process may use (nproc), the Go
// toolchain that builds what is measured, the time and the load.
func ThisMachine(ctx context.Context) Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Date: time.Now().UTC(), LoadAverage: LoadAverage()}
	if out, err := exec.CommandContext(ctx, "go", "version").Output(); err == nil {
		m.GoVersion = strings.TrimPrefix(strings.TrimSpace(string(out)), "go version ")
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// LoadAverage returns the 1, 5 and 15 minute load averages, or "" where
// /proc/loadavg is missing.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
