package lambdatest

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
)

// StartMoto starts moto_server, the AWS API emulator the functions use for
// DynamoDB and Secrets Manager. Its error wraps ErrNotInstalled when
// moto_server is not on PATH. (Tests use awstest.Endpoint instead, which
// shares one server per test binary.) The caller must Stop it.
func StartMoto(context.Context) (*awstest.Server, error) {
	srv, err := awstest.Start()
	if errors.Is(err, exec.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", err, ErrNotInstalled)
	}
	return srv, err
}
