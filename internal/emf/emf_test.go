package emf_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/emf/emftest"
)

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

func TestLinesAreValidEMF(t *testing.T) {
	var buf bytes.Buffer
	l := emf.New(&buf, emf.Namespace, emf.Dimension{Name: "Function", Value: "users"})
	l.Count("Unauthorized")
	l.Put([]emf.Dimension{{Name: "Route", Value: "/Users/{id}"}, {Name: "Status", Value: "200"}},
		emf.Metric{Name: "Requests", Unit: emf.Count, Value: 1},
		emf.Metric{Name: "Latency", Unit: emf.Milliseconds, Value: 12.5})
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	for _, line := range lines {
		if err := emftest.Validate([]byte(line)); err != nil {
			t.Errorf("%v\n%s", err, line)
		}
	}
	if !strings.Contains(lines[1], `"Dimensions":[["Function","Route","Status"]]`) {
		t.Errorf("dimensions not the base then the line's own:\n%s", lines[1])
	}
}

func TestValidateRejectsBrokenDocuments(t *testing.T) {
	for name, line := range map[string]string{
		"not JSON":          `metrics`,
		"no _aws":           `{"Requests":1}`,
		"no timestamp":      `{"_aws":{"CloudWatchMetrics":[]},"Requests":1}`,
		"metric not number": `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"Requests"}]}]},"Requests":"1"}`,
		"missing dimension": `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["Route"]],"Metrics":[{"Name":"R"}]}]},"R":1}`,
		"bad unit":          `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"R","Unit":"Things"}]}]},"R":1}`,
		"empty namespace":   `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"","Dimensions":[[]],"Metrics":[{"Name":"R"}]}]},"R":1}`,
	} {
		if emftest.Validate([]byte(line)) == nil {
			t.Errorf("%s: accepted %s", name, line)
		}
	}
}

func TestNilLoggerAndFailedWritesAreHarmless(t *testing.T) {
	var l *emf.Logger
	l.Count("Requests")
	emf.New(errWriter{}, emf.Namespace).Count("Requests")
}
