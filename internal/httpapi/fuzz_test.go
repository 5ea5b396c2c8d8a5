package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// FuzzHandler sends arbitrary methods, paths, queries and bodies through the
// full handler and checks that none is answered with a 5xx, and that every
// body is JSON of the SCIM content type.
func FuzzHandler(f *testing.F) {
	// The log would grow by a line per execution; discard it.
	e := newEnvWith(f, newService(f), httpapi.Config{Logger: slog.New(slog.DiscardHandler)})
	userID := e.createUser("seed@contoso.com")
	seeds := []struct{ method, target, body string }{
		{"GET", "Users?filter=userName%20eq%20%22seed%40contoso.com%22", ""},
		{"GET", "Groups?excludedAttributes=members&filter=displayName+eq+%22x%22&startIndex=0&count=-1", ""},
		{"POST", "Users", `{"userName":"a","emails":[{"type":"work","value":"a@b"}],"active":"True"}`},
		{"POST", "Groups", `{"displayName":"g","members":[{"value":"` + userID + `"}]}`},
		{"POST", ".search", `{"filter":"userName pr","attributes":["userName"],"count":"2"}`},
		{"PATCH", "Users/" + userID, `{"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"x@y"}]}`},
		{"PATCH", "Users/" + userID, `{"Operations":[{"op":"add","value":{"name.givenName":"A","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":"x"}}]}`},
		{"PUT", "Users/" + userID, `{"userName":"seed@contoso.com","name":null}`},
		{"DELETE", "Groups/nope", ""},
		{"GET", "Schemas/urn:ietf:params:scim:schemas:core:2.0:User", ""},
		{"GET", "Users/" + userID + "?attributes=name.givenName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", ""},
		{"GET", "Users?filter=name.familyName+eq+Employee+and+(emails.value+co+example.com+or+meta.created+gt+2015-10-10T14:38:21.8617979%2B07:00)", ""},
		{"PATCH", "Users/" + userID, `{"Operations":[{"op":"Replace","path":"roles[primary eq \"True\"].value","value":"Reader"}]}`},
		{"PATCH", "users/" + userID, `{"Operations":[{"op":"Add","path":"roles","value":[{"value":"{\"id\":\"1\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"}]}]}`},
		{"PATCH", "USERS/" + userID, `{"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"schemas":[],"department":"D"}}]}`},
		{"GET", "Users/" + userID + "?attributes=emails%5Btype%20eq%20%22work%22%5D.value,roles%5Bprimary%20eq%20%22True%22%5D&excludedAttributes=emails%5Bvalue%20eq%20%22a%2Cb%22%5D", ""},
		{"GET", "Users?filter=externalId%20eq%20%22x%22", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.body)
	}
	f.Fuzz(func(t *testing.T, method, target, body string) {
		req, err := http.NewRequest(method, "http://example.com/scim/v2/"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q with %q: status %d\n%s", method, target, body, rec.Code, rec.Body)
		}
		if rec.Body.Len() == 0 {
			return
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/scim+json" {
			t.Fatalf("%s %q: Content-Type %q", method, target, ct)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: body is not JSON: %s", method, target, rec.Body)
		}
	})
}
