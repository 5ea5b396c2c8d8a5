package secrets_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

func TestOnPreviousHearsEveryUseOfThePreviousToken(t *testing.T) {
	client := secretsmanager.NewFromConfig(awstest.Config(t))
	name := newSecret(t, client, "old-token")
	var uses atomic.Int64
	s := secrets.New(client, name, nil, secrets.Options{OnPrevious: func(context.Context) { uses.Add(1) }})
	check(t, s, "old-token", true)
	rotate(t, client, name, "new-token")
	for _, token := range []string{"new-token", "old-token", "old-token", "new-token", "wrong"} {
		check(t, s, token, token != "wrong")
	}
	if got := uses.Load(); got != 2 {
		t.Errorf("got %d calls, want 2 (one per use of the previous token)", got)
	}
}

func TestRotatedAtIsWhenTheCurrentVersionWasMade(t *testing.T) {
	client := secretsmanager.NewFromConfig(awstest.Config(t))
	name := newSecret(t, client, "old-token")
	rotate(t, client, name, "new-token")
	got, err := secrets.New(client, name, nil, secrets.Options{}).RotatedAt(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// The emulator dates versions when they are listed; AWS when they
	// are made. Either is within a minute of now here.
	if d := time.Since(got); d < -time.Minute || d > time.Minute {
		t.Errorf("got %v, want about now", got)
	}
	if _, err := secrets.New(client, "no-such-secret", nil, secrets.Options{}).RotatedAt(t.Context()); err == nil {
		t.Error("RotatedAt of a missing secret: got no error")
	}
}
