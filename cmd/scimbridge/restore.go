package main

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// restoreCmd is `scimbridge restore --in FILE --data DIR`: it unpacks a
// backup into a data directory that is new or empty, and opens the store
// there to check it. It never writes over a data directory in use: to go
// back to a backup, stop serve, move the old directory aside, restore, and
// start serve on the restored one.
func restoreCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fl := newFlags("restore")
	in := fl.String("in", "", "the backup to restore, as scimbridge backup wrote it (required)")
	data := fl.String("data", "", "the data directory to restore into; it must be new or empty (required)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *in == "" || *data == "" {
		return fmt.Errorf("restore needs --in FILE and --data DIR")
	}
	if entries, err := os.ReadDir(*data); err == nil && len(entries) > 0 {
		return fmt.Errorf("restore: %s is not empty: restore into a new directory, and start serve with it as --data", *data)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	files, err := unpack(*in, *data)
	if err == nil {
		err = checkStore(ctx, *data)
	}
	if err != nil {
		// The directory was empty: everything in it is ours.
		entries, _ := os.ReadDir(*data)
		for _, e := range entries {
			os.RemoveAll(filepath.Join(*data, e.Name()))
		}
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Restored %s into %s (%d files). Start serve with --data %s.\n", *in, *data, files, *data)
	return nil
}

// unpack writes the backup at path into dir, files 0600 and directories
// 0700 like those serve makes, and returns how many files it wrote.
func unpack(path, dir string) (files int, err error) {
	err = readArchive(path, func(hdr *tar.Header, r io.Reader) error {
		target := filepath.Join(dir, filepath.FromSlash(strings.TrimSuffix(hdr.Name, "/")))
		if hdr.Typeflag == tar.TypeDir {
			return os.MkdirAll(target, 0o700)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return err
		}
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		files++
		return err
	})
	return files, err
}

// checkStore opens the store restored into data and reads from it.
func checkStore(ctx context.Context, data string) error {
	st, err := openEmbedded(data)
	if err != nil {
		return err
	}
	if err := st.Ping(ctx); err != nil {
		st.Close()
		return err
	}
	return st.Close()
}
