package reconcile

import (
	"context"
	"encoding/json"
)

// NoticeKind says what a notice is about.
type NoticeKind string

// The kinds of notice a run sends.
const (
	NoticeDigest        NoticeKind = "digest"
	NoticeStalled       NoticeKind = "stalled"
	NoticeResumed       NoticeKind = "resumed"
	NoticePreviousToken NoticeKind = "previous-token"
	NoticePurge         NoticeKind = "purge"
)

// Notice is one message for the bridge's owner: an e-mail's subject and
// text, and the same facts as JSON for programs.
type Notice struct {
	Kind NoticeKind
	// Subject states the problem and its count in one line of fewer than
	// 100 characters (SNS's limit for subjects).
	Subject string
	// Body is plain text for a person.
	Body string
	// Data is the notice's facts as a JSON object.
	Data json.RawMessage
}

// Notifier publishes notices. It is declared here, where it is used;
// internal/notify has the SNS and log implementations.
type Notifier interface {
	// Notify publishes n once; an error means it may not have been.
	Notify(ctx context.Context, n Notice) error
}

// maxSubject is SNS's limit on a subject: UTF-8, less than 100 characters.
const maxSubject = 99

// subject cuts s to maxSubject characters, ending a cut one with "…".
func subject(s string) string {
	r := []rune(s)
	if len(r) <= maxSubject {
		return s
	}
	return string(r[:maxSubject-1]) + "…"
}

// mustJSON marshals the notices' data, which are structs of strings,
// numbers and times and cannot fail to marshal.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("reconcile: marshal notice data: " + err.Error())
	}
	return b
}
