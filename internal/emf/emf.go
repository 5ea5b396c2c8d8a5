// Package emf writes CloudWatch metrics in the Embedded Metric Format: one
// JSON log line per observation, which CloudWatch Logs turns into metrics
// with no API call and no agent (the format's specification:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
// It needs only the standard library, so any layer may count through it.
package emf

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Unit is a CloudWatch metric unit.
type Unit string

// The units the bridge uses.
const (
	Count        Unit = "Count"
	Milliseconds Unit = "Milliseconds"
)

// Namespace is the CloudWatch namespace of the bridge's metrics; the
// template's alarms and dashboard read it.
const Namespace = "ScimBridge"

// Metric is one value of a named metric.
type Metric struct {
	Name  string
	Unit  Unit
	Value float64
}

// Dimension is a dimension's name and value. Values must come from a small
// set (a route pattern, a status), since each combination is a metric.
type Dimension struct {
	Name, Value string
}

// Logger writes EMF lines to one writer, each line whole. A nil *Logger
// writes nothing, so metrics are optional wherever a Logger is taken.
type Logger struct {
	mu   sync.Mutex
	w    io.Writer
	ns   string
	base []Dimension
	now  func() time.Time
}

// New returns a Logger writing to w under namespace, with base added to the
// dimensions of every metric (such as the function's name).
func New(w io.Writer, namespace string, base ...Dimension) *Logger {
	return &Logger{w: w, ns: namespace, base: base, now: time.Now}
}

// Put writes one line recording metrics, all with the dimensions dims
// besides the Logger's own. A write error is dropped: a metric is never
// worth failing the request it counts.
func (l *Logger) Put(dims []Dimension, metrics ...Metric) {
	if l == nil || len(metrics) == 0 {
		return
	}
	all := append(append(make([]Dimension, 0, len(l.base)+len(dims)), l.base...), dims...)
	line := make(map[string]any, len(all)+len(metrics)+1)
	names := make([]string, 0, len(all))
	for _, d := range all {
		line[d.Name] = d.Value
		names = append(names, d.Name)
	}
	defs := make([]metricDef, len(metrics))
	for i, m := range metrics {
		line[m.Name] = m.Value
		defs[i] = metricDef{Name: m.Name, Unit: m.Unit}
	}
	line["_aws"] = metadata{
		Timestamp:         l.now().UnixMilli(),
		CloudWatchMetrics: []directive{{Namespace: l.ns, Dimensions: [][]string{names}, Metrics: defs}},
	}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(b)
}

// Count records one occurrence of name.
func (l *Logger) Count(name string, dims ...Dimension) {
	l.Put(dims, Metric{Name: name, Unit: Count, Value: 1})
}

// metadata is the _aws member of an EMF line.
type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// directive is a MetricDirective: which root members are metrics, and
// which are their dimensions.
type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

type metricDef struct {
	Name string `json:"Name"`
	Unit Unit   `json:"Unit,omitempty"`
}
