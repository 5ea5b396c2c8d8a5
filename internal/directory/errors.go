package directory

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// maxAttempts bounds the re-read and re-apply loop of a write that lost a
// version race (PATCH is relative, so applying it again to the new version
// is correct).
const maxAttempts = 5

// scimError turns a store error into the SCIM answer for the resource at
// hand. Unavailable and unknown errors pass through for the HTTP layer.
func scimError(rt *scim.ResourceType, id string, attrs map[string]any, err error) error {
	var ce *ConflictError
	switch {
	case errors.As(err, &ce):
		value := ce.Value
		if attrs != nil {
			if v, ok := attrs[string(ce.Key)].(string); ok {
				value = v
			}
		}
		return scim.Conflict("a %s with %s %q already exists", rt.Name, ce.Key, value)
	case errors.Is(err, ErrNotFound):
		return scim.NotFound(rt.Name, id)
	}
	return err
}

func preconditionFailed(rt *scim.ResourceType, id string) error {
	return scim.Errorf(http.StatusPreconditionFailed, "", "%s %q has changed: If-Match does not hold", rt.Name, id)
}

// maxNamedMembers bounds the unknown members an error names, so that a
// hostile PATCH of 100,000 made-up ids is not echoed back whole.
const maxNamedMembers = 10

func missingMembers(ids []string) error {
	named := make([]string, 0, maxNamedMembers)
	for _, id := range ids[:min(len(ids), maxNamedMembers)] {
		if len(id) > 64 {
			id = strings.ToValidUTF8(id[:64], "") + "…"
		}
		named = append(named, id)
	}
	more := ""
	if n := len(ids) - len(named); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	return scim.BadRequest(scim.InvalidValue, "members must be existing users; unknown: %v%s", named, more)
}

func busy(rt *scim.ResourceType, id string) error {
	return scim.Unavailable(1, "%s %q is being changed concurrently; retry", rt.Name, id)
}

func wrap(op string, rt *scim.ResourceType, id string, err error) error {
	return fmt.Errorf("directory: %s %s %q: %w", op, rt.Name, id, err)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
