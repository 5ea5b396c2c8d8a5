// Command peer is the load run's yardstick: a minimal in-memory SCIM server
// built on github.com/elimity-com/scim, which `make bench` drives with the
// same client and workload as `scimbridge serve`, to compare what each
// serves per second of server CPU. It keeps users and groups in maps
// behind one lock, indexes userName and displayName (case-folded) for the
// lookups Entra sends, keeps a group's members as a set, and checks the
// bearer token. It keeps nothing on disk and writes no access log.
//
//	peer --addr 127.0.0.1:0 --token TOKEN
package main

import (
	"crypto/rand"
	"crypto/subtle"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	token := flag.String("token", "", "bearer token to accept")
	flag.Parse()
	if *token == "" {
		log.Fatal("peer: --token is required")
	}
	// Entra sends booleans as "True" and "False" by default; this is the
	// library's switch for it.
	schema.SetAllowStringValues(true)
	st := newStore()
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{SupportFiltering: true, SupportPatch: true},
		ResourceTypes: []scim.ResourceType{
			{ID: optional.NewString("User"), Name: "User", Endpoint: "/Users", Description: optional.NewString("User Account"),
				Schema: schema.CoreUserSchema(), SchemaExtensions: []scim.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}},
				Handler: users{st}},
			{ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups", Description: optional.NewString("Group"),
				Schema: schema.CoreGroupSchema(), Handler: groups{st}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "peer is listening.\n  Tenant URL:   http://%s/scim/v2\n", ln.Addr())
	h := http.StripPrefix("/scim", authenticate(*token, srv))
	log.Fatal((&http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}).Serve(ln))
}

// authenticate answers 401 to a request without the bearer token.
func authenticate(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401"}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// newID returns a random (version 4) UUID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
