package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// maxIDs bounds the resource and client request ids a cause lists.
const maxIDs = 5

// Cause is one kind of failure in a digest: the failures of one route that
// ended with one status and scimType.
type Cause struct {
	Method   string `json:"method"`
	Route    string `json:"route"`
	Status   int    `json:"status"`
	ScimType string `json:"scimType,omitempty"`
	Count    int    `json:"count"`
	// First and Last are the times of the first and last failure.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Example is the detail of the latest failure.
	Example string `json:"example,omitempty"`
	// ResourceIDs and ClientRequestIDs are a few of the failures' ids,
	// latest first; Entra's provisioning logs can be searched for the
	// latter.
	ResourceIDs      []string `json:"resourceIds,omitempty"`
	ClientRequestIDs []string `json:"clientRequestIds,omitempty"`
}

// Digest is the JSON of a digest notice.
type Digest struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Total  int       `json:"total"`
	Causes []Cause   `json:"causes"`
}

// label names a cause in a subject: "409 uniqueness on POST /Users".
func (c *Cause) label() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", c.Status)
	if c.ScimType != "" {
		b.WriteString(" " + c.ScimType)
	}
	route := c.Route
	if route == "" {
		route = "(no route)"
	}
	fmt.Fprintf(&b, " on %s %s", c.Method, route)
	return b.String()
}

func (c *Cause) key() string { return "cause " + c.label() }

// causes groups failures by cause, largest first.
func causes(fs []journal.Failure) []*Cause {
	by := map[string]*Cause{}
	var out []*Cause
	for i := len(fs) - 1; i >= 0; i-- { // latest first, for examples and ids
		f := fs[i]
		c := &Cause{Method: f.Method, Route: f.Route, Status: f.Status, ScimType: f.ScimType}
		if have, ok := by[c.key()]; ok {
			c = have
		} else {
			c.Last, c.Example = f.Time, f.Detail
			by[c.key()] = c
			out = append(out, c)
		}
		c.Count++
		c.First = f.Time
		c.ResourceIDs = addID(c.ResourceIDs, f.ResourceID)
		c.ClientRequestIDs = addID(c.ClientRequestIDs, f.ClientRequestID)
	}
	slices.SortStableFunc(out, func(a, b *Cause) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.label(), b.label()))
	})
	return out
}

func addID(ids []string, id string) []string {
	if id == "" || len(ids) >= maxIDs || slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// digest is the digest of the failures fs of the window (from, until]: the
// causes not sent within the quiet period, or grown tenfold since, with what
// was held back of them. Sending it holds back the others and moves the
// digest's window on.
func (r *run) digest(fs []journal.Failure, from, until time.Time) pending {
	var send, hold []*Cause
	for _, c := range causes(fs) {
		if !r.st.due(c.key(), c.Count, r.now, r.QuietPeriod) {
			hold = append(hold, c)
			continue
		}
		if held, first := r.st.held(c.key()); held > 0 {
			c.Count += held
			c.First = first
		}
		send = append(send, c)
	}
	commit := func() {
		for _, c := range send {
			r.st.markSent(c.key(), c.Count, r.now)
		}
		for _, c := range hold {
			r.st.hold(c.key(), c.Count, c.First)
		}
		r.st.DigestedUntil = until
	}
	if len(send) == 0 {
		return pending{commit: commit}
	}
	d := Digest{From: from, To: until, Causes: make([]Cause, len(send))}
	for i, c := range send {
		d.Causes[i] = *c
		d.Total += c.Count
	}
	n := digestNotice(d, r.QuietPeriod)
	return pending{&n, commit}
}

// digestNotice renders a digest: "scim-bridge: 37 provisioning failures
// (409 uniqueness on POST /Users)", then each cause with its advice.
func digestNotice(d Digest, quiet time.Duration) Notice {
	top := d.Causes[0]
	what := top.label()
	if len(d.Causes) > 1 {
		what = fmt.Sprintf("%d × %s; %d more %s", top.Count, top.label(), len(d.Causes)-1, plural(len(d.Causes)-1, "cause", "causes"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "scim-bridge answered %d of Entra's requests with errors between %s and %s.\n", d.Total, stamp(d.From), stamp(d.To))
	b.WriteString("Entra's provisioning logs show these operations as failed; it retries some of them in its next cycle.\n")
	for _, c := range d.Causes {
		fmt.Fprintf(&b, "\n%d × %s\n", c.Count, c.label())
		fmt.Fprintf(&b, "  first %s, last %s\n", stamp(c.First), stamp(c.Last))
		if c.Example != "" {
			fmt.Fprintf(&b, "  example: %s\n", c.Example)
		}
		if len(c.ResourceIDs) > 0 {
			fmt.Fprintf(&b, "  resource ids: %s\n", strings.Join(c.ResourceIDs, ", "))
		}
		if len(c.ClientRequestIDs) > 0 {
			fmt.Fprintf(&b, "  Entra client-request-ids: %s\n", strings.Join(c.ClientRequestIDs, ", "))
		}
		fmt.Fprintf(&b, "  %s\n", advice(c))
	}
	fmt.Fprintf(&b, "\nThe same causes are not reported again for %s unless they grow %d-fold.\n", span(quiet), growth)
	b.WriteString("This digest is attached as JSON in the message attribute \"data\".\n")
	return Notice{
		Kind:    NoticeDigest,
		Subject: subject(fmt.Sprintf("scim-bridge: %d provisioning %s (%s)", d.Total, plural(d.Total, "failure", "failures"), what)),
		Body:    b.String(),
		Data:    mustJSON(d),
	}
}

// advice says what a cause usually means and what to do about it.
func advice(c Cause) string {
	switch {
	case c.Status == 409:
		return "Entra created or renamed a resource to a userName, externalId or displayName another one holds: " +
			"usually one made outside Entra, or a matching attribute that does not find it. Delete the duplicate, " +
			"or match on an attribute that finds it, then restart provisioning."
	case c.Status == 404:
		return "Entra addressed a resource the bridge does not have (deleted outside Entra, or a new table). " +
			"Entra logs it as InvalidAnchor; restart provisioning with \"clear current state\" to match again."
	case c.Status == 400:
		return "The bridge rejected what Entra sent; the example names the attribute or operation. " +
			"Check the enterprise application's attribute mappings."
	case c.Status == 403:
		return "The request was refused before it reached the directory; check what is in front of the API."
	case c.Status >= 500:
		return "The bridge failed or its store was unavailable; Entra retries. If it persists, search the " +
			"bridge's logs for these ids."
	}
	return "See the bridge's logs for these requests."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// stamp renders a time for people: UTC to the second.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// span renders a duration for people: "2h10m", "24h", "45m".
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}
