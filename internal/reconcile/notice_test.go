package reconcile

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSubjectsFitSNS(t *testing.T) {
	long := Digest{Total: 123456, Causes: []Cause{
		{Method: "PATCH", Route: "/Groups/{id}", Status: 400, ScimType: "invalidSyntax", Count: 120000},
		{Method: "POST", Route: "/Users", Status: 409, ScimType: "uniqueness", Count: 3456},
	}}
	for _, n := range []Notice{
		digestNotice(long, DefaultQuietPeriod),
		stalledNotice(time.Time{}, time.Time{}.Add(12345*time.Hour)),
		previousTokenNotice(time.Time{}, time.Time{}.Add(9999*time.Hour), 7*24*time.Hour),
		purgeNotice(100000, nil, 36500*24*time.Hour),
	} {
		if got := utf8.RuneCountInString(n.Subject); got >= 100 || strings.ContainsAny(n.Subject, "\r\n") {
			t.Errorf("%s subject of %d characters: %q", n.Kind, got, n.Subject)
		}
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Minute: "45m", 10 * time.Minute: "10m", 2*time.Hour + 10*time.Minute: "2h10m",
		24 * time.Hour: "24h", 26*time.Hour + 5*time.Minute: "26h05m", 20 * time.Second: "0m",
	} {
		if got := span(d); got != want {
			t.Errorf("span(%v) = %q, want %q", d, got, want)
		}
	}
}
