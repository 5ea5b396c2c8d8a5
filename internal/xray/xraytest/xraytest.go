// Package xraytest stands in for the X-Ray daemon in tests: a UDP listener
// on loopback that decodes the subsegments internal/xray sends.
package xraytest

import (
	"bytes"
	"encoding/json"
	"net"
	"testing"
	"time"
)

// Subsegment is what the tests read of a subsegment document.
type Subsegment struct {
	Name      string  `json:"name"`
	ID        string  `json:"id"`
	TraceID   string  `json:"trace_id"`
	ParentID  string  `json:"parent_id"`
	Type      string  `json:"type"`
	Namespace string  `json:"namespace"`
	StartTime float64 `json:"start_time"`
	EndTime   float64 `json:"end_time"`
	AWS       struct {
		Operation string `json:"operation"`
		Region    string `json:"region"`
		RequestID string `json:"request_id"`
		Retries   int    `json:"retries"`
		TableName string `json:"table_name"`
		SecretID  string `json:"secret_id"`
	} `json:"aws"`
	HTTP struct {
		Response struct {
			Status int `json:"status"`
		} `json:"response"`
	} `json:"http"`
	Error    bool `json:"error"`
	Throttle bool `json:"throttle"`
	Fault    bool `json:"fault"`
	Cause    struct {
		Exceptions []struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"exceptions"`
	} `json:"cause"`
}

// Daemon is a UDP listener standing in for the X-Ray daemon: it decodes
// every datagram it receives and Docs receives them.
type Daemon struct {
	Addr string
	Docs chan Subsegment
}

// buffered is how many documents Docs holds unread; the daemon drops any
// beyond, as a tracer must never wait for it.
const buffered = 1024

// Listen listens on a free loopback port until t ends. A datagram
// without the daemon's header line fails t; documents dropped because
// Docs was full are counted in t's log.
func Listen(t testing.TB) *Daemon {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &Daemon{Addr: conn.LocalAddr().String(), Docs: make(chan Subsegment, buffered)}
	done := make(chan struct{})
	dropped := 0
	// The reader reports to t, so t's cleanup waits for it to stop.
	t.Cleanup(func() {
		conn.Close()
		<-done
		if dropped > 0 {
			t.Logf("xraytest: dropped %d subsegments unread", dropped)
		}
	})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			head, body, ok := bytes.Cut(buf[:n], []byte("\n"))
			var s Subsegment
			if !ok || string(head) != `{"format":"json","version":1}` || json.Unmarshal(body, &s) != nil {
				t.Errorf("got datagram %q, want the daemon's header line and a segment document", buf[:n])
				continue
			}
			select {
			case d.Docs <- s:
			default:
				dropped++
			}
		}
	}()
	return d
}

// Next returns the next document the daemon receives.
func (d *Daemon) Next(t testing.TB) Subsegment {
	t.Helper()
	select {
	case s := <-d.Docs:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("the daemon received no subsegment")
		return Subsegment{}
	}
}
