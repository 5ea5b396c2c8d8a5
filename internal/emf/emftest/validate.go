// Package emftest checks log lines against the CloudWatch Embedded Metric
// Format specification, for tests of the code that writes them.
package emftest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// units are the units the specification allows (CloudWatch's
// MetricDatum units).
var units = []string{
	"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
	"Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
	"Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}

// Validate reports why line is not a valid EMF document, nil if it is: a
// JSON object whose _aws member holds an integer Timestamp and
// CloudWatchMetrics directives, each with a Namespace, dimension sets of
// at most 30 names each referring to string members, and at most 100
// metrics each referring to a numeric member (or an array of at most 100
// numbers) with an allowed unit.
func Validate(line []byte) error {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(line, &root); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	raw, ok := root["_aws"]
	if !ok {
		return errors.New("no _aws member")
	}
	var meta struct {
		Timestamp         *json.Number
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct{ Name, Unit string }
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&meta); err != nil {
		return fmt.Errorf("_aws: %w", err)
	}
	if meta.Timestamp == nil {
		return errors.New("_aws.Timestamp missing")
	}
	if _, err := meta.Timestamp.Int64(); err != nil {
		return fmt.Errorf("_aws.Timestamp %s is not an integer", *meta.Timestamp)
	}
	if meta.CloudWatchMetrics == nil {
		return errors.New("_aws.CloudWatchMetrics missing")
	}
	for _, d := range meta.CloudWatchMetrics {
		if n := len(d.Namespace); n == 0 || n > 255 {
			return fmt.Errorf("namespace %q: want 1 to 255 characters", d.Namespace)
		}
		if d.Dimensions == nil {
			return errors.New("a directive has no Dimensions")
		}
		for _, set := range d.Dimensions {
			if len(set) > 30 {
				return fmt.Errorf("dimension set of %d names, at most 30", len(set))
			}
			for _, name := range set {
				var v string
				if err := json.Unmarshal(root[name], &v); err != nil {
					return fmt.Errorf("dimension %q is not a string member", name)
				}
			}
		}
		if len(d.Metrics) > 100 {
			return fmt.Errorf("%d metrics, at most 100", len(d.Metrics))
		}
		for _, m := range d.Metrics {
			if m.Unit != "" && !slices.Contains(units, m.Unit) {
				return fmt.Errorf("metric %q: unit %q is not allowed", m.Name, m.Unit)
			}
			var v float64
			if json.Unmarshal(root[m.Name], &v) == nil {
				continue
			}
			var vs []float64
			if err := json.Unmarshal(root[m.Name], &vs); err != nil || len(vs) == 0 || len(vs) > 100 {
				return fmt.Errorf("metric %q is not a number or an array of 1 to 100 numbers", m.Name)
			}
		}
	}
	return nil
}
