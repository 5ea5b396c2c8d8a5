package patch_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// values returns n elements of a multi-valued attribute: {"value":"v0"}…,
// or, with key, objects of another sub-attribute that have no value.
func values(n int, key string) string {
	var b []string
	for i := range n {
		b = append(b, fmt.Sprintf(`{%q:"v%d"}`, key, i))
	}
	return strings.Join(b, ",")
}

// TestApplyCostIsBounded checks that a PATCH's comparisons of elements are
// bounded: elements with a value are found by value, so adding thousands
// is linear; elements without one are compared with every element, and a
// PATCH that would take more than 100,000 comparisons is a 413 (tooMany)
// instead of minutes of CPU.
func TestApplyCostIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   string
		status int
	}{
		{"5,000 emails", body(`{"op":"add","path":"emails","value":[` + values(5000, "value") + `]}`), 0},
		{"5,000 emails replacing", body(`{"op":"replace","path":"emails","value":[` + values(5000, "value") + `]}`), 0},
		{"1,000 addresses without a value", body(`{"op":"add","path":"addresses","value":[` + values(1000, "formatted") + `]}`), http.StatusRequestEntityTooLarge},
		{"removing 1,000 emails from 5,000", body(`{"op":"add","path":"emails","value":[`+values(5000, "value")+`]}`, `{"op":"remove","path":"emails","value":[`+values(1000, "value")+`]}`), 0},
		{"removing 300 addresses from 300", body(`{"op":"replace","path":"addresses","value":[`+values(300, "formatted")+`]}`, `{"op":"remove","path":"addresses","value":[`+values(300, "formatted")+`]}`), http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops, err := patch.Decode([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = patch.Apply(scim.Users, mustDecode(alice), ops)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Apply took %v", d)
			}
			checkError(t, err, tc.status, map[bool]string{true: scim.TooMany}[tc.status != 0], "")
		})
	}
}

// TestAddFindsElementsByValue checks that the index by value keeps what
// adding means: an element whose value is present in another case is not
// added again, its flags are updated, and elements without a value are
// still compared in full.
func TestAddFindsElementsByValue(t *testing.T) {
	runApply(t, []applyCase{{
		name:  "an email present in another case",
		body:  body(`{"op":"add","path":"emails","value":[{"value":"ALICE@contoso.com","primary":false},{"value":"a2@contoso.com"}]}`),
		after: aliceWith(`{"emails":[{"primary":false,"type":"work","value":"alice@contoso.com"},{"value":"a2@contoso.com"}]}`),
	}, {
		name:   "an address without a value present",
		before: aliceWith(`{"addresses":[{"type":"work","locality":"Oslo"}]}`),
		body:   body(`{"op":"add","path":"addresses","value":[{"type":"work","locality":"Oslo"},{"type":"home","locality":"Bergen"}]}`),
		after:  aliceWith(`{"addresses":[{"type":"work","locality":"Oslo"},{"type":"home","locality":"Bergen"}]}`),
	}})
}
