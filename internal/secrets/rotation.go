package secrets

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// RotatedAt returns when the secret's current token was set: the creation
// time of the version labelled AWSCURRENT, from ListSecretVersionIds (which
// needs secretsmanager:ListSecretVersionIds). It is the rotation time for a
// rotated secret and the creation time for one never rotated; the
// reconciler compares it with the last use of the previous token. It fails
// if the secret cannot be read or has no current version.
func (s *Source) RotatedAt(ctx context.Context) (time.Time, error) {
	in := &secretsmanager.ListSecretVersionIdsInput{SecretId: aws.String(s.secretID)}
	for p := secretsmanager.NewListSecretVersionIdsPaginator(s.client, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return time.Time{}, fmt.Errorf("secrets: list versions of %q: %w", s.secretID, err)
		}
		for _, v := range out.Versions {
			if slices.Contains(v.VersionStages, stageCurrent) && v.CreatedDate != nil {
				return v.CreatedDate.UTC(), nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("secrets: %q has no %s version", s.secretID, stageCurrent)
}
