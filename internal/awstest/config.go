package awstest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the region every emulated resource lives in.
const Region = "us-east-1"

// Config returns an AWS configuration for clients of the emulator at
// Endpoint: static credentials "test"/"test", Region, and the emulator as the
// base endpoint of every service. It reads no environment or shared files,
// so a developer's own AWS settings can never reach a test.
func Config(t testing.TB) aws.Config {
	t.Helper()
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(Endpoint(t)),
	}
}

// Name returns a name for a table or secret that no other test, in this
// binary or another one sharing the emulator, uses: prefix, the test's name
// reduced to letters and digits (cut to keep names short), and random hex.
func Name(t testing.TB, prefix string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("awstest: random name: %v", err)
	}
	test := strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, t.Name())
	if len(test) > 40 {
		test = test[len(test)-40:]
	}
	return prefix + "-" + test + "-" + hex.EncodeToString(b[:])
}
