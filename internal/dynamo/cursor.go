package dynamo

import (
	"sync"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// cursorCacheSize bounds the cursors a Store remembers.
const cursorCacheSize = 64

// cursors remembers where recent list pages ended, so a client paging
// through a kind continues with an ExclusiveStartKey instead of skipping
// every earlier key again. A cursor at position p is the list-index key of
// the p-th record (1-based); the next page starts after it. Positions are
// those the page was read at: after deletes of older records the next page
// continues after the same record rather than at the shifted offset, which
// is what a client paging through wants (RFC 7644 §3.4.2.4 leaves paging
// consistency to the service provider).
type cursors struct {
	mu    sync.Mutex
	max   int
	keys  map[cursorPos]item
	order []cursorPos // oldest first, for eviction
}

type cursorPos struct {
	kind directory.Kind
	pos  int
}

func newCursors(max int) *cursors {
	return &cursors{max: max, keys: make(map[cursorPos]item, max)}
}

// nearest returns the cursor of kind at the largest position not after pos,
// or 0 and nil to start at the beginning.
func (c *cursors) nearest(kind directory.Kind, pos int) (int, item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	best, key := 0, item(nil)
	for p, k := range c.keys {
		if p.kind == kind && p.pos <= pos && p.pos > best {
			best, key = p.pos, k
		}
	}
	return best, key
}

// put remembers key as the cursor of kind at pos, forgetting the oldest
// cursor when full.
func (c *cursors) put(kind directory.Kind, pos int, key item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := cursorPos{kind, pos}
	if _, ok := c.keys[p]; !ok {
		c.order = append(c.order, p)
	}
	c.keys[p] = key
	if len(c.order) > c.max {
		delete(c.keys, c.order[0])
		c.order = c.order[1:]
	}
}
