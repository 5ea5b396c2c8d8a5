package entra

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// Matching is a user attribute Entra can match existing users on
// (docs/entra.md §2.2, §5.1).
type Matching int

const (
	// MatchUserName matches userName with the user principal name: the
	// default.
	MatchUserName Matching = iota
	// MatchExternalID matches externalId (mailNickname or objectId).
	MatchExternalID
	// MatchWorkEmail matches the work email with mail.
	MatchWorkEmail
)

// String returns the attribute path the filter names.
func (m Matching) String() string {
	switch m {
	case MatchExternalID:
		return "externalId"
	case MatchWorkEmail:
		return `emails[type eq "work"].value`
	}
	return "userName"
}

// Of returns u's value of the matching attribute.
func (m Matching) Of(u User) string {
	switch m {
	case MatchExternalID:
		return u.ExternalID
	case MatchWorkEmail:
		return u.WorkEmail
	}
	return u.UserName
}

// FindUsers sends the lookup Entra sends before it creates a user (and,
// with a random value, Test Connection's probe):
// GET /Users?filter=<m> eq "<value>". It returns the ListResponse; any
// status but 200 is a *StatusError (a 404 would quarantine the job).
func (c *Client) FindUsers(ctx context.Context, m Matching, value string) (*List, error) {
	return c.list(ctx, "/Users", param{"filter", m.String() + " eq " + strconv.Quote(value)})
}

// FindGroups sends Entra's group lookup:
// GET /Groups?excludedAttributes=members&filter=displayName eq "<name>".
func (c *Client) FindGroups(ctx context.Context, displayName string) (*List, error) {
	return c.list(ctx, "/Groups", param{"excludedAttributes", "members"}, param{"filter", "displayName eq " + strconv.Quote(displayName)})
}

// ListUsers returns the page of users from the 1-based startIndex, count
// at most (RFC 7644 §3.4.2.4): Test Connection fetches one this way.
func (c *Client) ListUsers(ctx context.Context, startIndex, count int) (*List, error) {
	return c.list(ctx, "/Users", param{"startIndex", strconv.Itoa(startIndex)}, param{"count", strconv.Itoa(count)})
}

// ListGroups returns a page of groups, with their members only if members
// is set.
func (c *Client) ListGroups(ctx context.Context, startIndex, count int, members bool) (*List, error) {
	ps := []param{{"startIndex", strconv.Itoa(startIndex)}, {"count", strconv.Itoa(count)}}
	if !members {
		ps = append([]param{{"excludedAttributes", "members"}}, ps...)
	}
	return c.list(ctx, "/Groups", ps...)
}

// CheckManager sends the legacy reference check (docs/entra.md §2.9):
// GET /Users?filter=id eq "<user>" and manager eq "<manager>"&attributes=id,
// and reports whether it found the user.
func (c *Client) CheckManager(ctx context.Context, userID, managerID string) (bool, error) {
	return c.check(ctx, "/Users", fmt.Sprintf("id eq %q and manager eq %q", userID, managerID))
}

// CheckMember sends the legacy membership check:
// GET /Groups?filter=id eq "<group>" and members eq "<user>"&attributes=id.
func (c *Client) CheckMember(ctx context.Context, groupID, userID string) (bool, error) {
	return c.check(ctx, "/Groups", fmt.Sprintf("id eq %q and members eq %q", groupID, userID))
}

func (c *Client) check(ctx context.Context, endpoint, filter string) (bool, error) {
	l, err := c.list(ctx, endpoint, param{"filter", filter}, param{"attributes", "id"})
	if err != nil {
		return false, err
	}
	if l.TotalResults > 1 {
		return false, fmt.Errorf("GET %s?filter=%s: %d results for one id", endpoint, filter, l.TotalResults)
	}
	return l.TotalResults == 1, nil
}

func (c *Client) list(ctx context.Context, endpoint string, ps ...param) (*List, error) {
	res, err := c.send(ctx, http.MethodGet, endpoint, ps, nil)
	if err != nil {
		return nil, err
	}
	if err := expect(http.MethodGet, endpoint, res, http.StatusOK); err != nil {
		return nil, err
	}
	l, err := decodeList(res)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", endpoint, err)
	}
	return l, nil
}

// CreateUser POSTs u as Entra does (User.Body) and returns the created
// resource. Any status but 201 is a *StatusError, and so is a 201 without
// an id.
func (c *Client) CreateUser(ctx context.Context, u User) (map[string]any, error) {
	return c.create(ctx, "/Users", u.Body())
}

// CreateGroup POSTs g as Entra does (Group.Body), without members.
func (c *Client) CreateGroup(ctx context.Context, g Group) (map[string]any, error) {
	return c.create(ctx, "/Groups", g.Body())
}

func (c *Client) create(ctx context.Context, endpoint string, body map[string]any) (map[string]any, error) {
	res, err := c.send(ctx, http.MethodPost, endpoint, nil, body)
	if err != nil {
		return nil, err
	}
	if err := expect(http.MethodPost, endpoint, res, http.StatusCreated); err != nil {
		return nil, err
	}
	obj, err := res.Object()
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", endpoint, err)
	}
	id, err := idOf(obj, "POST "+endpoint)
	if err != nil {
		return nil, err
	}
	c.adopt(endpoint, id)
	return obj, nil
}

// GetUser returns the user id (GET /Users/{id}); a missing one is a
// *StatusError with Status 404.
func (c *Client) GetUser(ctx context.Context, id string) (map[string]any, error) {
	return c.get(ctx, "/Users/"+id, nil)
}

// GetGroup returns the group id, with its members if members is set, else
// as Entra reads it: GET /Groups/{id}?excludedAttributes=members.
func (c *Client) GetGroup(ctx context.Context, id string, members bool) (map[string]any, error) {
	var ps []param
	if !members {
		ps = []param{{"excludedAttributes", "members"}}
	}
	return c.get(ctx, "/Groups/"+id, ps)
}

func (c *Client) get(ctx context.Context, path string, ps []param) (map[string]any, error) {
	res, err := c.send(ctx, http.MethodGet, path, ps, nil)
	if err != nil {
		return nil, err
	}
	if err := expect(http.MethodGet, path, res, http.StatusOK); err != nil {
		return nil, err
	}
	obj, err := res.Object()
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	return obj, nil
}

// PatchUser sends ops to the user id and returns the resource of a 200
// answer, nil for a 204; other statuses are a *StatusError.
func (c *Client) PatchUser(ctx context.Context, id string, ops []Op) (map[string]any, error) {
	return c.patch(ctx, "/Users/"+id, ops)
}

// PatchGroup sends ops to the group id; 204 and 200 are success.
func (c *Client) PatchGroup(ctx context.Context, id string, ops []Op) error {
	_, err := c.patch(ctx, "/Groups/"+id, ops)
	return err
}

func (c *Client) patch(ctx context.Context, path string, ops []Op) (map[string]any, error) {
	res, err := c.send(ctx, http.MethodPatch, path, nil, patchBody(ops))
	if err != nil {
		return nil, err
	}
	if err := expect(http.MethodPatch, path, res, http.StatusOK, http.StatusNoContent); err != nil {
		return nil, err
	}
	if res.Status == http.StatusNoContent {
		return nil, nil
	}
	obj, err := res.Object()
	if err != nil {
		return nil, fmt.Errorf("PATCH %s: %w", path, err)
	}
	return obj, nil
}

// DeleteUser deletes the user id; any status but 204 is a *StatusError.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	return c.delete(ctx, "/Users/"+id)
}

// DeleteGroup deletes the group id; any status but 204 is a *StatusError.
func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	return c.delete(ctx, "/Groups/"+id)
}

func (c *Client) delete(ctx context.Context, path string) error {
	res, err := c.send(ctx, http.MethodDelete, path, nil, nil)
	if err != nil {
		return err
	}
	err = expect(http.MethodDelete, path, res, http.StatusNoContent)
	return err
}
