package certstest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// Pebble is Let's Encrypt's ACME test server (the module's tool
// github.com/letsencrypt/pebble/v2/cmd/pebble), running on loopback ports
// for one test. It validates the tls-alpn-01 challenge for real: its DNS
// resolves every name to 127.0.0.1, and it connects to the port the test
// gave it.
type Pebble struct {
	// Directory is the ACME directory URL.
	Directory string
	// Client is an HTTP client that trusts Pebble's own HTTPS certificate;
	// CAFile holds the PEM of the CA that issued that certificate, for a
	// process of its own to trust (SSL_CERT_FILE).
	Client *http.Client
	CAFile string
	mgmt   string
}

// StartPebble starts Pebble with its API on loopback ports, checking
// tls-alpn-01 challenges on 127.0.0.1:tlsPort, and stops it when the test
// ends. Building Pebble the first time takes a while; later starts take
// milliseconds.
func StartPebble(t testing.TB, tlsPort int) *Pebble {
	t.Helper()
	bin, err := exec.Command("go", "tool", "-n", "pebble").Output()
	if err != nil {
		t.Fatalf("build pebble (go tool -n pebble): %v", err)
	}
	dir := t.TempDir()
	ca := NewCA(t)
	certFile, keyFile := ca.WriteFiles(t, dir, "127.0.0.1")
	// Distinct from each other and from the challenge port: two ports
	// picked one after the other can be the same one, which a closed
	// listener just gave back.
	ports := freePorts(t, 2, tlsPort)
	api, mgmt := ports[0], ports[1]
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress":           api,
		"managementListenAddress": mgmt,
		"certificate":             certFile,
		"privateKey":              keyFile,
		"httpPort":                0,
		"tlsPort":                 tlsPort,
		"ocspResponderURL":        "",
		"keyAlgorithm":            "ecdsa",
		"retryAfter":              map[string]int{"authz": 1, "order": 1},
	}}
	b, _ := json.Marshal(cfg)
	config := filepath.Join(dir, "pebble.json")
	if err := os.WriteFile(config, b, 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(strings.TrimSpace(string(bin)), "-config", config, "-dnsserver", startDNS(t))
	// No random waits before validating, no nonces refused on purpose.
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("pebble:\n%s", out.String())
		}
	})

	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	p := &Pebble{
		Directory: "https://" + api + "/dir",
		CAFile:    caFile,
		Client:    &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}},
		mgmt:      mgmt,
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := p.Client.Get(p.Directory)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("pebble did not start: %v\n%s", err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Roots returns the pool of Pebble's issuing root, which it makes anew at
// each start and publishes on its management port.
func (p *Pebble) Roots(t testing.TB) *x509.CertPool {
	t.Helper()
	resp, err := p.Client.Get("https://" + p.mgmt + "/roots/0")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("pebble's root: %d %v", resp.StatusCode, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("pebble's root is not PEM: %q", b)
	}
	return pool
}

// freePorts returns n distinct loopback addresses whose ports were free a
// moment ago, none of them one of taken.
func freePorts(t testing.TB, n int, taken ...int) []string {
	t.Helper()
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	var addrs []string
	for len(addrs) < n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		// Kept open until all are chosen, so the n are distinct.
		lns = append(lns, ln)
		if !slices.Contains(taken, ln.Addr().(*net.TCPAddr).Port) {
			addrs = append(addrs, ln.Addr().String())
		}
	}
	return addrs
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	_, port, _ := net.SplitHostPort(freePorts(t, 1)[0])
	n, _ := strconv.Atoi(port)
	return n
}

// startDNS serves DNS over TCP on a loopback port, as Pebble asks it, until
// the test ends: every name has the address 127.0.0.1 and no IPv6 address.
func startDNS(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	Serve(t, ln, 10*time.Second, func(c net.Conn) {
		for answerDNS(c) == nil {
		}
	})
	return ln.Addr().String()
}

// Serve calls handle with each connection ln accepts, in a goroutine of
// its own, with a deadline of timeout, and closes the connection after it,
// until the test ends, when it closes ln.
func Serve(t testing.TB, ln net.Listener, timeout time.Duration, handle func(net.Conn)) {
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(timeout))
				handle(c)
			}()
		}
	}()
}

// answerDNS reads one length-prefixed query from c and writes its answer.
func answerDNS(c net.Conn) error {
	var n uint16
	if err := binary.Read(c, binary.BigEndian, &n); err != nil {
		return err
	}
	query := make([]byte, n)
	if _, err := io.ReadFull(c, query); err != nil {
		return err
	}
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return err
	}
	q, err := p.Question()
	if err != nil {
		return err
	}
	h.Response, h.Authoritative, h.RCode = true, true, dnsmessage.RCodeSuccess
	b := dnsmessage.NewBuilder(nil, h)
	if err := b.StartQuestions(); err != nil {
		return err
	}
	if err := b.Question(q); err != nil {
		return err
	}
	if err := b.StartAnswers(); err != nil {
		return err
	}
	if q.Type == dnsmessage.TypeA {
		rh := dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60}
		if err := b.AResource(rh, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}}); err != nil {
			return err
		}
	}
	msg, err := b.Finish()
	if err != nil {
		return err
	}
	if len(msg) > 0xffff {
		return fmt.Errorf("answer too long")
	}
	_, err = c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...))
	return err
}
