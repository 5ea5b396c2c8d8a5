package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tokenFile is where serve keeps the generated token, inside the data
// directory, readable by its owner only.
const tokenFile = "token"

// localToken returns the token to accept: the given one, else the one kept in
// dir, else a new random one that is kept there. generated says whether it
// is new, so it is printed once.
func localToken(given, dir string) (token string, generated bool, err error) {
	if given != "" {
		return given, false, nil
	}
	path := filepath.Join(dir, tokenFile)
	b, err := os.ReadFile(path)
	if err == nil && strings.TrimSpace(string(b)) != "" {
		return strings.TrimSpace(string(b)), false, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("read token: %w", err)
	}
	// 32 random bytes, hex-encoded: 64 characters that survive any header.
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	token = hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", false, fmt.Errorf("keep token: %w", err)
	}
	return token, true, nil
}
