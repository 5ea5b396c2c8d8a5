package reconcile

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// purge deletes the page's users that are disabled and unchanged for longer
// than PurgeDisabledAfter, with their memberships, through the store's
// Delete. Each is read again first, so a user re-enabled since the page was
// read is kept (a change in the moment between that read and the delete
// would still be lost; purging is off by default).
func (r *run) purge(ctx context.Context, pg *page) error {
	if r.PurgeDisabledAfter <= 0 {
		return nil
	}
	cutoff := r.now.Add(-r.PurgeDisabledAfter)
	checked, found, repaired := 0, 0, 0
	for _, it := range pg.records {
		rec := it.Record
		if rec.Kind != directory.KindUser || it.Deleting || pg.gone[refOf(it)] {
			continue
		}
		checked++
		if !disabled(rec) || !rec.LastModified.Before(cutoff) {
			continue
		}
		found++
		if r.DryRun {
			r.purged(rec.ID)
			continue
		}
		now, err := r.Store.Get(ctx, rec.Kind, rec.ID)
		if err != nil {
			if _, err := r.repaired(ctx, "purge user "+rec.ID, err); err != nil {
				return err
			}
			continue
		}
		if !disabled(now) || !now.LastModified.Equal(rec.LastModified) {
			continue
		}
		done, err := r.repaired(ctx, "purge user "+rec.ID, r.Store.Delete(ctx, rec.Kind, rec.ID))
		if err != nil {
			return err
		}
		if done {
			repaired++
			r.forget(pg, refOf(it))
			r.purged(rec.ID)
		}
	}
	r.count(Purge, checked, found, repaired)
	return nil
}

func (r *run) purged(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.purgedCount++
	if len(r.rep.Purged) < maxListed {
		r.rep.Purged = append(r.rep.Purged, id)
	}
}

// disabled reports whether a user's active attribute is false (RFC 7643
// §4.1.1). Stored documents hold a boolean; a string "False" from before
// normalisation counts too. A user without active is not disabled.
func disabled(rec *directory.Record) bool {
	var doc struct {
		Active any `json:"active"`
	}
	if json.Unmarshal(rec.Doc, &doc) != nil {
		return false
	}
	switch a := doc.Active.(type) {
	case bool:
		return !a
	case string:
		return strings.EqualFold(a, "false")
	}
	return false
}
