package notify_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/notify"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// The SNS notifier is tested end to end, through an SQS queue, by the
// reconcile package's notice tests.

func TestLogWritesTheNotice(t *testing.T) {
	var out bytes.Buffer
	n := reconcile.Notice{Kind: reconcile.NoticeStalled, Subject: "scim-bridge: no requests", Body: "text", Data: json.RawMessage(`{}`)}
	if err := notify.NewLog(slog.New(slog.NewJSONHandler(&out, nil))).Notify(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"level": "WARN", "kind": "stalled", "subject": n.Subject, "body": n.Body} {
		if line[k] != want {
			t.Errorf("%s = %v, want %q", k, line[k], want)
		}
	}
}
