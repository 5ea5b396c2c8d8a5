package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// healthURL returns the health check's URL beside a Tenant URL.
func healthURL(t *testing.T, tenant string) string {
	t.Helper()
	u, err := url.Parse(tenant)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/healthz"
	return u.String()
}

// hostPort returns the host and port of a Tenant URL, as --addr takes it.
func hostPort(t *testing.T, tenant string) string {
	t.Helper()
	u, err := url.Parse(tenant)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// useMoto points the AWS SDK's default chain at the emulator, with no
// developer settings read, and returns a client of it.
func useMoto(t *testing.T) *dynamodb.Client {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", awstest.Endpoint(t))
	t.Setenv("AWS_REGION", awstest.Region)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	return dynamodb.NewFromConfig(awstest.Config(t))
}

func TestHealthOnTheEmbeddedStore(t *testing.T) {
	data := t.TempDir()
	tenant, _, stop := startServe(t, "--data", data, "--token", "t0k3n")
	defer stop()
	for range 3 {
		resp, body := get(t, healthURL(t, tenant), "")
		if resp.StatusCode != http.StatusOK || body != "ok\n" {
			t.Fatalf("GET /healthz: %d %q, want 200 ok", resp.StatusCode, body)
		}
	}
	if err := run(t.Context(), []string{"healthcheck", "--addr", hostPort(t, tenant)}, io.Discard, io.Discard); err != nil {
		t.Errorf("healthcheck of plain HTTP: %v", err)
	}
	// No token, yet nothing recorded: neither a failure nor a mark of
	// Entra's traffic.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st, err := openEmbedded(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	failures, err := st.Failures(t.Context(), time.Time{}, time.Now().Add(time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	seen, err := st.LastSeen(t.Context(), journal.SeenRequest)
	if err != nil {
		t.Fatal(err)
	}
	if len(failures) != 0 || !seen.IsZero() {
		t.Errorf("health checks were recorded: %d failures, Entra last seen %v", len(failures), seen)
	}
}

func TestHealthOnDynamoDB(t *testing.T) {
	client := useMoto(t)
	table := awstest.Name(t, "health")
	if err := dynamo.CreateTable(t.Context(), client, table); err != nil {
		t.Fatal(err)
	}
	tenant, _, stop := startServe(t, "--store", "dynamodb", "--table", table, "--data", t.TempDir(), "--token", "t0k3n")
	defer stop()
	if resp, body := get(t, healthURL(t, tenant), ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("with the table: %d %q", resp.StatusCode, body)
	}

	if _, err := client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, healthURL(t, tenant), "")
	if resp.StatusCode != http.StatusServiceUnavailable || body != "unavailable\n" {
		t.Errorf("without the table: %d %q, want 503 and no details", resp.StatusCode, body)
	}
	err := run(t.Context(), []string{"healthcheck", "--addr", hostPort(t, tenant)}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("healthcheck of an unhealthy bridge: %v, want an error naming the 503", err)
	}
}

func TestHealthcheckOverHTTPS(t *testing.T) {
	tenant, _, _, stop := startHTTPS(t, "--addr", ":0")
	defer stop()
	// --addr as serve was given it: every interface, the port.
	_, port, _ := strings.Cut(hostPort(t, tenant), ":")
	if err := run(t.Context(), []string{"healthcheck", "--addr", ":" + port}, io.Discard, io.Discard); err != nil {
		t.Errorf("healthcheck of HTTPS: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), []string{"healthcheck", "--addr", ":" + port}, io.Discard, io.Discard); err == nil {
		t.Error("healthcheck of a stopped bridge succeeded")
	}
}
