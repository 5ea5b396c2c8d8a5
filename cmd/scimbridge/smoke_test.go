package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/entra/entratest"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// runMainEnv, set to 1, makes the test binary scimbridge itself, for the
// tests that need serve in a process of its own.
const runMainEnv = "SCIMBRIDGE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	awstest.Main(m)
}

// summary is the last line smoke prints.
var summary = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed\n\z`)

// runSmoke runs `scimbridge smoke` with args and returns what it printed
// and its error.
func runSmoke(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), append([]string{"smoke"}, args...), &out, io.Discard)
	return out.String(), err
}

// requireAllPassed fails t unless smoke succeeded with every check passed.
func requireAllPassed(t *testing.T, out string, err error) {
	t.Helper()
	m := summary.FindStringSubmatch(out)
	if err != nil || m == nil || m[2] != "0" || m[1] == "0" {
		t.Fatalf("smoke: %v\n%s", err, out)
	}
}

// send sends a request with the bearer token and returns the status and
// decoded body.
func send(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	resp, b := mustRequest(t, http.DefaultClient, method, url, token, body)
	var m map[string]any
	_ = json.Unmarshal([]byte(b), &m) // a 204 has no body
	return resp.StatusCode, m
}

// remaining returns the userNames and group names the directory at url
// holds.
func remaining(t *testing.T, url, token string) []string {
	t.Helper()
	var names []string
	for _, ep := range []struct{ path, attr string }{{"/Users?count=100", "userName"}, {"/Groups?count=100&excludedAttributes=members", "displayName"}} {
		status, l := send(t, http.MethodGet, url+ep.path, token, "")
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", ep.path, status)
		}
		resources, _ := l["Resources"].([]any)
		for _, r := range resources {
			names = append(names, r.(map[string]any)[ep.attr].(string))
		}
	}
	return names
}

// TestSmokeAgainstServe runs smoke in both dialects against `scimbridge
// serve` on the embedded store, which holds a user and a group of someone
// else's: every check passes, nothing smoke created remains, and what it
// did not create is untouched.
func TestSmokeAgainstServe(t *testing.T) {
	url, _, stop := startServe(t, "--data", t.TempDir(), "--token", "t0k3n")
	defer stop()
	_, user := send(t, http.MethodPost, url+"/Users", "t0k3n", `{"userName":"someone@contoso.com","active":true}`)
	_, group := send(t, http.MethodPost, url+"/Groups", "t0k3n", `{"displayName":"Someone's group"}`)
	send(t, http.MethodPatch, url+"/Groups/"+group["id"].(string), "t0k3n",
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"`+user["id"].(string)+`"}]}]}`)
	_, userBefore := send(t, http.MethodGet, url+"/Users/"+user["id"].(string), "t0k3n", "")
	_, groupBefore := send(t, http.MethodGet, url+"/Groups/"+group["id"].(string), "t0k3n", "")

	out, err := runSmoke(t, "--url", url, "--token", "t0k3n", "--dialect", "both")
	requireAllPassed(t, out, err)
	if !strings.Contains(out, "?aadOptscim062020") {
		t.Errorf("--dialect both did not speak the flag dialect:\n%s", out)
	}
	if got, want := remaining(t, url, "t0k3n"), []string{"someone@contoso.com", "Someone's group"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after the run the directory holds %q, want only %q", got, want)
	}
	_, userAfter := send(t, http.MethodGet, url+"/Users/"+user["id"].(string), "t0k3n", "")
	_, groupAfter := send(t, http.MethodGet, url+"/Groups/"+group["id"].(string), "t0k3n", "")
	if !jsonEqual(userBefore, userAfter) || !jsonEqual(groupBefore, groupAfter) {
		t.Errorf("smoke changed what it did not create:\nuser  %v\n   -> %v\ngroup %v\n   -> %v", userBefore, userAfter, groupBefore, groupAfter)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestSmokeKeepLeavesWhatItCreated: with --keep the run's users remain,
// named with its run id and the .invalid domain.
func TestSmokeKeepLeavesWhatItCreated(t *testing.T) {
	url, _, stop := startServe(t, "--data", t.TempDir(), "--token", "t0k3n")
	defer stop()
	out, err := runSmoke(t, "--url", url, "--token", "t0k3n", "--dialect", "default", "--keep")
	requireAllPassed(t, out, err)
	names := remaining(t, url, "t0k3n")
	if len(names) == 0 {
		t.Fatal("--keep left nothing")
	}
	named := regexp.MustCompile(`^smoke-[0-9a-f]{8}-default-\w+@scim-bridge\.invalid$`)
	for _, n := range names {
		if !named.MatchString(n) {
			t.Errorf("kept %q, want names smoke-<run id>-default-…@scim-bridge.invalid", n)
		}
	}
}

// TestSmokeAgainstTheLambdaFunctions runs smoke over HTTP against the
// users, groups and discovery functions, built as their mains build them,
// behind an emulated API Gateway, on moto.
func TestSmokeAgainstTheLambdaFunctions(t *testing.T) {
	b := entratest.Start(t)
	srv := httptest.NewServer(b.Gateway)
	defer srv.Close()
	out, err := runSmoke(t, "--url", srv.URL+"/scim/v2", "--token", b.Token)
	requireAllPassed(t, out, err)
	if got := remaining(t, srv.URL+"/scim/v2", b.Token); len(got) != 0 {
		t.Errorf("after the run the directory holds %q, want nothing", got)
	}
}

// TestSmokeAgainstTheFunctionsUnderTheLambdaEmulator runs smoke against the
// functions' bootstraps under aws-lambda-rie, as `sam local` runs them,
// behind the emulated API Gateway.
func TestSmokeAgainstTheFunctionsUnderTheLambdaEmulator(t *testing.T) {
	rie, err := lambdatest.EmulatorPath(t.Context())
	if errors.Is(err, lambdatest.ErrNotInstalled) && os.Getenv(awstest.EnvRequire) != "1" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	root, err := lambdatest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := lambdatest.ReadTemplate(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	table, secret := awstest.Name(t, "smoke"), awstest.Name(t, "token")
	if err := lambdatest.Setup(t.Context(), awstest.Config(t), table, secret); err != nil {
		t.Fatal(err)
	}
	bootstraps, err := lambdatest.Build(t.Context(), root, t.TempDir(), lambdatest.Functions...)
	if err != nil {
		t.Fatal(err)
	}
	functions := map[string]entratest.Function{}
	for _, fn := range lambdatest.Functions {
		e, err := lambdatest.Start(context.Background(), lambdatest.Config{
			Emulator: rie, Bootstrap: bootstraps[fn.Name], Function: fn,
			Endpoint: awstest.Endpoint(t), Table: table, TokenSecret: secret,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			e.Stop()
			if t.Failed() {
				t.Logf("%s under the emulator:\n%s", fn.LogicalID(), e.Output())
			}
		})
		functions[fn.LogicalID()] = entratest.Emulated(e)
	}
	srv := httptest.NewServer(entratest.NewGateway(tmpl, functions))
	defer srv.Close()
	out, err := runSmoke(t, "--url", srv.URL+"/scim/v2", "--token", lambdatest.LocalToken)
	requireAllPassed(t, out, err)
	if got := remaining(t, srv.URL+"/scim/v2", lambdatest.LocalToken); len(got) != 0 {
		t.Errorf("after the run the directory holds %q, want nothing", got)
	}
}

// TestSmokeFailsWhenTheEndpointMisbehaves runs smoke against an endpoint
// that answers Entra's lookups with 404, as some SCIM servers do: the
// checks fail, the summary says so and the command fails (exit 1).
func TestSmokeFailsWhenTheEndpointMisbehaves(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"no such user"}`)
	}))
	defer srv.Close()
	out, err := runSmoke(t, "--url", srv.URL+"/scim/v2", "--token", "t", "--dialect", "flag")
	m := summary.FindStringSubmatch(out)
	if err == nil || m == nil || m[2] == "0" {
		t.Fatalf("got error %v and output\n%s\nwant failed checks and an error", err, out)
	}
	if !strings.Contains(out, "404: no such user") || !strings.Contains(out, "FAIL") {
		t.Errorf("the table does not show the failing answers:\n%s", out)
	}
}

func TestSmokeNeedsAURLAndAToken(t *testing.T) {
	t.Setenv("SCIMBRIDGE_TOKEN", "")
	for _, args := range [][]string{{}, {"--url", "http://x/scim/v2"}, {"--token", "t"}, {"--url", "http://x/scim/v2", "--token", "t", "--dialect", "odd"}} {
		if _, err := runSmoke(t, args...); err == nil {
			t.Errorf("smoke %q succeeded", args)
		}
	}
}
