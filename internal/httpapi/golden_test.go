package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite the recorded responses of testdata/entra/*.json")

// flow is one recorded Entra provisioning flow, replayed step by step
// through the full handler on a fresh store.
type flow struct {
	Name  string `json:"name"`
	Steps []step `json:"steps"`
}

// step is one request and its expected answer. Paths and requests may name
// resources created earlier in the flow as {{user1}}, {{group1}}… (in order
// of creation); recorded responses name them the same way, and show every
// timestamp as {{time}}. Status is written by hand and never rewritten;
// -update rewrites only responses.
type step struct {
	Note     string          `json:"note,omitempty"`
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Request  json.RawMessage `json:"request"`
	Status   int             `json:"status"`
	Response json.RawMessage `json:"response"`
}

// TestEntraFlows replays the flows of testdata/entra: what Microsoft Entra
// ID sends, in both PATCH dialects (docs/entra.md §2–§4).
func TestEntraFlows(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "entra", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no flows in testdata/entra: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			replay(t, file, newEmbeddedStore)
		})
	}
}

// replay plays one flow file against a handler over a fresh store from
// newStore, comparing every answer with the recorded one.
func replay(t *testing.T, file string, newStore func(testing.TB) directory.Store) {
	replayOn(t, file, newEnvWith(t, newServiceOn(newStore(t)), httpapi.Config{}))
}

// replayOn plays one flow file through e, whose directory must be empty.
func replayOn(t *testing.T, file string, e *env) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f flow
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	ids := newIDNames()
	for i := range f.Steps {
		s := &f.Steps[i]
		where := fmt.Sprintf("step %d (%s %s)", i+1, s.Method, s.Path)
		body := ""
		if len(s.Request) > 0 && string(s.Request) != "null" {
			body = ids.expand(string(s.Request))
		}
		res := e.do(s.Method, ids.expand(s.Path), body)
		if res.status != s.Status {
			t.Errorf("%s: status %d, want %d\n%s", where, res.status, s.Status, res.raw)
		}
		checkHeaders(t, where, res)
		ids.learn(res)
		got := ids.normalize(res.body)
		if *update {
			s.Response = got
			continue
		}
		if !sameJSON(got, s.Response) {
			t.Errorf("%s: response differs\n got: %s\nwant: %s", where, got, compact(s.Response))
		}
	}
	if *update {
		if err := os.WriteFile(file, encodeFlow(t, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkHeaders checks what every answer must carry: the SCIM content type
// on a body, a Location equal to meta.location on a 201, and an ETag equal
// to meta.version and a Content-Location equal to meta.location (RFC 7643
// §3.1) on a resource.
func checkHeaders(t *testing.T, where string, res response) {
	t.Helper()
	if len(res.raw) > 0 && res.header.Get("Content-Type") != "application/scim+json" {
		t.Errorf("%s: Content-Type %q", where, res.header.Get("Content-Type"))
	}
	version, isResource := lookup(res.body, "meta.version").(string)
	if res.status == http.StatusCreated && res.header.Get("Location") != lookup(res.body, "meta.location") {
		t.Errorf("%s: Location %q, meta.location %v", where, res.header.Get("Location"), lookup(res.body, "meta.location"))
	}
	if isResource && res.header.Get("ETag") != version {
		t.Errorf("%s: ETag %q, meta.version %q", where, res.header.Get("ETag"), version)
	}
	if location, ok := lookup(res.body, "meta.location").(string); isResource && ok && res.header.Get("Content-Location") != location {
		t.Errorf("%s: Content-Location %q, meta.location %q", where, res.header.Get("Content-Location"), location)
	}
}

// idNames names the ids a flow's creates return, so that recorded flows do
// not depend on them.
type idNames struct {
	names  map[string]string // id -> placeholder
	ids    map[string]string // placeholder -> id
	counts map[string]int
}

func newIDNames() *idNames {
	return &idNames{names: map[string]string{}, ids: map[string]string{}, counts: map[string]int{}}
}

// learn names the id of a created resource.
func (n *idNames) learn(res response) {
	id, _ := res.body["id"].(string)
	kind, _ := lookup(res.body, "meta.resourceType").(string)
	if res.status != http.StatusCreated || id == "" || n.names[id] != "" {
		return
	}
	kind = strings.ToLower(kind)
	n.counts[kind]++
	name := fmt.Sprintf("{{%s%d}}", kind, n.counts[kind])
	n.names[id], n.ids[name] = name, id
}

// expand replaces placeholders with ids.
func (n *idNames) expand(s string) string {
	for name, id := range n.ids {
		s = strings.ReplaceAll(s, name, id)
	}
	return s
}

var rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)

// normalize returns v as JSON with ids replaced by their names and
// timestamps by {{time}}; nil for no body.
func (n *idNames) normalize(v map[string]any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	// Longest ids first, so that no id is replaced inside a longer one.
	ids := make([]string, 0, len(n.names))
	for id := range n.names {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return len(ids[i]) > len(ids[j]) })
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		case string:
			if rfc3339.MatchString(x) {
				if _, err := time.Parse(time.RFC3339, x); err == nil {
					return "{{time}}"
				}
			}
			for _, id := range ids {
				x = strings.ReplaceAll(x, id, n.names[id])
			}
			return x
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	if err != nil {
		panic(err)
	}
	return b
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func compact(b json.RawMessage) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return string(b)
	}
	return buf.String()
}

// encodeFlow renders a flow as the golden files keep it: indented, with
// URLs and quotes unescaped.
func encodeFlow(t *testing.T, f flow) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
