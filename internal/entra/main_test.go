package entra_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
)

func TestMain(m *testing.M) { awstest.Main(m) }
