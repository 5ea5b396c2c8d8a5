package httpapi_test

import (
	"bytes"
	"net/http"
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
