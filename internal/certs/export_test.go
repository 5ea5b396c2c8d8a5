package certs

import "time"

// SetCheckEvery sets how often f looks at its files, from now on.
func (f *Files) SetCheckEvery(d time.Duration) {
	f.every.Store(int64(d))
	f.next.Store(0)
}
