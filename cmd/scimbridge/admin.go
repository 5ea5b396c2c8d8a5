package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
)

// adminSocket is the Unix socket in the data directory through which
// `scimbridge backup` asks a running serve for a backup. Only serve can take
// one while it serves: it holds the store's lock. The socket is its
// owner's alone (0600, in a directory serve makes 0700), like the store
// and the token beside it.
const adminSocket = "admin.sock"

// errNoServe means no serve answers on a data directory's admin socket.
var errNoServe = errors.New("no serve answers")

// serveAdmin serves GET /backup on the admin socket of the data directory
// data, with backups of st, the store serve has open there. It removes
// what an earlier serve left: the socket, and checkpoints a crash cut
// short. The returned function stops it, letting a backup in progress
// finish within shutdownGrace.
func serveAdmin(data string, st checkpointer, logger *slog.Logger) (stop func(), err error) {
	sock := filepath.Join(data, adminSocket)
	// The store is locked by this process, so no other serve uses them.
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	left, _ := filepath.Glob(filepath.Join(data, backupTemp+"*"))
	for _, dir := range left {
		os.RemoveAll(dir)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		var sent int64
		err := writeBackup(r.Context(), &countingWriter{w: w, n: &sent}, data, st)
		if err == nil {
			logger.Info("backup taken", slog.Int64("bytes", sent))
			return
		}
		logger.Error("backup failed", slog.String("error", err.Error()))
		if sent == 0 {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		// Cut the stream, so that the client cannot take what it got for
		// a whole backup.
		panic(http.ErrAbortHandler)
	})
	srv := &http.Server{Handler: mux, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go srv.Serve(ln)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
	}, nil
}

// countingWriter counts what reaches w.
type countingWriter struct {
	w io.Writer
	n *int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

// askServe writes to w the backup taken by the serve running on the data
// directory data. It fails with errNoServe when none answers there.
func askServe(ctx context.Context, data string, w io.Writer) error {
	sock := filepath.Join(data, adminSocket)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://serve/backup", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%s: %w", sock, errNoServe)
	}
	if err != nil {
		return fmt.Errorf("ask serve on %s: %w", sock, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("serve on %s: %s: %s", sock, resp.Status, msg)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("receive the backup from serve on %s: %w", sock, err)
	}
	return nil
}
