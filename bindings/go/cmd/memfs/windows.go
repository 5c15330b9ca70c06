// SPDX-License-Identifier: LGPL-2.1-or-later

// The Windows set of memfs and export: file indexes with generations
// (LookupIndex), security descriptors (--security), and, on windowsFS
// (-N, -P, -W), named streams and reparse data.
package main

import (
	"bytes"
	"sort"
	"syscall"
	"time"

	"fsp"
)

// generation tells files with the same index apart across instances:
// memfs never reuses an index while it runs, but a restarted memfs hands
// out the same indexes again, so a handle from before must go stale.  A
// keyed hash (splitmix64's finalizer) with a random key per instance.
func generation(key, index uint64) uint64 {
	x := key ^ index*0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return uint64(uint32(x)) // the kernel keeps 32 bits
}

// publish makes n findable by index (streams never are).
func (m *memfs) publish(n *node) {
	m.mu.Lock()
	m.nodes[n.info.Index] = n
	m.mu.Unlock()
}

func setParent(n, dir *node) {
	if n != nil && n.kind == sIFDIR {
		n.mu.Lock()
		n.parent = dir
		n.mu.Unlock()
	}
}

// LookupIndex is export's lookup by index: files with names only (an
// unnamed one may go at any moment).
func (m *memfs) LookupIndex(_ *fsp.Request, index uint64) (fsp.Node, fsp.FileInfo, error) {
	m.mu.Lock()
	n := m.nodes[index]
	m.mu.Unlock()
	if n == nil {
		return nil, fsp.FileInfo{}, syscall.ESTALE
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.names == 0 {
		return nil, fsp.FileInfo{}, syscall.ESTALE
	}
	n.refs++
	return n, n.fill(), nil
}

// GetSecurity: fsp checked what memfs keeps; nil (the root) lets fsp
// map the mode.
func (m *memfs) GetSecurity(_ *fsp.Request, nd fsp.Node) ([]byte, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.sd, nil // replaced, never changed in place: safe to share
}

func (m *memfs) SetSecurity(_ *fsp.Request, nd fsp.Node, sd []byte) error {
	n := nd.(*node)
	n.mu.Lock()
	n.sd = sd
	n.info.ChangeTime = time.Now()
	n.mu.Unlock()
	return nil
}

// windowsFS is memfs with named streams and reparse data (-N, -P, -W):
// a separate type so that without them their callbacks are not there.
type windowsFS struct{ *memfs }

// syncReadonly gives n's streams its read-only attribute (NTFS keeps
// attributes per file); n.mu held.
func syncReadonly(n *node) {
	ro := n.info.Attributes & fsp.AttrReadonly
	for _, s := range n.streams {
		s.mu.Lock()
		s.info.Attributes = s.info.Attributes&^fsp.AttrReadonly | ro
		s.mu.Unlock()
	}
}

// openStream takes a reference to stream s of file n and reports it with
// n's owner and permissions (the kernel checks access to a stream by
// them); n.mu held.
func openStream(n, s *node) fsp.FileInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.info.Mode = sIFREG | n.info.Mode&0o7777
	s.info.UID, s.info.GID = n.info.UID, n.info.GID
	s.info.Attributes = s.info.Attributes&^fsp.AttrReadonly | n.info.Attributes&fsp.AttrReadonly
	s.refs++
	return s.fill()
}

func (w windowsFS) LookupStream(_ *fsp.Request, nd fsp.Node, name string) (fsp.Node, fsp.FileInfo, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	s := n.streams[name]
	if s == nil {
		return nil, fsp.FileInfo{}, syscall.ENOENT
	}
	return s, openStream(n, s), nil
}

func (w windowsFS) CreateStream(_ *fsp.Request, nd fsp.Node, name string) (fsp.Node, fsp.FileInfo, error) {
	n := nd.(*node)
	if err := w.reserveFile(); err != nil {
		return nil, fsp.FileInfo{}, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.streams[name] != nil || n.pages == nil {
		w.release(1, 0)
		if n.pages == nil { // the file is gone
			return nil, fsp.FileInfo{}, syscall.ENOENT
		}
		return nil, fsp.FileInfo{}, syscall.EEXIST
	}
	s := w.newNode(&fsp.CreateParams{Mode: sIFREG, Attributes: fsp.AttrArchive})
	s.names = 1 // the file's stream list names it
	if n.streams == nil {
		n.streams = map[string]*node{}
	}
	n.streams[name] = s
	n.info.ChangeTime = time.Now()
	return s, openStream(n, s), nil
}

func (w windowsFS) DeleteStream(_ *fsp.Request, nd fsp.Node, name string) error {
	n := nd.(*node)
	n.mu.Lock()
	s := n.streams[name]
	if s != nil {
		delete(n.streams, name)
		n.info.ChangeTime = time.Now()
	}
	n.mu.Unlock()
	if s == nil {
		return syscall.ENOENT
	}
	w.unlink(s) // still readable while referenced, as a deleted file
	return nil
}

func (w windowsFS) GetStreamInfo(_ *fsp.Request, nd fsp.Node) ([]fsp.StreamInfo, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	list := make([]fsp.StreamInfo, 0, len(n.streams))
	for name, s := range n.streams {
		s.mu.Lock()
		list = append(list, fsp.StreamInfo{Name: name, Size: s.info.Size})
		s.mu.Unlock()
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, nil
}

func (w windowsFS) GetReparseData(_ *fsp.Request, nd fsp.Node) ([]byte, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.reparse, nil
}

func (w windowsFS) SetReparseData(_ *fsp.Request, nd fsp.Node, data []byte) error {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	// Windows replaces reparse data only with data of the same tag.
	if n.reparse != nil && !bytes.Equal(n.reparse[:4], data[:4]) {
		return syscall.EEXIST
	}
	n.reparse = data
	n.info.Attributes |= fsp.AttrReparsePoint
	n.info.ChangeTime = time.Now()
	return nil
}

func (w windowsFS) DeleteReparseData(_ *fsp.Request, nd fsp.Node) error {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.reparse == nil {
		return syscall.ENODATA
	}
	n.reparse = nil
	if n.kind != sIFLNK {
		n.info.Attributes &^= fsp.AttrReparsePoint
	}
	n.info.ChangeTime = time.Now()
	return nil
}
