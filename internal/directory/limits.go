package directory

import (
	"strings"
	"unicode"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// MaxKeyBytes bounds an indexed value as stored (folded where the key is
// case-insensitive): a userName, externalId, group displayName or work
// email, and an id looked up. Stores use these values in keys, and their
// keys are bounded — DynamoDB refuses partition keys over 2048 bytes with a
// ValidationException, bbolt keys over 32 KiB — so a longer value must be a
// 400 here, not a store failure. No directory comes near: Entra's
// userPrincipalName has at most 113 characters.
const MaxKeyBytes = 1024

// MaxDocBytes bounds a resource's stored document (its JSON without id,
// meta, groups or members): a DynamoDB item holds at most 400 KB, keys and
// bookkeeping included. Entra's largest users are a few KiB.
const MaxDocBytes = 256 << 10

// checkKeys returns a 400 *scim.Error (invalidValue) when an indexed value
// is longer than MaxKeyBytes or holds a control character, which no filter
// can name (RFC 7644 §3.4.2.2 strings are JSON strings, and the bridge's
// filters refuse control characters), so such a resource could never be
// found again.
func checkKeys(k Keys) error {
	for _, v := range []struct {
		name, value string
	}{
		{"userName", k.UserName}, {"externalId", k.ExternalID},
		{"displayName", k.DisplayName}, {`the value of the email typed "work"`, k.Email},
	} {
		if len(v.value) > MaxKeyBytes {
			return scim.BadRequest(scim.InvalidValue, "%s is %d bytes long; at most %d are allowed", v.name, len(v.value), MaxKeyBytes)
		}
		if strings.ContainsFunc(v.value, unicode.IsControl) {
			return scim.BadRequest(scim.InvalidValue, "%s contains a control character", v.name)
		}
	}
	return nil
}

// storable reports whether a store can hold the key or id value at all;
// looking up one it cannot hold would be a store error, not a miss.
func storable(value string) bool { return len(value) <= MaxKeyBytes }
