package entra

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrUnknown is returned for a user or group key the Provisioner has not
// provisioned (or has deleted).
var ErrUnknown = errors.New("not provisioned")

// ErrDuplicateTargetEntries is the error of a match that found more than one
// user or group, named after the code Entra's provisioning logs show.
var ErrDuplicateTargetEntries = errors.New("DuplicateTargetEntries: the match found more than one resource")

// DefaultMemberBatch is how many members the Provisioner adds or removes
// per PATCH unless told otherwise.
const DefaultMemberBatch = 100

// Provisioner is Entra's provisioning engine over a Client: users and
// groups are named by a key of the caller's (Entra's source object id);
// it matches before it creates, remembers the id each key got (Entra's
// anchor) and what it last sent, and afterwards sends only what changed.
// It is safe for concurrent use as long as no two goroutines work on the
// same key at once.
type Provisioner struct {
	client  *Client
	matchOn Matching
	batch   int

	mu     sync.Mutex
	users  map[string]*userAnchor
	groups map[string]*groupAnchor
}

type userAnchor struct {
	id      string
	sent    User
	manager string // the manager's id
}

type groupAnchor struct {
	id      string
	sent    Group
	members map[string]bool // user ids
}

// NewProvisioner returns a provisioner that matches users on matchOn and
// changes at most memberBatch members per PATCH (DefaultMemberBatch if it
// is not positive).
func NewProvisioner(c *Client, matchOn Matching, memberBatch int) *Provisioner {
	if memberBatch <= 0 {
		memberBatch = DefaultMemberBatch
	}
	return &Provisioner{client: c, matchOn: matchOn, batch: memberBatch, users: map[string]*userAnchor{}, groups: map[string]*groupAnchor{}}
}

// TestConnection sends Test Connection's probes: a user filter on the
// matching attribute for a random GUID and a group lookup for another,
// and fails unless both answer 200 with no results (docs/entra.md
// §2.1).
func (p *Provisioner) TestConnection(ctx context.Context) error {
	users, err := p.client.FindUsers(ctx, p.matchOn, newGUID())
	if err != nil {
		return fmt.Errorf("test connection: %w", err)
	}
	groups, err := p.client.FindGroups(ctx, newGUID())
	if err != nil {
		return fmt.Errorf("test connection: %w", err)
	}
	if users.TotalResults != 0 || groups.TotalResults != 0 {
		return fmt.Errorf("test connection: probes for random values found %d users and %d groups", users.TotalResults, groups.TotalResults)
	}
	return nil
}

// UserID returns the id the user key was provisioned as.
func (p *Provisioner) UserID(key string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, ok := p.users[key]
	if !ok {
		return "", false
	}
	return a.id, true
}

// GroupID returns the id the group key was provisioned as.
func (p *Provisioner) GroupID(key string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, ok := p.groups[key]
	if !ok {
		return "", false
	}
	return a.id, true
}

func (p *Provisioner) userAnchor(key string) (*userAnchor, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, ok := p.users[key]
	if !ok {
		return nil, fmt.Errorf("user %q: %w", key, ErrUnknown)
	}
	return a, nil
}

func (p *Provisioner) groupAnchor(key string) (*groupAnchor, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, ok := p.groups[key]
	if !ok {
		return nil, fmt.Errorf("group %q: %w", key, ErrUnknown)
	}
	return a, nil
}

// ProvisionUser exports the user key as u, the way Entra exports a user it
// has no anchor for (docs/entra.md §2.2): it looks the user up by the
// matching attribute; with no hit it POSTs u, with one it PATCHes only the
// attributes (and active) the hit differs in, with more it fails with
// ErrDuplicateTargetEntries. It returns the user's id. A key already provisioned
// is updated as UpdateUser does.
func (p *Provisioner) ProvisionUser(ctx context.Context, key string, u User) (string, error) {
	if a, err := p.userAnchor(key); err == nil {
		return a.id, p.UpdateUser(ctx, key, u)
	}
	value := p.matchOn.Of(u)
	if value == "" {
		return "", fmt.Errorf("provision user %q: no %s to match on", key, p.matchOn)
	}
	hits, err := p.client.FindUsers(ctx, p.matchOn, value)
	if err != nil {
		return "", fmt.Errorf("provision user %q: %w", key, err)
	}
	a := &userAnchor{sent: u}
	switch {
	case hits.TotalResults == 0:
		res, err := p.client.CreateUser(ctx, u)
		if err != nil {
			return "", fmt.Errorf("provision user %q: %w", key, err)
		}
		a.id = res["id"].(string) // CreateUser checked it
	case hits.TotalResults == 1 && len(hits.Resources) == 1:
		if a.id, err = idOf(hits.Resources[0], "match"); err != nil {
			return "", fmt.Errorf("provision user %q: %w", key, err)
		}
		var found User
		found, a.manager = UserOf(hits.Resources[0])
		if ops := p.client.dialect.UserChanges(found, u); len(ops) > 0 {
			if _, err := p.client.PatchUser(ctx, a.id, ops); err != nil {
				return "", fmt.Errorf("provision user %q: update the match: %w", key, err)
			}
		}
		a.sent = merge(found, u)
	default:
		return "", fmt.Errorf("provision user %q: %s eq %q: %w", key, p.matchOn, value, ErrDuplicateTargetEntries)
	}
	p.mu.Lock()
	p.users[key] = a
	p.mu.Unlock()
	return a.id, nil
}

// UpdateUser sends the changes from what was last sent for key to u in
// one PATCH, if there are any: disabling or re-enabling is a change of
// u.Active.
func (p *Provisioner) UpdateUser(ctx context.Context, key string, u User) error {
	a, err := p.userAnchor(key)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if ops := p.client.dialect.UserChanges(a.sent, u); len(ops) > 0 {
		if _, err := p.client.PatchUser(ctx, a.id, ops); err != nil {
			return fmt.Errorf("update user %q: %w", key, err)
		}
	}
	a.sent = merge(a.sent, u)
	return nil
}

// merge returns what the target holds after the changes from old to new
// were sent: new, except where new is empty, which Entra does not send.
func merge(old, new User) User {
	for _, a := range userAttributes {
		if *a.field(&new) == "" {
			*a.field(&new) = *a.field(&old)
		}
	}
	return new
}

// SetManager links the user key to the manager managerKey, or unlinks its
// manager if managerKey is "", in a PATCH of its own as Entra links
// references after the users exist (docs/entra.md §2.5). Nothing is sent if the
// manager is unchanged. A managerKey not provisioned is an ErrUnknown.
func (p *Provisioner) SetManager(ctx context.Context, key, managerKey string) error {
	a, err := p.userAnchor(key)
	if err != nil {
		return fmt.Errorf("set manager: %w", err)
	}
	var id string
	if managerKey != "" {
		m, err := p.userAnchor(managerKey)
		if err != nil {
			return fmt.Errorf("set manager of %q: %w", key, err)
		}
		id = m.id
	}
	if ops := p.client.dialect.Manager(a.manager, id); len(ops) > 0 {
		if _, err := p.client.PatchUser(ctx, a.id, ops); err != nil {
			return fmt.Errorf("set manager of %q: %w", key, err)
		}
	}
	a.manager = id
	return nil
}

// DeleteUser deletes the user key (a hard delete in Entra) and forgets it.
func (p *Provisioner) DeleteUser(ctx context.Context, key string) error {
	a, err := p.userAnchor(key)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if err := p.client.DeleteUser(ctx, a.id); err != nil {
		return fmt.Errorf("delete user %q: %w", key, err)
	}
	p.mu.Lock()
	delete(p.users, key)
	p.mu.Unlock()
	return nil
}
