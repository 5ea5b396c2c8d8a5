package dynamo_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) directory.Store {
		s, _ := newStore(t)
		return s
	})
}
