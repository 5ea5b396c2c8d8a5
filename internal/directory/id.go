package directory

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"
)

var uuidState struct {
	sync.Mutex
	ms  int64
	seq uint16
}

// NewUUIDv7 returns a new UUID version 7 (RFC 9562 §5.7). Its leading
// timestamp and the sequence counter in rand_a (RFC 9562 §6.2, method 1) make
// ids issued by one process sort in creation order, which is the order
// stores list records in; the rest is random, so ids stay opaque.
func NewUUIDv7() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).

	uuidState.Lock()
	ms := time.Now().UnixMilli()
	if ms <= uuidState.ms {
		uuidState.seq++
		if uuidState.seq > 0x0fff {
			uuidState.ms++
			uuidState.seq = 0
		}
		ms = uuidState.ms
	} else {
		uuidState.ms = ms
		uuidState.seq = binary.BigEndian.Uint16(b[6:8]) & 0x03ff // leave room to count up
	}
	seq := uuidState.seq
	uuidState.Unlock()

	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(ms))
	copy(b[0:6], ts[2:8])
	binary.BigEndian.PutUint16(b[6:8], 0x7000|seq)
	b[8] = b[8]&0x3f | 0x80

	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// MatchesETag reports whether an If-Match or If-None-Match header value
// names version: "*" or a list holding the version's tag (codec.ETag),
// compared weakly (RFC 9110 §13.1).
func MatchesETag(ifMatch string, version int64) bool {
	want := strconv.FormatInt(version, 10)
	for tag := range strings.SplitSeq(ifMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return true
		}
		tag = strings.TrimPrefix(tag, "W/")
		if strings.Trim(tag, `"`) == want {
			return true
		}
	}
	return false
}
