package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc/<pid>/stat's times: USER_HZ, 100 on
// every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// ProcessCPU returns the CPU time, user and system, that process pid and
// all its threads have used, from /proc/<pid>/stat (utime + stime), to
// the 10 ms of a clock tick.
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read the CPU time of %d: %w", pid, err)
	}
	// The command name, in parentheses, may hold spaces: count from the
	// last ')'. utime and stime are fields 14 and 15 of stat(5), the
	// 12th and 13th after it.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0, fmt.Errorf("read the CPU time of %d: unexpected /proc/%d/stat", pid, pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("read the CPU time of %d: %w", pid, err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// PeakRSS returns the peak resident set size of process pid in bytes:
// VmHWM of /proc/<pid>/status, since its start or since ResetPeakRSS.
func PeakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read the peak RSS of %d: %w", pid, err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read the peak RSS of %d: %w", pid, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("read the peak RSS of %d: no VmHWM in /proc/%d/status", pid, pid)
}

// ResetPeakRSS sets the peak resident set size of process pid, which this
// user must own, back to its current RSS (proc(5), clear_refs value 5), so
// that the next PeakRSS covers what happens from now on.
func ResetPeakRSS(pid int) error {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return fmt.Errorf("reset the peak RSS of %d: %w", pid, err)
	}
	return nil
}

// FindProcess returns the id of a running process whose executable is the
// file at path, such as a bootstrap the emulator started.
func FindProcess(path string) (int, error) {
	want, err := filepath.Abs(path)
	if err != nil {
		return 0, fmt.Errorf("find the process of %s: %w", path, err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, fmt.Errorf("find the process of %s: %w", path, err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == want {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("find the process of %s: none is running", path)
}
