package entra

import (
	"context"
	"fmt"
	"slices"
)

// ProvisionGroup exports the group key as g with the users memberKeys
// (docs/entra.md §4.1): it looks the group up by displayName, without
// members; with no hit it POSTs g, with one it adopts it (correcting its
// externalId), with more it fails with ErrDuplicateTargetEntries. Then it
// adds the members in PATCHes of at most the batch size: Entra never reads
// membership back, so it adds every member to a group it matched. A key
// already provisioned is updated as UpdateGroup does.
func (p *Provisioner) ProvisionGroup(ctx context.Context, key string, g Group, memberKeys []string) (string, error) {
	if a, err := p.groupAnchor(key); err == nil {
		return a.id, p.UpdateGroup(ctx, key, g, memberKeys)
	}
	ids, err := p.memberIDs(memberKeys)
	if err != nil {
		return "", fmt.Errorf("provision group %q: %w", key, err)
	}
	hits, err := p.client.FindGroups(ctx, g.DisplayName)
	if err != nil {
		return "", fmt.Errorf("provision group %q: %w", key, err)
	}
	a := &groupAnchor{sent: g, members: map[string]bool{}}
	switch hits.TotalResults {
	case 0:
		res, err := p.client.CreateGroup(ctx, g)
		if err != nil {
			return "", fmt.Errorf("provision group %q: %w", key, err)
		}
		a.id = res["id"].(string)
	case 1:
		if len(hits.Resources) != 1 {
			return "", fmt.Errorf("provision group %q: a match without its resource", key)
		}
		if _, ok := hits.Resources[0]["members"]; ok {
			return "", fmt.Errorf("provision group %q: the lookup returned members despite excludedAttributes=members", key)
		}
		if a.id, err = idOf(hits.Resources[0], "match"); err != nil {
			return "", fmt.Errorf("provision group %q: %w", key, err)
		}
		if ext, _ := hits.Resources[0]["externalId"].(string); g.ExternalID != "" && ext != g.ExternalID {
			ops := []Op{{Op: p.client.dialect.op("replace"), Path: "externalId", Value: g.ExternalID}}
			if err := p.client.PatchGroup(ctx, a.id, ops); err != nil {
				return "", fmt.Errorf("provision group %q: update the match: %w", key, err)
			}
		}
	default:
		return "", fmt.Errorf("provision group %q: displayName eq %q: %w", key, g.DisplayName, ErrDuplicateTargetEntries)
	}
	p.mu.Lock()
	p.groups[key] = a
	p.mu.Unlock()
	if err := p.changeMembers(ctx, a, ids); err != nil {
		return "", fmt.Errorf("provision group %q: %w", key, err)
	}
	return a.id, nil
}

// UpdateGroup renames the group key if g's displayName changed and brings
// its members to memberKeys: the added ones first, then the removed ones,
// each in PATCHes of at most the batch size. A member whose user was
// deleted is removed like any other, as Entra does when it exports the
// group after the user.
func (p *Provisioner) UpdateGroup(ctx context.Context, key string, g Group, memberKeys []string) error {
	a, err := p.groupAnchor(key)
	if err != nil {
		return fmt.Errorf("update group: %w", err)
	}
	ids, err := p.memberIDs(memberKeys)
	if err != nil {
		return fmt.Errorf("update group %q: %w", key, err)
	}
	if g.DisplayName != a.sent.DisplayName {
		if err := p.client.PatchGroup(ctx, a.id, p.client.dialect.Rename(g.DisplayName)); err != nil {
			return fmt.Errorf("update group %q: rename: %w", key, err)
		}
		a.sent.DisplayName = g.DisplayName
	}
	if err := p.changeMembers(ctx, a, ids); err != nil {
		return fmt.Errorf("update group %q: %w", key, err)
	}
	return nil
}

// changeMembers brings a's members to want.
func (p *Provisioner) changeMembers(ctx context.Context, a *groupAnchor, want map[string]bool) error {
	var add, remove []string
	for id := range want {
		if !a.members[id] {
			add = append(add, id)
		}
	}
	for id := range a.members {
		if !want[id] {
			remove = append(remove, id)
		}
	}
	slices.Sort(add)
	slices.Sort(remove)
	d := p.client.dialect
	for batch := range slices.Chunk(add, p.batch) {
		if err := p.client.PatchGroup(ctx, a.id, d.AddMembers(batch)); err != nil {
			return fmt.Errorf("add members: %w", err)
		}
		for _, id := range batch {
			a.members[id] = true
		}
	}
	for batch := range slices.Chunk(remove, p.batch) {
		if err := p.client.PatchGroup(ctx, a.id, d.RemoveMembers(batch)); err != nil {
			return fmt.Errorf("remove members: %w", err)
		}
		for _, id := range batch {
			delete(a.members, id)
		}
	}
	return nil
}

// memberIDs resolves member keys: a user deleted or never provisioned is
// an ErrUnknown.
func (p *Provisioner) memberIDs(keys []string) (map[string]bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ids := make(map[string]bool, len(keys))
	for _, k := range keys {
		a, ok := p.users[k]
		if !ok {
			return nil, fmt.Errorf("member %q: %w", k, ErrUnknown)
		}
		ids[a.id] = true
	}
	return ids, nil
}

// DeleteGroup deletes the group key and forgets it.
func (p *Provisioner) DeleteGroup(ctx context.Context, key string) error {
	a, err := p.groupAnchor(key)
	if err != nil {
		return fmt.Errorf("delete group: %w", err)
	}
	if err := p.client.DeleteGroup(ctx, a.id); err != nil {
		return fmt.Errorf("delete group %q: %w", key, err)
	}
	p.mu.Lock()
	delete(p.groups, key)
	p.mu.Unlock()
	return nil
}
