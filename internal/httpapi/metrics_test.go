package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/emf/emftest"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

func TestMetricsAreValidEMFByRouteAndStatus(t *testing.T) {
	out := &syncBuffer{}
	e := newEnvWith(t, newService(t), httpapi.Config{Metrics: emf.New(out, emf.Namespace, emf.Dimension{Name: "Function", Value: "users"})})
	id := e.createUser("metrics@contoso.com")
	e.mustDo(http.StatusOK, http.MethodPatch, "/scim/v2/Users/"+id, patchOp(`{"op":"Replace","path":"displayName","value":"M"}`, `{"op":"Replace","path":"active","value":false}`))
	e.do(http.MethodGet, "/scim/v2/Users", "", "Authorization", "")
	e.do(http.MethodGet, "/scim/v2/nothing", "")

	lines := bytes.Split(bytes.TrimSpace([]byte(out.String())), []byte("\n"))
	var all []string
	for _, line := range lines {
		if err := emftest.Validate(line); err != nil {
			t.Errorf("%v\n%s", err, line)
		}
		all = append(all, string(line))
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{
		`"Route":"POST /Users","StatusClass":"2xx"`,
		`"Route":"PATCH /Users/{id}","StatusClass":"2xx"`,
		`"PatchOperations":2`,
		`"Route":"GET /Users","StatusClass":"4xx"`,
		`"Unauthorized":1`,
		`"Route":"unknown","StatusClass":"4xx"`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("no metric line holds %s:\n%s", want, joined)
		}
	}
}

// TestWrongTokensAreCountedApart checks that every 401 counts Unauthorized,
// and that a 401 to a request with a token, which is how a wrong Secret
// Token in Entra shows, counts RejectedToken too, in the namespace and by
// the dimension the template's RejectedTokenAlarm reads, and says so in
// the access log.
func TestWrongTokensAreCountedApart(t *testing.T) {
	for _, a := range unauthorized {
		t.Run(a.name, func(t *testing.T) {
			out := &syncBuffer{}
			e := newEnvWith(t, newService(t), httpapi.Config{Metrics: emf.New(out, emf.Namespace, emf.Dimension{Name: "Function", Value: "users"})})
			e.do(http.MethodGet, "/scim/v2/Users", "", "Authorization", a.header)

			counted := authMetrics(t, out)
			want := []string{"ScimBridge/Unauthorized by [[Function]]=users"}
			if a.token {
				want = append(want, "ScimBridge/RejectedToken by [[Function]]=users")
			}
			if !slices.Equal(counted, want) {
				t.Errorf("counted %q, want %q:\n%s", counted, want, out)
			}
			if logged := strings.Contains(e.log.String(), `"rejected_token":true`); logged != a.token {
				t.Errorf("access log says rejected_token: %v, want %v:\n%s", logged, a.token, e.log)
			}
		})
	}
}

// TestUncheckedTokensAreNotCountedAsRejected checks that a token the
// bridge could not check (its TokenSource failed: a 503) is not counted as
// a wrong one, which would page the operator to paste a token that is fine.
func TestUncheckedTokensAreNotCountedAsRejected(t *testing.T) {
	out := &syncBuffer{}
	e := newEnvWith(t, newService(t), httpapi.Config{Tokens: failingTokens{}, Metrics: emf.New(out, emf.Namespace, emf.Dimension{Name: "Function", Value: "users"})})
	if r := e.do(http.MethodGet, "/scim/v2/Users", ""); r.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", r.status)
	}
	if counted := authMetrics(t, out); len(counted) != 0 {
		t.Errorf("counted %q, want nothing:\n%s", counted, out)
	}
	if strings.Contains(e.log.String(), `"rejected_token"`) {
		t.Errorf("access log marks a rejected token:\n%s", e.log)
	}
}

// authMetrics validates the EMF lines in out and returns the 401 metrics
// they count, as "namespace/name by dimensions=function".
func authMetrics(t *testing.T, out *syncBuffer) []string {
	t.Helper()
	var counted []string
	for _, raw := range bytes.Split(bytes.TrimSpace([]byte(out.String())), []byte("\n")) {
		if len(raw) == 0 {
			continue
		}
		if err := emftest.Validate(raw); err != nil {
			t.Errorf("%v\n%s", err, raw)
		}
		var line struct {
			AWS struct {
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name string }
				}
			} `json:"_aws"`
			Function string
		}
		if err := json.Unmarshal(raw, &line); err != nil {
			t.Fatal(err)
		}
		for _, d := range line.AWS.CloudWatchMetrics {
			for _, m := range d.Metrics {
				if m.Name == "Unauthorized" || m.Name == httpapi.RejectedTokenMetric {
					counted = append(counted, fmt.Sprintf("%s/%s by %v=%s", d.Namespace, m.Name, d.Dimensions, line.Function))
				}
			}
		}
	}
	return counted
}
