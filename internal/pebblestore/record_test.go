package pebblestore

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

func TestRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("X", -5*3600))
	for _, tc := range []struct {
		name string
		rec  directory.Record
	}{
		{"full", directory.Record{
			Version: 42, Created: at, LastModified: at.Add(time.Nanosecond),
			Keys: directory.Keys{UserName: "zoë", ExternalID: "e\x00x", DisplayName: "d", Email: "z@example.com"},
			Doc:  []byte("{\"a\": 1}\n"),
		}},
		{"zero", directory.Record{}},
		{"before 1970", directory.Record{Version: 1, Created: time.Date(1900, 1, 1, 0, 0, 0, 1, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.rec
			want.Kind, want.ID = directory.KindUser, "u1"
			got, err := decode(directory.KindUser, "u1", encode(&want))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got.Kind != want.Kind || got.ID != want.ID || got.Version != want.Version || got.Keys != want.Keys ||
				!got.Created.Equal(want.Created) || !got.LastModified.Equal(want.LastModified) || !bytes.Equal(got.Doc, want.Doc) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestDecodeRejectsTruncated(t *testing.T) {
	b := encode(&directory.Record{Version: 3, Keys: directory.Keys{UserName: "alice"}})
	// Every cut inside the header fails; the Doc is what follows it.
	for n := range len(b) {
		if _, err := decode(directory.KindUser, "u1", b[:n]); err == nil {
			t.Errorf("decode of the first %d of %d bytes: got no error", n, len(b))
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(&directory.Record{Version: 1, Created: time.Unix(1e9, 5), Keys: directory.Keys{Email: "a@b"}, Doc: []byte(`{}`)}))
	f.Add([]byte{recordFormat})
	f.Add([]byte{recordFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := decode(directory.KindGroup, "g1", b)
		if err != nil {
			return
		}
		// Whatever decodes must survive a write back unchanged. (b itself
		// may differ from encode(rec): varints can be written overlong.)
		again, err := decode(directory.KindGroup, "g1", encode(rec))
		if err != nil {
			t.Fatalf("decode(encode(decode(%x))): %v", b, err)
		}
		if !reflect.DeepEqual(again, rec) {
			t.Errorf("decode(encode(decode(%x))) = %+v, want %+v", b, again, rec)
		}
	})
}
