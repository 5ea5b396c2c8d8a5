// Package bench measures the bridge the way docs/performance.md reports
// it: Go benchmarks of the handler, the DynamoDB request budget, Lambda
// cold starts under aws-lambda-rie, and a load run of `scimbridge serve`
// driven by an Entra-shaped workload. Its command, ./internal/bench/report,
// is what `make bench` runs; it prints one report and writes it into
// docs/performance.md.
//
// Times vary from run to run and with the machine's load; the report says
// which machine, and how loaded, it ran on. Nothing here asserts a time:
// targets are shown, never tested.
package bench
