package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// BudgetLine is one SCIM operation of the DynamoDB request budget test:
// the requests it cost end to end and its ceiling.
type BudgetLine struct {
	Operation        string
	Requests, Budget int
}

// ErrBudgetSkipped is returned by RunBudget when the budget test skipped
// itself, having no moto_server to run against.
var ErrBudgetSkipped = errors.New("the request budget test was skipped: moto_server is not installed")

// budgetLine matches the test's log lines, as
// "dynamo_test.go:127: GET /Users/{id}   1 (budget 1)".
var budgetLine = regexp.MustCompile(`^\s*\S+\.go:\d+: (.*\S)\s+(\d+) \(budget (\d+)\)\s*$`)

// RunBudget runs TestRequestBudgetThroughTheHandler (internal/httpapi),
// which counts the DynamoDB requests of each operation Entra sends on
// moto_server and fails beyond a ceiling, and returns what it logged.
func RunBudget(ctx context.Context, root string, log io.Writer) ([]BudgetLine, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^TestRequestBudgetThroughTheHandler$", "-count", "1", "-v", "./internal/httpapi")
	cmd.Dir = root
	cmd.Env = os.Environ()
	var out strings.Builder
	cmd.Stdout = io.MultiWriter(&out, log)
	cmd.Stderr = log
	runErr := cmd.Run()
	if strings.Contains(out.String(), "--- SKIP: TestRequestBudgetThroughTheHandler") {
		return nil, ErrBudgetSkipped
	}
	lines, err := ParseBudget(strings.NewReader(out.String()))
	if err := errors.Join(runErr, err); err != nil {
		return lines, fmt.Errorf("request budget test: %w", err)
	}
	return lines, nil
}

// ParseBudget reads the budget test's verbose output.
func ParseBudget(r io.Reader) ([]BudgetLine, error) {
	var out []BudgetLine
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := budgetLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		max, _ := strconv.Atoi(m[3])
		out = append(out, BudgetLine{Operation: m[1], Requests: n, Budget: max})
	}
	return out, sc.Err()
}
