package entra

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// The checks the smoke conversation makes of answers. Each reports one
// Check of the last exchange and returns whether it passed.

// serverKeys are the attributes the server manages, left out when a
// resource is compared with what was sent.
var serverKeys = []string{"id", "meta", "schemas", "groups", "members"}

// expectCount checks a ListResponse of n results; with n == 1, the one
// result must be the resource id.
func (s *smoke) expectCount(step string, l *List, err error, n int, id string) bool {
	want := fmt.Sprintf("200, ListResponse, %d result%s", n, plural(n))
	if id != "" {
		want += ", the same id"
	}
	if s.failed(step, want, err) {
		return false
	}
	got := fmt.Sprintf("200, ListResponse, %d result%s", l.TotalResults, plural(l.TotalResults))
	pass := l.TotalResults == n && len(l.Resources) == n
	if pass && id != "" {
		if pass = l.Resources[0]["id"] == id; pass {
			got += ", the same id"
		} else {
			got += fmt.Sprintf(", id %v", l.Resources[0]["id"])
		}
	}
	s.record(step, want, got, pass)
	return pass
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// expectResource checks that res (from a 200 or 201) holds exactly the
// attributes want, besides those the server manages.
func (s *smoke) expectResource(step, status string, res map[string]any, err error, want map[string]any) bool {
	wantText := status + ", the resource as sent"
	if s.failed(step, wantText, err) {
		return false
	}
	if res == nil {
		s.fail(step, wantText, "no resource in the answer")
		return false
	}
	if d := Diff(want, withoutManagerRef(Without(res, serverKeys...))); len(d) > 0 {
		s.fail(step, wantText, status+", but "+strings.Join(d, "; "))
		return false
	}
	got := status + ", as sent"
	if status == "201" {
		got = fmt.Sprintf("201, id %v, as sent", res["id"])
	}
	s.record(step, wantText, got, true)
	return true
}

// withoutManagerRef returns res without its manager's $ref if that names
// the manager's id. The bridge derives it from the URL it was asked on,
// which behind a custom domain or a named stage is not the Tenant URL.
func withoutManagerRef(res map[string]any) map[string]any {
	ext, _ := res[EnterpriseSchema].(map[string]any)
	m, _ := ext["manager"].(map[string]any)
	ref, _ := m["$ref"].(string)
	id, _ := m["value"].(string)
	if id == "" || !strings.HasSuffix(ref, "/Users/"+id) {
		return res
	}
	m = Without(m, "$ref")
	ext = maps.Clone(ext)
	ext["manager"] = m
	res = maps.Clone(res)
	res[EnterpriseSchema] = ext
	return res
}

// expectNoContent checks a 204 (or 200) answer to a group PATCH or a
// DELETE.
func (s *smoke) expectNoContent(step string, err error) bool {
	if s.failed(step, "204", err) {
		return false
	}
	s.record(step, "204", "204", true)
	return true
}

// expectNotFound checks that err is a 404.
func (s *smoke) expectNotFound(step string, err error) bool {
	var se *StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		s.record(step, "404", "404", true)
		return true
	}
	got := "200"
	if err != nil {
		got = describe(err)
	}
	s.fail(step, "404", got)
	return false
}

// expectMembers checks that a group (read with members) has exactly the
// members ids.
func (s *smoke) expectMembers(step string, res map[string]any, err error, ids ...string) bool {
	want := fmt.Sprintf("200, %d member%s: %s", len(ids), plural(len(ids)), s.roles(ids))
	if s.failed(step, want, err) {
		return false
	}
	var got []string
	list, _ := res["members"].([]any)
	for _, m := range list {
		if m, ok := m.(map[string]any); ok {
			v, _ := m["value"].(string)
			got = append(got, v)
		}
	}
	slices.Sort(got)
	sorted := slices.Sorted(slices.Values(ids))
	text := fmt.Sprintf("200, %d member%s: %s", len(got), plural(len(got)), s.roles(got))
	s.record(step, want, text, slices.Equal(got, sorted))
	return slices.Equal(got, sorted)
}

// expectCheck checks a legacy reference check's answer.
func (s *smoke) expectCheck(step string, found bool, err error, want bool) bool {
	text := map[bool]string{true: "200, ListResponse, 1 result", false: "200, ListResponse, 0 results"}
	if s.failed(step, text[want], err) {
		return false
	}
	s.record(step, text[want], text[found], found == want)
	return found == want
}

// roles names ids by the run's roles, in order.
func (s *smoke) roles(ids []string) string {
	names := map[string]string{s.manager: "manager", s.alice: "alice", s.bob: "bob", s.carol: "carol"}
	out := make([]string, len(ids))
	for i, id := range ids {
		if out[i] = names[id]; out[i] == "" {
			out[i] = id
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}
