package publisher_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/awsapp/publisher"
)

func TestReadEnv(t *testing.T) {
	env := map[string]string{"EVENT_BUS_NAME": "scim-bridge", "LOG_LEVEL": "DEBUG"}
	got, err := publisher.ReadEnv(func(k string) string { return env[k] })
	if want := (publisher.Settings{EventBus: "scim-bridge", LogLevel: "DEBUG"}); err != nil || got != want {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
	if _, err := publisher.ReadEnv(func(string) string { return "" }); err == nil {
		t.Error("no error without EVENT_BUS_NAME")
	}
}
