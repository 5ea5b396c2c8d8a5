package patch_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// decoded is an Op in comparable form: path as rendered, value as JSON.
type decoded struct{ op, path, value string }

func TestDecode(t *testing.T) {
	cases := []struct {
		name     string
		body     string
		want     []decoded
		status   int
		scimType string
		detail   string
	}{
		{
			name: "default dialect: Pascal-case ops with paths and string booleans",
			body: body(`{"op":"Replace","path":"active","value":"False"}`,
				`{"op":"Add","path":"emails[type eq \"work\"].value","value":"a@b.c"}`),
			want: []decoded{{"replace", "active", `"False"`}, {"add", `emails[type eq "work"].value`, `"a@b.c"`}},
		},
		{
			name: "aadOptscim062020: lower-case ops, path-less value, booleans",
			body: body(`{"op":"replace","value":{"active":false,"name.givenName":"Al"}}`),
			want: []decoded{{"replace", "", `{"active":false,"name.givenName":"Al"}`}},
		},
		{
			name: "op in upper case",
			body: body(`{"op":"REMOVE","path":"members[value eq \"1\"]"}`),
			want: []decoded{{"remove", `members[value eq "1"]`, "null"}},
		},
		{
			name: "lower-case operations key, no schemas",
			body: `{"operations":[{"op":"add","path":"nickName","value":"Babs"}]}`,
			want: []decoded{{"add", "nickName", `"Babs"`}},
		},
		{
			name: "schemas in another case",
			body: `{"schemas":["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP"],"Operations":[{"op":"add","path":"title","value":"x"}]}`,
			want: []decoded{{"add", "title", `"x"`}},
		},
		{
			name: "empty path is path-less",
			body: body(`{"op":"add","path":"","value":{"title":"x"}}`),
			want: []decoded{{"add", "", `{"title":"x"}`}},
		},
		{
			name: "numbers stay json.Number and null values are kept",
			body: body(`{"op":"add","path":"urn:x:ext:2.0:User:n","value":12345678901234567890}`, `{"op":"replace","path":"title","value":null}`),
			want: []decoded{{"add", "urn:x:ext:2.0:User:n", "12345678901234567890"}, {"replace", "title", "null"}},
		},
		{
			name: "path-less remove with an object value",
			body: body(`{"op":"remove","value":{"members":[{"value":"1"}]}}`),
			want: []decoded{{"remove", "", `{"members":[{"value":"1"}]}`}},
		},
		{
			name: "exactly the operation limit",
			body: body(repeat(`{"op":"add","path":"title","value":"x"}`, patch.MaxOperations)...),
			want: repeatDecoded(decoded{"add", "title", `"x"`}, patch.MaxOperations),
		},
		{
			name: "nested exactly 32 levels",
			body: body(`{"op":"add","path":"urn:x:ext:2.0:User:deep","value":` + nested(29) + `}`),
			want: []decoded{{"add", "urn:x:ext:2.0:User:deep", nested(29)}},
		},
		{name: "malformed JSON", body: `{"Operations":[`, status: 400, scimType: scim.InvalidSyntax},
		{name: "array body", body: `[{"op":"add"}]`, status: 400, scimType: scim.InvalidSyntax},
		{name: "null body", body: `null`, status: 400, scimType: scim.InvalidSyntax},
		{name: "empty body", body: ``, status: 400, scimType: scim.InvalidSyntax},
		{name: "data after the object", body: body(`{"op":"add","path":"title","value":"x"}`) + `{}`, status: 400, scimType: scim.InvalidSyntax},
		{name: "invalid UTF-8", body: "{\"Operations\":[{\"op\":\"add\",\"path\":\"title\",\"value\":\"\xff\"}]}", status: 400, scimType: scim.InvalidSyntax},
		{name: "nested deeper than 32 levels", body: body(`{"op":"add","path":"title","value":` + nested(30) + `}`), status: 400, scimType: scim.InvalidSyntax, detail: "32"},
		{name: "schemas lists only other URNs", body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations":[{"op":"add","path":"title","value":"x"}]}`, status: 400, scimType: scim.InvalidSyntax},
		{name: "no Operations", body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`, status: 400, scimType: scim.InvalidValue},
		{name: "empty Operations", body: body(), status: 400, scimType: scim.InvalidValue},
		{name: "Operations not an array", body: `{"Operations":{"op":"add"}}`, status: 400, scimType: scim.InvalidSyntax},
		{name: "more than the operation limit", body: body(repeat(`{"op":"add","path":"title","value":"x"}`, patch.MaxOperations+1)...), status: http.StatusRequestEntityTooLarge, scimType: scim.TooMany, detail: "1000"},
		{name: "operation not an object", body: body(`"add"`), status: 400, scimType: scim.InvalidSyntax},
		{name: "unknown op", body: body(`{"op":"move","path":"title","value":"x"}`), status: 400, scimType: scim.InvalidSyntax, detail: "move"},
		{name: "missing op", body: body(`{"path":"title","value":"x"}`), status: 400, scimType: scim.InvalidSyntax},
		{name: "op not a string", body: body(`{"op":1,"path":"title","value":"x"}`), status: 400, scimType: scim.InvalidSyntax},
		{name: "path not a string", body: body(`{"op":"add","path":["title"],"value":"x"}`), status: 400, scimType: scim.InvalidPath},
		{name: "bad path syntax", body: body(`{"op":"add","path":"emails[type eq","value":"x"}`), status: 400, scimType: scim.InvalidPath},
		{name: "remove without a path", body: body(`{"op":"remove"}`), status: 400, scimType: scim.NoTarget},
		{name: "add without a value", body: body(`{"op":"add","path":"title"}`), status: 400, scimType: scim.InvalidValue},
		{name: "error names the failing operation", body: body(`{"op":"add","path":"title","value":"x"}`, `{"op":"bogus"}`), status: 400, scimType: scim.InvalidSyntax, detail: "operation 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ops, err := patch.Decode([]byte(c.body))
			checkError(t, err, c.status, c.scimType, c.detail)
			if c.status != 0 {
				return
			}
			got := make([]decoded, len(ops))
			for i, op := range ops {
				got[i] = decoded{op.Op, "", marshal(op.Value)}
				if op.Path != nil {
					got[i].path = op.Path.String()
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func repeatDecoded(d decoded, n int) []decoded {
	out := make([]decoded, n)
	for i := range out {
		out[i] = d
	}
	return out
}

// nested returns a JSON value nested n arrays deep.
func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
