package awstest_test

import (
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
)

func TestMain(m *testing.M) { awstest.Main(m) }

func TestEndpointAnswers(t *testing.T) {
	resp, err := http.Get(awstest.Endpoint(t) + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("got status %d, want %d", resp.StatusCode, http.StatusOK)
	}
	if again := awstest.Endpoint(t); again != awstest.Endpoint(t) {
		t.Errorf("got endpoints %q and %q, want one emulator per test binary", again, awstest.Endpoint(t))
	}
}

func TestNameIsUniqueAndValidForTablesAndSecrets(t *testing.T) {
	valid := regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`) // DynamoDB's table names, within Secrets Manager's
	seen := map[string]bool{}
	for range 100 {
		name := awstest.Name(t, "scim")
		if !valid.MatchString(name) {
			t.Fatalf("got name %q, not a valid table name", name)
		}
		if seen[name] {
			t.Fatalf("got name %q twice", name)
		}
		seen[name] = true
	}
}

// TestMissingEmulator runs this test binary again with an empty PATH: the
// emulator tests must skip, unless SCIMBRIDGE_REQUIRE_EMULATOR=1 makes them
// fail, so CI can never pass by skipping them.
func TestMissingEmulator(t *testing.T) {
	if os.Getenv("AWSTEST_CHILD") == "1" {
		awstest.Endpoint(t)
		return
	}
	for _, tc := range []struct {
		require string
		want    string
	}{
		{"", "--- SKIP"},
		{"1", "--- FAIL"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingEmulator$", "-test.v")
		cmd.Env = append(os.Environ(), "AWSTEST_CHILD=1", "PATH="+t.TempDir(),
			awstest.EnvEndpoint+"=", awstest.EnvRequire+"="+tc.require)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), `pip install "moto[server]"`) {
			t.Errorf("%s=%q: got output\n%s\nwant %q and how to install moto_server", awstest.EnvRequire, tc.require, out, tc.want)
		}
	}
}
