package secrets

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// The version stages Secrets Manager's rotation moves.
const (
	stageCurrent  = "AWSCURRENT"
	stagePrevious = "AWSPREVIOUS"
)

// fetch reads the secret's current and previous versions. A secret without
// a previous version (never rotated), or whose previous version holds no
// token (a mistake since corrected), accepts the current token only; a
// current version that cannot be read or holds no token is an error. The
// previous token is accepted until Options.PreviousFor after the current
// version was created, the rotation.
func (s *Source) fetch(ctx context.Context) (*tokenSet, error) {
	current, rotated, err := s.get(ctx, stageCurrent)
	if err != nil {
		return nil, err
	}
	set := &tokenSet{current: sha256.Sum256([]byte(current)), previousUntil: rotated.Add(s.prevFor)}
	previous, _, err := s.get(ctx, stagePrevious)
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound), errors.Is(err, errFormat):
	case err != nil:
		return nil, err
	default:
		set.previous, set.hasPrevious = sha256.Sum256([]byte(previous)), true
	}
	return set, nil
}

// get returns the token held by the secret's version at stage and when
// that version was created (zero if Secrets Manager does not say).
func (s *Source) get(ctx context.Context, stage string) (string, time.Time, error) {
	out, err := s.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId:     aws.String(s.secretID),
		VersionStage: aws.String(stage),
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("secrets: get %s of %q: %w", stage, s.secretID, err)
	}
	token, err := parse(aws.ToString(out.SecretString))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("secrets: %s of %q: %w", stage, s.secretID, err)
	}
	return token, aws.ToTime(out.CreatedDate), nil
}

// errFormat is the one error for a value that holds no token. It never
// quotes the value, and neither may any error that wraps it.
var errFormat = errors.New(`the secret holds no token: want the token as a string, or {"token": "…"}`)

// parse returns the token in a secret's value: the value itself, or the
// "token" member when the value is a JSON object. Surrounding white space,
// which pasting easily adds, is not part of the token.
func parse(value string) (string, error) {
	value = strings.TrimSpace(value)
	if strings.HasPrefix(value, "{") {
		var v struct {
			Token string `json:"token"`
		}
		// The decoder's error would quote the value, so it is dropped.
		if json.Unmarshal([]byte(value), &v) != nil {
			return "", errFormat
		}
		value = strings.TrimSpace(v.Token)
	}
	if value == "" {
		return "", errFormat
	}
	return value, nil
}
