package httpapi_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// interopFlows returns the flows of testdata/interop: what clients other
// than Entra's happy path send (issue 11), replayed like Entra's flows.
func interopFlows(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "interop", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no flows in testdata/interop: %v", err)
	}
	return files
}

func TestInteropFlows(t *testing.T) {
	for _, file := range interopFlows(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			replay(t, file, newEmbeddedStore)
		})
	}
}

func TestInteropFlowsOnDynamoDB(t *testing.T) {
	for _, file := range interopFlows(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			replay(t, file, func(t testing.TB) directory.Store { s, _ := newDynamoStore(t); return s })
		})
	}
}
