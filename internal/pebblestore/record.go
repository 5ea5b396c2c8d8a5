package pebblestore

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// recordFormat is the first byte of every stored record, so that a later
// layout can be told apart from this one.
const recordFormat = 1

var errCorrupt = errors.New("corrupt record")

// encode returns the stored form of rec: the format byte, the version, the
// two times as Unix seconds and nanoseconds (exact, whatever the zone), the
// four keys length-prefixed, then Doc as is. Kind and ID are where it is
// stored, and Groups are memberships, so neither is in it.
func encode(rec *directory.Record) []byte {
	k := rec.Keys
	b := make([]byte, 0, 1+5*binary.MaxVarintLen64+len(k.UserName)+len(k.ExternalID)+
		len(k.DisplayName)+len(k.Email)+4*binary.MaxVarintLen32+len(rec.Doc))
	b = append(b, recordFormat)
	b = binary.AppendVarint(b, rec.Version)
	b = appendTime(b, rec.Created)
	b = appendTime(b, rec.LastModified)
	for _, s := range []string{k.UserName, k.ExternalID, k.DisplayName, k.Email} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return append(b, rec.Doc...)
}

func appendTime(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// decode returns the record of kind and id stored as b. It copies what it
// keeps, because b belongs to the database only until the read ends.
// It fails with errCorrupt on anything encode cannot have written.
func decode(kind directory.Kind, id string, b []byte) (*directory.Record, error) {
	d := decoder{b: b}
	if d.byte() != recordFormat {
		return nil, errCorrupt
	}
	rec := &directory.Record{Kind: kind, ID: id}
	rec.Version = d.varint()
	rec.Created = d.time()
	rec.LastModified = d.time()
	for _, s := range []*string{&rec.Keys.UserName, &rec.Keys.ExternalID, &rec.Keys.DisplayName, &rec.Keys.Email} {
		*s = d.string()
	}
	if d.bad {
		return nil, errCorrupt
	}
	rec.Doc = append([]byte(nil), d.b...)
	return rec, nil
}

// decoder reads encode's fields from the front of b, and records the
// first malformed one in bad instead of failing at each step.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) time() time.Time {
	sec, nsec := d.varint(), d.uvarint()
	if nsec >= uint64(time.Second) {
		d.bad = true
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)) {
		d.bad = true
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
