package reconcile

import (
	"context"
	"errors"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// page is one page of items being checked, with what was read about them.
type page struct {
	records, uniques, entries, members []directory.Item
	// known holds the records the page's items name; owners the id each
	// uniqueness item of the page's records names; indexed the index
	// entries of the page's records that are stored.
	known   map[directory.Ref]directory.Item
	owners  map[directory.Unique]string
	indexed map[directory.Entry]bool
	// gone are the records the run deleted while checking the page.
	gone map[directory.Ref]bool
}

// check checks and repairs one page of items. It reads what the items name
// in three batches, then repairs item by item: interrupted deletes
// first, then purges, then the keys of the remaining records, uniqueness
// items, index entries and memberships.
func (r *run) check(ctx context.Context, items []directory.Item) error {
	pg := &page{gone: map[directory.Ref]bool{}}
	for _, it := range items {
		switch it.Type {
		case directory.ItemRecord:
			pg.records = append(pg.records, it)
		case directory.ItemUnique:
			pg.uniques = append(pg.uniques, it)
		case directory.ItemEntry:
			pg.entries = append(pg.entries, it)
		case directory.ItemMember:
			pg.members = append(pg.members, it)
		}
	}
	if err := r.read(ctx, pg); err != nil {
		return err
	}
	for _, fn := range []func(context.Context, *page) error{
		r.finishDeletes, r.purge, r.checkKeys, r.checkUniques, r.checkLegacyUniques,
		r.checkEntryKeys, r.checkEntries, r.checkMembers,
	} {
		if err := fn(ctx, pg); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, it := range pg.records {
		if !pg.gone[refOf(it)] {
			r.tally[it.Record.Kind]++
		}
	}
	return nil
}

func refOf(it directory.Item) directory.Ref {
	return directory.Ref{Kind: it.Record.Kind, ID: it.Record.ID}
}

// live reports whether ref names a stored record that is not being deleted.
func (pg *page) live(ref directory.Ref) bool {
	it, ok := pg.known[ref]
	return ok && !it.Deleting
}

// read fills pg.known, pg.owners and pg.indexed, asking for each record,
// uniqueness item and index entry once: the uniqueness items and index
// entries of live records' keys, then the records that uniqueness items,
// index entries and memberships name.
func (r *run) read(ctx context.Context, pg *page) error {
	refs := map[directory.Ref]bool{}
	for _, it := range pg.uniques {
		refs[directory.Ref{Kind: it.Unique.Kind, ID: it.Owner}] = true
	}
	for _, it := range pg.entries {
		refs[directory.Ref{Kind: it.Entry.Kind, ID: it.Entry.ID}] = true
	}
	for _, it := range pg.members {
		refs[directory.Ref{Kind: directory.KindUser, ID: it.UserID}] = true
		refs[directory.Ref{Kind: directory.KindGroup, ID: it.GroupID}] = true
	}
	// Two records holding one key (a conflict) ask for its item once.
	keys := map[directory.Unique]bool{}
	var entries []directory.Entry
	for _, it := range pg.records {
		if !it.Deleting {
			for _, u := range directory.Uniques(it.Record) {
				keys[u] = true
			}
			entries = append(entries, directory.Entries(it.Record)...)
		}
	}
	var err error
	if pg.owners, err = r.Store.Owners(ctx, setToSlice(keys)); err != nil {
		return err
	}
	if pg.indexed, err = r.Store.Entries(ctx, entries); err != nil {
		return err
	}
	for u, owner := range pg.owners {
		refs[directory.Ref{Kind: u.Kind, ID: owner}] = true
	}
	pg.known, err = r.Store.Records(ctx, setToSlice(refs))
	return err
}

func setToSlice[T comparable](set map[T]bool) []T {
	out := make([]T, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	return out
}

// repaired sorts out a repair's error: it reports whether the repair was
// made, and returns the error only when the run must stop (the store is
// unavailable or the context is done). A condition that no longer held (a
// concurrent write won) leaves the item to a later pass; any other error is
// recorded in the report and the run goes on, so one bad item cannot stop
// the pass.
func (r *run) repaired(ctx context.Context, what string, err error) (bool, error) {
	var ce *directory.ConflictError
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, directory.ErrVersion), errors.Is(err, directory.ErrNotFound), errors.As(err, &ce):
		return false, nil
	case errors.Is(err, directory.ErrUnavailable), ctx.Err() != nil:
		return false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.RepairsFailed++
	if len(r.rep.RepairErrors) < maxListed {
		r.rep.RepairErrors = append(r.rep.RepairErrors, what+": "+err.Error())
	}
	return false, nil
}

// finishDeletes deletes again the records whose delete was interrupted;
// the store's Delete finishes what the first one began.
func (r *run) finishDeletes(ctx context.Context, pg *page) error {
	found, repaired := 0, 0
	for _, it := range pg.records {
		if !it.Deleting {
			continue
		}
		found++
		if r.DryRun {
			continue
		}
		ok, err := r.repaired(ctx, "finish delete of "+string(it.Record.Kind)+" "+it.Record.ID,
			r.Store.Delete(ctx, it.Record.Kind, it.Record.ID))
		if err != nil {
			return err
		}
		if ok {
			repaired++
			r.forget(pg, refOf(it))
		}
	}
	r.count(Delete, len(pg.records), found, repaired)
	return nil
}

// forget notes that the run deleted ref: it no longer counts towards its
// kind's records, and the page's later checks treat it as gone.
func (r *run) forget(pg *page, ref directory.Ref) {
	pg.gone[ref] = true
	delete(pg.known, ref)
	r.mu.Lock()
	r.deleted[ref.Kind]++
	r.mu.Unlock()
}

// checkKeys makes every live record hold the uniqueness items of its keys.
// A missing item is claimed; an item naming a record that does not hold
// the key is released and then claimed; an item naming another live
// record that holds the key is a conflict.
func (r *run) checkKeys(ctx context.Context, pg *page) error {
	checked, found, repaired := 0, 0, 0
	for _, it := range pg.records {
		if it.Deleting || pg.gone[refOf(it)] {
			continue
		}
		checked++
		rec := it.Record
		for _, u := range directory.Uniques(rec) {
			owner, ok := pg.owners[u]
			if ok && owner == rec.ID {
				continue
			}
			found++
			if holder, held := pg.known[directory.Ref{Kind: u.Kind, ID: owner}]; ok && held && holder.Record.Keys.Get(u.Key) == u.Value {
				// A holder being deleted releases the key when its
				// delete finishes; a live one is a conflict.
				if !holder.Deleting {
					r.conflict(Conflict{Kind: u.Kind, Key: u.Key, ID: rec.ID, Holder: owner})
				}
				continue
			}
			if r.DryRun {
				continue
			}
			what := "claim " + string(u.Key) + " of " + string(rec.Kind) + " " + rec.ID
			if ok {
				if _, err := r.repaired(ctx, what, r.Store.ReleaseUnique(ctx, u, owner)); err != nil {
					return err
				}
			}
			done, err := r.repaired(ctx, what, r.Store.ClaimUnique(ctx, u, rec.ID, rec.Version))
			if err != nil {
				return err
			}
			if done {
				repaired++
			}
		}
	}
	r.count(UniqueKeys, checked, found, repaired)
	return nil
}

func (r *run) conflict(c Conflict) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.rep.Conflicts) < maxListed {
		r.rep.Conflicts = append(r.rep.Conflicts, c)
	}
}

// checkUniques releases uniqueness items whose owner is gone or does not
// hold the key. An owner being deleted holds its keys until its delete
// releases them. Items of keys that are no longer unique are
// checkLegacyUniques'.
func (r *run) checkUniques(ctx context.Context, pg *page) error {
	found, repaired, checked := 0, 0, 0
	for _, it := range pg.uniques {
		u := it.Unique
		if !directory.IsUnique(u.Kind, u.Key) {
			continue
		}
		checked++
		if pg.gone[directory.Ref{Kind: u.Kind, ID: it.Owner}] {
			continue // the run's delete of the owner released it
		}
		if owner, ok := pg.known[directory.Ref{Kind: u.Kind, ID: it.Owner}]; ok && owner.Record.Keys.Get(u.Key) == u.Value {
			continue
		}
		found++
		if r.DryRun {
			continue
		}
		done, err := r.repaired(ctx, "release "+string(u.Key)+" of "+string(u.Kind)+" "+it.Owner,
			r.Store.ReleaseUnique(ctx, u, it.Owner))
		if err != nil {
			return err
		}
		if done {
			repaired++
		}
	}
	r.count(UniqueOwner, checked, found, repaired)
	return nil
}

// checkMembers removes memberships whose user or group is gone or being
// deleted, one RemoveMembers per group.
func (r *run) checkMembers(ctx context.Context, pg *page) error {
	orphans := map[string][]string{}
	found := 0
	for _, it := range pg.members {
		user, group := directory.Ref{Kind: directory.KindUser, ID: it.UserID}, directory.Ref{Kind: directory.KindGroup, ID: it.GroupID}
		if pg.gone[user] || pg.gone[group] {
			continue // the run's delete removed it
		}
		if pg.live(user) && pg.live(group) {
			continue
		}
		found++
		orphans[it.GroupID] = append(orphans[it.GroupID], it.UserID)
	}
	repaired := 0
	if !r.DryRun {
		for gid, uids := range orphans {
			done, err := r.repaired(ctx, "remove members of group "+gid, r.Store.RemoveMembers(ctx, gid, uids))
			if err != nil {
				return err
			}
			if done {
				repaired += len(uids)
			}
		}
	}
	r.count(Membership, len(pg.members), found, repaired)
	return nil
}
