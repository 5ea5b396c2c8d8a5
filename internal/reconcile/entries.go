package reconcile

import (
	"context"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// checkLegacyUniques replaces the uniqueness items of keys that are no
// longer unique, which stores written before issue 11 hold for externalId:
// when the record an item names is live and holds the value, its index
// entry is written first, so that a lookup finds it throughout; then the
// item is released. Such items claim nothing meanwhile: writes ignore
// them, and lookups read them as one more entry.
func (r *run) checkLegacyUniques(ctx context.Context, pg *page) error {
	checked, found, repaired := 0, 0, 0
	for _, it := range pg.uniques {
		u := it.Unique
		if directory.IsUnique(u.Kind, u.Key) {
			continue
		}
		checked++
		found++
		if r.DryRun {
			continue
		}
		owner := directory.Ref{Kind: u.Kind, ID: it.Owner}
		what := "replace the " + string(u.Key) + " uniqueness item of " + string(u.Kind) + " " + it.Owner
		if holder, ok := pg.known[owner]; ok && pg.live(owner) && holder.Record.Keys.Get(u.Key) == u.Value {
			e := directory.Entry{Kind: u.Kind, Key: u.Key, Value: u.Value, ID: it.Owner}
			if !pg.indexed[e] {
				done, err := r.repaired(ctx, what, r.Store.AddEntry(ctx, e, holder.Record.Version))
				if err != nil {
					return err
				}
				if !done {
					continue // the record changed: a later pass sees it again
				}
				pg.indexed[e] = true
			}
		}
		done, err := r.repaired(ctx, what, r.Store.ReleaseUnique(ctx, u, it.Owner))
		if err != nil {
			return err
		}
		if done {
			repaired++
		}
	}
	r.count(LegacyUnique, checked, found, repaired)
	return nil
}

// checkEntryKeys makes every live record have the index entries of its
// keys; a missing one is added.
func (r *run) checkEntryKeys(ctx context.Context, pg *page) error {
	checked, found, repaired := 0, 0, 0
	for _, it := range pg.records {
		if it.Deleting || pg.gone[refOf(it)] {
			continue
		}
		checked++
		for _, e := range directory.Entries(it.Record) {
			if pg.indexed[e] {
				continue
			}
			found++
			if r.DryRun {
				continue
			}
			done, err := r.repaired(ctx, "add the "+string(e.Key)+" entry of "+string(e.Kind)+" "+e.ID,
				r.Store.AddEntry(ctx, e, it.Record.Version))
			if err != nil {
				return err
			}
			if done {
				repaired++
				pg.indexed[e] = true
			}
		}
	}
	r.count(EntryKeys, checked, found, repaired)
	return nil
}

// checkEntries drops index entries whose record is gone or does not hold
// their value. A record being deleted keeps its entries until its delete
// removes them.
func (r *run) checkEntries(ctx context.Context, pg *page) error {
	found, repaired := 0, 0
	for _, it := range pg.entries {
		e := it.Entry
		ref := directory.Ref{Kind: e.Kind, ID: e.ID}
		if pg.gone[ref] {
			continue // the run's delete of the record removed it
		}
		if holder, ok := pg.known[ref]; ok && holder.Record.Keys.Get(e.Key) == e.Value {
			continue
		}
		found++
		if r.DryRun {
			continue
		}
		done, err := r.repaired(ctx, "drop the "+string(e.Key)+" entry of "+string(e.Kind)+" "+e.ID, r.Store.DropEntry(ctx, e))
		if err != nil {
			return err
		}
		if done {
			repaired++
		}
	}
	r.count(EntryOwner, len(pg.entries), found, repaired)
	return nil
}
