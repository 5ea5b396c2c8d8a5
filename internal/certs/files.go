package certs

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// checkEvery is the least time between two looks at the files' modification
// times: a renewal is picked up within seconds, and a busy server stats the
// files at most once in that time, not on every handshake.
const checkEvery = 5 * time.Second

// Files is a server certificate kept in PEM files, a chain and its key, as
// certbot and most CAs write them. It notices when either file changes (a
// renewal) and loads the new pair on the next handshake, so a renewed
// certificate is served without a restart. Reload does the same at once,
// for SIGHUP. A pair that fails to load (a key that does not match yet,
// half-written files) is logged and the previous certificate kept.
type Files struct {
	certFile, keyFile string
	log               *slog.Logger
	// every is checkEvery, shorter in tests (time.Duration).
	every atomic.Int64

	cert atomic.Pointer[tls.Certificate]
	// next is when the files are next looked at (UnixNano); the handshake
	// that moves it does the look.
	next atomic.Int64
	// mu serialises loads; stamps are the files' states when last
	// looked at.
	mu     sync.Mutex
	stamps [2]stamp
}

// stamp is what tells that a file changed without reading it.
type stamp struct {
	mod  time.Time
	size int64
}

// LoadFiles loads the certificate chain in certFile and its key in keyFile,
// which are PEM as tls.LoadX509KeyPair reads them. It fails if they cannot
// be loaded, or if the key is one Entra refuses. logger receives reloads
// and failed reloads.
func LoadFiles(certFile, keyFile string, logger *slog.Logger) (*Files, error) {
	f := &Files{certFile: certFile, keyFile: keyFile, log: logger}
	f.every.Store(int64(checkEvery))
	if err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Config returns the server's TLS configuration (docs/entra.md §1.5) with
// the files' certificate.
func (f *Files) Config() *tls.Config { return serverConfig(f.getCertificate) }

// Leaf returns the certificate being served.
func (f *Files) Leaf() *x509.Certificate { return f.cert.Load().Leaf }

// Reload loads the files now. On failure the certificate served so far is
// kept.
func (f *Files) Reload() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	stamps, err := f.stat()
	f.stamps = stamps
	if err != nil {
		return err
	}
	return f.load()
}

// getCertificate is the tls.Config hook: the current certificate, after
// reloading the files if it is time to look and they changed.
func (f *Files) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	now := time.Now().UnixNano()
	if next := f.next.Load(); now >= next && f.next.CompareAndSwap(next, now+f.every.Load()) {
		f.reloadIfChanged()
	}
	return f.cert.Load(), nil
}

// reloadIfChanged loads the files if either changed since last seen. A
// failure is logged once per change, so a broken renewal does not fill the
// log at every look.
func (f *Files) reloadIfChanged() {
	f.mu.Lock()
	defer f.mu.Unlock()
	stamps, err := f.stat()
	if stamps == f.stamps {
		return
	}
	f.stamps = stamps
	if err == nil {
		err = f.load()
	}
	if err != nil {
		f.log.Warn("cannot reload the TLS certificate; serving the previous one", slog.String("error", err.Error()))
		return
	}
	f.log.Info("reloaded the TLS certificate", slog.String("cert", f.certFile), slog.Time("notAfter", f.Leaf().NotAfter))
}

// stat returns the files' stamps, following symbolic links as certbot's
// live/ directory has them.
func (f *Files) stat() ([2]stamp, error) {
	var out [2]stamp
	for i, name := range []string{f.certFile, f.keyFile} {
		fi, err := os.Stat(name)
		if err != nil {
			return out, fmt.Errorf("certs: %w", err)
		}
		out[i] = stamp{fi.ModTime(), fi.Size()}
	}
	return out, nil
}

// load reads and checks the pair and serves it; f.mu is held.
func (f *Files) load() error {
	cert, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
	if err != nil {
		return fmt.Errorf("certs: load %s and %s: %w", f.certFile, f.keyFile, err)
	}
	if err := checkKey(&cert); err != nil {
		return fmt.Errorf("certs: %s: %w", f.certFile, err)
	}
	f.cert.Store(&cert)
	return nil
}
