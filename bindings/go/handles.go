// SPDX-License-Identifier: LGPL-2.1-or-later

package fsp

import (
	"sync"
	"sync/atomic"
)

// The numbers fsp holds for node and open contexts.  runtime/cgo.Handle
// would do, but it keeps them in a sync.Map, which is slowest exactly for
// this use: every lookup makes a new key (fsp gives a duplicate reference
// back at once), so each Lookup/Forget pair cost about 1.6 us and four
// allocations (go test -bench on the 2-CPU machine) against 20 ns here.
//
// A number is an index into chunks of slots, made as needed and never
// freed; freed numbers are reused.  Reading a slot takes no lock: a slot
// is written before its number goes to fsp and cleared only when fsp
// gives the number back (Forget, Close), so no read meets a write.

const (
	chunkBits = 12
	chunkSize = 1 << chunkBits
	maxChunks = 1 << 16 // 2^28 contexts at once
)

type chunk [chunkSize]any

type handleTable struct {
	mu     sync.Mutex
	free   []uintptr
	next   uintptr
	chunks [maxChunks]atomic.Pointer[chunk]
}

var handles handleTable

// add stores v and returns its number (never 0).
func (t *handleTable) add(v any) uintptr {
	t.mu.Lock()
	defer t.mu.Unlock()
	var h uintptr
	if n := len(t.free); n > 0 {
		h = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		if t.next+1 >= maxChunks*chunkSize {
			panic("fsp: too many contexts at once")
		}
		t.next++
		h = t.next
	}
	c := t.chunks[h>>chunkBits].Load()
	if c == nil {
		c = new(chunk)
		t.chunks[h>>chunkBits].Store(c)
	}
	c[h&(chunkSize-1)] = v
	return h
}

// get returns the value of number h (nil for 0).
func (t *handleTable) get(h uintptr) any {
	if h == 0 {
		return nil
	}
	return t.chunks[h>>chunkBits].Load()[h&(chunkSize-1)]
}

// take returns the value of number h and frees the number.
func (t *handleTable) take(h uintptr) any {
	if h == 0 {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	slot := &t.chunks[h>>chunkBits].Load()[h&(chunkSize-1)]
	v := *slot
	*slot = nil // the value may be collected now
	t.free = append(t.free, h)
	return v
}
