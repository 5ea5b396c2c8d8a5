package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// snapshot returns the directory as e serves it, with ids replaced by the
// names of what they identify: each user's attributes but meta, and each
// group's attributes with its members' userNames, sorted.
func snapshot(t *testing.T, e *env) map[string]any {
	t.Helper()
	users := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Users?count=1000", "").body["Resources"].([]any)
	groups := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Groups?count=1000", "").body["Resources"].([]any)
	names := map[string]string{}
	for _, r := range append(slices.Clone(users), groups...) {
		m := r.(map[string]any)
		n, _ := m["userName"].(string)
		if n == "" {
			n, _ = m["displayName"].(string)
		}
		names[m["id"].(string)] = n
	}
	var rename func(v any) any
	rename = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				if k != "meta" && k != "id" {
					out[k] = rename(e)
				}
			}
			if ref, _ := out["$ref"].(string); ref != "" {
				out["$ref"] = "ref"
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = rename(e)
			}
			slices.SortFunc(out, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			return out
		case string:
			if n, ok := names[x]; ok {
				return n
			}
		}
		return v
	}
	out := map[string]any{}
	for _, r := range append(users, groups...) {
		m := r.(map[string]any)
		out[names[m["id"].(string)]] = rename(m)
	}
	return out
}

// checkInvariants checks what a half-done write would break, through the
// handler: totals that count what is listed, every unique key found by its
// filter, and memberships seen the same from both sides.
func checkInvariants(t *testing.T, e *env) {
	t.Helper()
	groupsOf := map[string][]string{}
	for _, endpoint := range []string{"Users", "Groups"} {
		res := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/"+endpoint+"?count=1000", "")
		list := res.body["Resources"].([]any)
		if got := fmt.Sprint(res.body["totalResults"]); got != fmt.Sprint(len(list)) {
			t.Errorf("%s: totalResults %s, but %d listed", endpoint, got, len(list))
		}
		for _, r := range list {
			m := r.(map[string]any)
			id := m["id"].(string)
			attr := map[string]string{"Users": "userName", "Groups": "displayName"}[endpoint]
			found := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/"+endpoint+"?filter="+esc(attr+` eq "`+m[attr].(string)+`"`), "").body
			if fmt.Sprint(found["totalResults"]) != "1" {
				t.Errorf("%s %s %q: the filter finds %v", endpoint, attr, m[attr], found["totalResults"])
			}
			if endpoint == "Users" {
				groupsOf[id] = append(groupsOf[id], listValues(m["groups"])...)
				continue
			}
			for _, u := range listValues(m["members"]) {
				e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Users/"+u, "")
				if !slices.Contains(groupsOf[u], id) {
					t.Errorf("group %s lists member %s, whose groups %v do not list it", id, u, groupsOf[u])
				}
				groupsOf[u] = slices.DeleteFunc(groupsOf[u], func(g string) bool { return g == id })
			}
		}
	}
	for u, gs := range groupsOf {
		if len(gs) > 0 {
			t.Errorf("user %s lists groups %v that do not list it", u, gs)
		}
	}
}

// listValues returns the values of a multi-valued attribute's elements.
func listValues(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, el := range list {
		if s, ok := el.(map[string]any)["value"].(string); ok {
			out = append(out, s)
		}
	}
	return out
}
