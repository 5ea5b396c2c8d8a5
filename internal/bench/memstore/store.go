// Package memstore is a directory.Store in memory, for measuring what the
// HTTP handler and the service cost on their own: its operations are map
// reads and writes under one lock, so a benchmark over it shows the
// handler's work with storage all but removed. It keeps the whole
// directory.Store contract (internal/storetest runs against it) so that
// every handler path works as it does on a real store, but it keeps
// nothing across restarts and is not meant to serve anyone.
package memstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

type uniqueKey struct {
	key   directory.Key
	value string
}

// kindData is one kind's records and indexes.
type kindData struct {
	kind    directory.Kind
	records map[string]*directory.Record
	// ids are the records' ids in byte order: List's order, which is
	// creation order for the service's time-ordered ids.
	ids    []string
	unique map[uniqueKey]string
	// shared indexes sharedKeys, the keys many records may hold: the
	// entry keys and the email.
	shared     map[uniqueKey]set
	sharedKeys []directory.Key
}

type set map[string]struct{}

// Store is a directory.Store in memory, safe for concurrent use.
type Store struct {
	mu    sync.RWMutex
	kinds map[directory.Kind]*kindData
	// members maps a group to its members, groups a user to its groups.
	members map[string]set
	groups  map[string]set
}

var _ directory.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	s := &Store{kinds: map[directory.Kind]*kindData{}, members: map[string]set{}, groups: map[string]set{}}
	for _, k := range []directory.Kind{directory.KindUser, directory.KindGroup} {
		s.kinds[k] = &kindData{kind: k, records: map[string]*directory.Record{}, unique: map[uniqueKey]string{}, shared: map[uniqueKey]set{},
			sharedKeys: append(slices.Clip(directory.EntryKeys(k)), directory.KeyEmail)}
	}
	return s
}

func (s *Store) kind(k directory.Kind) (*kindData, error) {
	kd := s.kinds[k]
	if kd == nil {
		return nil, fmt.Errorf("memstore: unknown kind %q", k)
	}
	return kd, nil
}

// stored returns the copy of rec the store keeps: its own Doc, no Groups.
func stored(rec *directory.Record) *directory.Record {
	c := *rec
	c.Doc = slices.Clone(rec.Doc)
	c.Groups = nil
	return &c
}

// Create stores a new record. It fails with a *directory.ConflictError when
// another record of its kind holds one of its unique keys, and with an error
// wrapping directory.ErrConflict when its id is taken.
func (s *Store) Create(_ context.Context, rec *directory.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kd, err := s.kind(rec.Kind)
	if err != nil {
		return err
	}
	if _, ok := kd.records[rec.ID]; ok {
		return fmt.Errorf("memstore: create %s %q: id is taken: %w", rec.Kind, rec.ID, directory.ErrConflict)
	}
	if err := kd.checkKeys(rec.ID, rec.Keys); err != nil {
		return err
	}
	kd.index(rec.ID, rec.Keys)
	kd.records[rec.ID] = stored(rec)
	i, _ := slices.BinarySearch(kd.ids, rec.ID)
	kd.ids = slices.Insert(kd.ids, i, rec.ID)
	return nil
}

// Update replaces the record whose version is prev. It fails with
// directory.ErrNotFound, directory.ErrVersion or a *directory.ConflictError
// and changes nothing then.
func (s *Store) Update(_ context.Context, rec *directory.Record, prev int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kd, err := s.kind(rec.Kind)
	if err != nil {
		return err
	}
	old, ok := kd.records[rec.ID]
	if !ok {
		return fmt.Errorf("memstore: update %s %q: %w", rec.Kind, rec.ID, directory.ErrNotFound)
	}
	if old.Version != prev {
		return fmt.Errorf("memstore: update %s %q: stored version is %d, not %d: %w", rec.Kind, rec.ID, old.Version, prev, directory.ErrVersion)
	}
	if err := kd.checkKeys(rec.ID, rec.Keys); err != nil {
		return err
	}
	kd.unindex(rec.ID, old.Keys)
	kd.index(rec.ID, rec.Keys)
	kd.records[rec.ID] = stored(rec)
	return nil
}

// Touch bumps a record's version and lastModified and returns the version.
// It fails with directory.ErrNotFound.
func (s *Store) Touch(_ context.Context, kind directory.Kind, id string, at time.Time, _ directory.MemberChange) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kd, err := s.kind(kind)
	if err != nil {
		return 0, err
	}
	rec, ok := kd.records[id]
	if !ok {
		return 0, fmt.Errorf("memstore: touch %s %q: %w", kind, id, directory.ErrNotFound)
	}
	rec.Version++
	rec.LastModified = at
	return rec.Version, nil
}

// Delete removes a record, its keys and its memberships. It fails with
// directory.ErrNotFound.
func (s *Store) Delete(_ context.Context, kind directory.Kind, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kd, err := s.kind(kind)
	if err != nil {
		return err
	}
	rec, ok := kd.records[id]
	if !ok {
		return fmt.Errorf("memstore: delete %s %q: %w", kind, id, directory.ErrNotFound)
	}
	kd.unindex(id, rec.Keys)
	delete(kd.records, id)
	if i, found := slices.BinarySearch(kd.ids, id); found {
		kd.ids = slices.Delete(kd.ids, i, i+1)
	}
	from, to := s.groups, s.members
	if kind == directory.KindGroup {
		from, to = s.members, s.groups
	}
	for other := range from[id] {
		delete(to[other], id)
	}
	delete(from, id)
	return nil
}

// checkKeys fails with a *directory.ConflictError when a record other than
// id holds one of keys' unique values.
func (kd *kindData) checkKeys(id string, keys directory.Keys) error {
	for _, key := range directory.UniqueKeys(kd.kind) {
		v := keys.Get(key)
		if holder, ok := kd.unique[uniqueKey{key, v}]; v != "" && ok && holder != id {
			return &directory.ConflictError{Kind: kd.kind, Key: key, Value: v}
		}
	}
	return nil
}

func (kd *kindData) index(id string, keys directory.Keys) {
	for _, key := range directory.UniqueKeys(kd.kind) {
		if v := keys.Get(key); v != "" {
			kd.unique[uniqueKey{key, v}] = id
		}
	}
	for _, key := range kd.sharedKeys {
		if v := keys.Get(key); v != "" {
			if kd.shared[uniqueKey{key, v}] == nil {
				kd.shared[uniqueKey{key, v}] = set{}
			}
			kd.shared[uniqueKey{key, v}][id] = struct{}{}
		}
	}
}

func (kd *kindData) unindex(id string, keys directory.Keys) {
	for _, key := range directory.UniqueKeys(kd.kind) {
		if v := keys.Get(key); v != "" && kd.unique[uniqueKey{key, v}] == id {
			delete(kd.unique, uniqueKey{key, v})
		}
	}
	for _, key := range kd.sharedKeys {
		if v := keys.Get(key); v != "" {
			delete(kd.shared[uniqueKey{key, v}], id)
		}
	}
}
