package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// perfOp is one kind of request Entra sends, as a benchmark serves it.
// Requests come from ring, served in turn, or, when each iteration needs
// its own (a new userName, a user to delete), from next. undo restores
// what an iteration changed in the directory's size, so that a group of n
// members keeps n however long the benchmark runs. next and undo run with
// the timer stopped.
type perfOp struct {
	name string
	ring func(f *perfFixture) []*perfRequest
	next func(b *testing.B, f *perfFixture, i int) *perfRequest
	undo func(b *testing.B, f *perfFixture, i int)
}

// perfRing is how many different users the read and PATCH benchmarks
// address in turn, spread over the whole directory.
const perfRing = 64

// spread returns perfRing indexes spread evenly over [0, n).
func spread(n int) []int {
	out := make([]int, min(n, perfRing))
	for i := range out {
		out[i] = i * n / len(out)
	}
	return out
}

// perfOps are the requests of an Entra provisioning cycle
// (docs/entra.md §2), in the order the report lists them.
var perfOps = []perfOp{
	{name: "lookup", ring: func(f *perfFixture) []*perfRequest {
		var out []*perfRequest
		for _, i := range spread(f.n) {
			filter := url.QueryEscape(fmt.Sprintf(`userName eq "%s"`, perfUserName(i)))
			out = append(out, newPerfRequest("GET", "/scim/v2/Users?filter="+filter, "", http.StatusOK))
		}
		return out
	}},
	{name: "get", ring: func(f *perfFixture) []*perfRequest {
		var out []*perfRequest
		for _, i := range spread(f.n) {
			out = append(out, newPerfRequest("GET", "/scim/v2/Users/"+f.users[i], "", http.StatusOK))
		}
		return out
	}},
	{name: "create", next: func(b *testing.B, f *perfFixture, i int) *perfRequest {
		return newPerfRequest("POST", "/scim/v2/Users", perfUserBody(perfNewName(i), 10_000_000+i), http.StatusCreated)
	}, undo: func(b *testing.B, f *perfFixture, i int) {
		recs, err := f.store.Lookup(b.Context(), directory.KindUser, directory.KeyUserName, scim.Fold(perfNewName(i)))
		if err != nil || len(recs) != 1 {
			b.Fatalf("find the created user: %v (%d found)", err, len(recs))
		}
		if err := f.store.Delete(b.Context(), directory.KindUser, recs[0].ID); err != nil {
			b.Fatal(err)
		}
	}},
	{name: "patch-default", ring: func(f *perfFixture) []*perfRequest {
		// Entra's default dialect: one op per attribute, Pascal-case ops
		// (docs/entra.md §3.1). Two variants, so each PATCH changes
		// the user.
		return perfUserPatches(f, func(v int) string {
			return perfPatch(
				fmt.Sprintf(`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"v%d@contoso.com"}`, v),
				fmt.Sprintf(`{"op":"Replace","path":"name.familyName","value":"Vance-%d"}`, v),
				fmt.Sprintf(`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"%d"}`, v),
				fmt.Sprintf(`{"op":"Add","path":"nickName","value":"Nick %d"}`, v),
				fmt.Sprintf(`{"op":"Replace","path":"active","value":"%s"}`, map[bool]string{true: "True", false: "False"}[v == 0]),
			)
		})
	}},
	{name: "patch-aadopt", ring: func(f *perfFixture) []*perfRequest {
		// ?aadOptscim062020: one path-less replace of dotted and URN
		// keys, filtered paths apart (docs/entra.md §3.1).
		return perfUserPatches(f, func(v int) string {
			return perfPatch(
				fmt.Sprintf(`{"op":"replace","value":{"displayName":"User %d","name.givenName":"Adele","name.familyName":"Vance-%d",`+
					`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Dept %d","title":"Title %d","active":%t}}`, v, v, v, v, v == 0),
				fmt.Sprintf(`{"op":"replace","path":"emails[type eq \"work\"].value","value":"v%d@contoso.com"}`, v),
			)
		})
	}},
	{name: "member-add-100", ring: func(f *perfFixture) []*perfRequest {
		body := perfPatch(`{"op":"Add","path":"members","value":` + perfMembers(f.spares) + `}`)
		return []*perfRequest{newPerfRequest("PATCH", "/scim/v2/Groups/"+f.group, body, http.StatusNoContent)}
	}, undo: func(b *testing.B, f *perfFixture, _ int) {
		if err := f.store.RemoveMembers(b.Context(), f.group, f.spares); err != nil {
			b.Fatal(err)
		}
	}},
	{name: "member-remove-1", ring: func(f *perfFixture) []*perfRequest {
		var out []*perfRequest
		for _, i := range spread(f.n) {
			// The default dialect's remove: the member in value.
			body := perfPatch(`{"op":"Remove","path":"members","value":[{"value":"` + f.users[i] + `"}]}`)
			out = append(out, newPerfRequest("PATCH", "/scim/v2/Groups/"+f.group, body, http.StatusNoContent))
		}
		return out
	}, undo: func(b *testing.B, f *perfFixture, i int) {
		user := f.users[spread(f.n)[i%min(f.n, perfRing)]]
		if err := f.store.AddMembers(b.Context(), f.group, []string{user}); err != nil {
			b.Fatal(err)
		}
	}},
	{name: "group-lookup", ring: func(f *perfFixture) []*perfRequest {
		filter := url.QueryEscape(`displayName eq "Big"`)
		return []*perfRequest{newPerfRequest("GET", "/scim/v2/Groups?excludedAttributes=members&filter="+filter, "", http.StatusOK)}
	}},
	{name: "delete", next: func(b *testing.B, f *perfFixture, i int) *perfRequest {
		body, err := codec.DecodeObject([]byte(perfUserBody(perfGoneName(i), 20_000_000+i)), "fixture")
		if err != nil {
			b.Fatal(err)
		}
		res, err := f.svc.Create(b.Context(), scim.Users, body)
		if err != nil {
			b.Fatal(err)
		}
		return newPerfRequest("DELETE", "/scim/v2/Users/"+res.ID, "", http.StatusNoContent)
	}},
}

// perfNewName and perfGoneName name the users the create and delete
// benchmarks make; their externalIds (the number in perfUserBody) are
// offset past any fixture's.
func perfNewName(i int) string  { return fmt.Sprintf("new%d@contoso.com", i) }
func perfGoneName(i int) string { return fmt.Sprintf("gone%d@contoso.com", i) }

// perfUserPatches returns PATCHes of users spread over the directory, each
// user twice, with variant 0 then 1 of body.
func perfUserPatches(f *perfFixture, body func(variant int) string) []*perfRequest {
	var out []*perfRequest
	for v := range 2 {
		for _, i := range spread(f.n) {
			out = append(out, newPerfRequest("PATCH", "/scim/v2/Users/"+f.users[i], body(v), http.StatusOK))
		}
	}
	return out
}

// run benchmarks op on f. Besides the wall time it reports cpu-ns/op, the
// CPU time this process spent (getrusage: every thread, the garbage
// collector's included) per request served: unlike the wall time, it does
// not grow when other processes keep the machine busy.
func (f *perfFixture) run(b *testing.B, op perfOp) {
	w := &perfWriter{header: http.Header{}}
	var ring []*perfRequest
	if op.ring != nil {
		ring = op.ring(f)
	}
	var cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	start := processCPU()
	for i := range b.N {
		var p *perfRequest
		if op.next != nil {
			b.StopTimer()
			p = op.next(b, f, i)
			b.StartTimer()
		} else {
			p = ring[i%len(ring)]
		}
		if op.undo != nil || op.next != nil {
			t := processCPU()
			w.serve(b, f.h, p)
			cpu += processCPU() - t
		} else {
			w.serve(b, f.h, p)
		}
		if op.undo != nil {
			b.StopTimer()
			op.undo(b, f, i)
			b.StartTimer()
		}
	}
	if op.undo == nil && op.next == nil {
		cpu = processCPU() - start
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPU returns the CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail with these arguments
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
