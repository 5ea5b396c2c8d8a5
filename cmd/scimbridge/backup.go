package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
)

// checkpointer is what `scimbridge backup` needs of the embedded store.
type checkpointer interface {
	// Checkpoint writes a consistent copy of the store at path, where the
	// store's Open finds a store, while the store keeps serving: every
	// write acknowledged before the call is in the copy. It fails if
	// path exists.
	Checkpoint(ctx context.Context, path string) error
}

// The embedded store copies itself; a DynamoDB table has backups of its own.
var _ checkpointer = (*pebblestore.Store)(nil)

// backupCmd is `scimbridge backup --out FILE`: a consistent copy of the
// data directory (the embedded store, the Secret Token and the ACME cache)
// as a gzip-compressed tar that `scimbridge restore` reads. While serve
// runs on the directory, serve takes the copy and streams it through the
// directory's admin socket; otherwise the command opens the store itself.
// FILE is written whole or not at all.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fl := newFlags("backup")
	var w where
	w.flags(fl, "the data directory to back up")
	out := fl.String("out", "", "file to write the backup to, a .tar.gz (required); replaced if it exists")
	if err := fl.Parse(args); err != nil {
		return err
	}
	switch {
	case *out == "":
		return fmt.Errorf("backup needs --out FILE")
	case w.store != "embedded":
		return fmt.Errorf("backup copies the embedded store; a DynamoDB table has backups of its own: " +
			"point-in-time recovery (on in the stack's template) or aws dynamodb create-backup")
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	how, err := fetchBackup(ctx, w.data, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	files, err := checkArchive(tmp.Name())
	if err != nil {
		return fmt.Errorf("backup: the copy is unreadable: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (%d files), %s.\n", w.data, *out, files, how)
	return nil
}

// fetchBackup writes the backup of the data directory data to w, taken by
// the serve that has the store open, else by opening the store here, and
// says which.
func fetchBackup(ctx context.Context, data string, w io.Writer) (string, error) {
	err := askServe(ctx, data, w)
	if err == nil {
		return "taken by the running serve", nil
	}
	if !errors.Is(err, errNoServe) {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(data, embeddedDir)); err != nil {
		return "", fmt.Errorf("no store to back up in %s: %w", data, err)
	}
	st, err := openEmbedded(data)
	if err != nil {
		return "", fmt.Errorf("no serve answers on %s, and the store cannot be opened: %w", filepath.Join(data, adminSocket), err)
	}
	defer st.Close()
	return "with no serve running", writeBackup(ctx, w, data, st)
}

// writeBackup checkpoints st, the store of the data directory data, into a
// temporary directory beside it (a store may link its files there rather
// than copy them) and writes the archive of it to w.
func writeBackup(ctx context.Context, w io.Writer, data string, st checkpointer) error {
	tmp, err := os.MkdirTemp(data, backupTemp+"*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	checkpoint := filepath.Join(tmp, embeddedDir)
	if err := st.Checkpoint(ctx, checkpoint); err != nil {
		return err
	}
	return writeArchive(w, data, checkpoint)
}

// backupTemp prefixes the temporary directories of checkpoints in the data
// directory; serve removes any a crash left.
const backupTemp = ".backup-"

// backedUp are what a backup holds besides the store, relative to the data
// directory: the Secret Token, without which Entra's would stop working, and
// the ACME account and certificates, which Let's Encrypt limits how often
// it issues.
var backedUp = []string{tokenFile, acmeCacheDir}

// writeArchive writes to w a gzip-compressed tar of the checkpoint, named as
// the store is in the data directory, and of backedUp from data.
func writeArchive(w io.Writer, data, checkpoint string) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	if err := addTree(tw, checkpoint, embeddedDir); err != nil {
		return err
	}
	for _, name := range backedUp {
		err := addTree(tw, filepath.Join(data, name), name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// addTree adds the file or directory tree at path to tw as name. Only
// regular files and directories are kept. Each file is read through one
// open descriptor, so a file replaced meanwhile (autocert renames new
// certificates into place) is copied whole, old or new.
func addTree(tw *tar.Writer, path, name string) error {
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		entry := filepath.ToSlash(filepath.Join(name, rel))
		if d.IsDir() {
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: entry + "/", Mode: 0o700})
		}
		if !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: entry, Mode: 0o600, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
			return err
		}
		_, err = io.CopyN(tw, f, fi.Size())
		return err
	})
}

// checkArchive reads the backup at path to its end and returns how many
// files it holds. It fails unless the archive is whole and holds a store.
func checkArchive(path string) (files int, err error) {
	err = readArchive(path, func(hdr *tar.Header, _ io.Reader) error {
		if hdr.Typeflag == tar.TypeReg {
			files++
		}
		return nil
	})
	return files, err
}

// readArchive calls fn with each entry of the backup at path, after
// checking that its name stays inside a directory and that it is a file or
// a directory. It fails if the archive holds no store.
func readArchive(path string, fn func(*tar.Header, io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s is not a scimbridge backup: %w", path, err)
	}
	tr := tar.NewReader(gz)
	store := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		name := strings.TrimSuffix(hdr.Name, "/")
		if !filepath.IsLocal(filepath.FromSlash(name)) || (hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeDir) {
			return fmt.Errorf("%s holds %q, which no backup holds", path, hdr.Name)
		}
		store = store || name == embeddedDir || strings.HasPrefix(name, embeddedDir+"/")
		if err := fn(hdr, tr); err != nil {
			return err
		}
	}
	if !store {
		return fmt.Errorf("%s holds no store", path)
	}
	// The gzip stream must end where the tar does.
	_, err = io.Copy(io.Discard, gz)
	return err
}
