// SPDX-License-Identifier: LGPL-2.1-or-later

// memfs in Go: the in-memory file system, as a Go user writes one.
//
// A node is a *node.  fsp holds references to it (lookup and create give
// one, Forget takes one back) and directories hold names; when both are
// gone its space goes back to the volume (the garbage collector frees the
// memory).  Directory entries are under the node's entMu (fsp runs
// namespace changes alone, lookups and listings shared); everything else
// of a node under mu, since reads and writes run beside everything.  A
// node's mu comes before its streams' and before memfs.mu.
package main

import (
	"math/rand"
	"sync"
	"syscall"
	"time"

	"fsp"
)

const (
	pageSize = 4096
	sIFMT    = 0o170000
	sIFDIR   = 0o040000
	sIFREG   = 0o100000
	sIFLNK   = 0o120000
	oNoatime = 0o1000000
)

type page struct {
	b         []byte
	unwritten bool // allocated by fallocate, never written: a hole to SEEK_DATA
}

type node struct {
	kind   uint32
	target string

	mu      sync.Mutex
	info    fsp.FileInfo
	refs    int // fsp's references
	names   uint32
	subdirs uint32
	pages   map[uint64]*page
	eas     map[string][]byte

	entMu   sync.RWMutex
	entries map[string]*node
	parent  *node // a directory's (for export's ".."), under mu

	// The Windows set (windows.go), under mu.
	streams map[string]*node // named streams (-N)
	reparse []byte           // reparse data (-P)
	sd      []byte           // security descriptor (--security)
}

type openFile struct{ noatime bool }

type memfs struct {
	fsp.Base
	mu                   sync.Mutex // the volume's counters and label
	maxBytes, maxFiles   uint64
	usedBytes, usedFiles uint64
	nextIndex            uint64
	nodes                map[uint64]*node // by index, for export (LookupIndex)
	genKey               uint64           // random per instance: see generation
	label                string
	root                 *node
	stateless            bool
	slow                 chan func()
}

func newMemfs(maxBytes, maxFiles uint64, label string, stateless bool, uid, gid uint32) *memfs {
	m := &memfs{maxBytes: maxBytes, maxFiles: maxFiles, label: label, stateless: stateless, nextIndex: 1,
		nodes: map[uint64]*node{}, genKey: rand.Uint64()}
	m.usedFiles = 1
	m.root = m.newNode(&fsp.CreateParams{Mode: sIFDIR | 0o755, UID: uid, GID: gid})
	m.root.names = 1 // never unlinked
	m.publish(m.root)
	return m
}

func (m *memfs) reserveFile() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.maxFiles != 0 && m.usedFiles >= m.maxFiles {
		return syscall.ENOSPC
	}
	m.usedFiles++
	return nil
}

// reserveBytes reserves want bytes, or with partial what is left.
func (m *memfs) reserveBytes(want uint64, partial bool) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	avail := m.maxBytes - m.usedBytes
	got := uint64(0)
	if want <= avail {
		got = want
	} else if partial {
		got = avail
	}
	m.usedBytes += got
	return got
}

func (m *memfs) release(files, bytes uint64) {
	m.mu.Lock()
	m.usedFiles -= files
	m.usedBytes -= bytes
	m.mu.Unlock()
}

func (m *memfs) newNode(cp *fsp.CreateParams) *node {
	m.mu.Lock()
	index := m.nextIndex // never reused
	m.nextIndex++
	m.mu.Unlock()
	now := time.Now()
	n := &node{
		kind: cp.Mode & sIFMT,
		info: fsp.FileInfo{
			Index: index, Mode: cp.Mode, Attributes: cp.Attributes, UID: cp.UID, GID: cp.GID, Rdev: cp.Rdev,
			CreationTime: now, AccessTime: now, WriteTime: now, ChangeTime: now,
			Generation: generation(m.genKey, index),
		},
		pages: map[uint64]*page{},
		sd:    cp.Security,
	}
	switch n.kind {
	case sIFDIR:
		n.info.Attributes |= fsp.AttrDirectory
		n.entries = map[string]*node{}
	case sIFLNK:
		n.target = cp.LinkTarget
		n.info.Attributes |= fsp.AttrReparsePoint
		n.info.Size = uint64(len(cp.LinkTarget))
	}
	return n
}

// fill reports n's info; n.mu held.
func (n *node) fill() fsp.FileInfo {
	fi := n.info
	// A directory's ".." entries in its subdirectories are links too.
	if n.kind == sIFDIR && n.names > 0 {
		fi.Nlink = 2 + n.subdirs
	} else {
		fi.Nlink = n.names
	}
	fi.AllocSize = uint64(len(n.pages)) * pageSize
	return fi
}

func (n *node) lockedFill() fsp.FileInfo {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.fill()
}

// drop frees what only names and references kept; n.mu held.
func (m *memfs) dropIfDead(n *node) {
	if n.refs == 0 && n.names == 0 && n.pages != nil {
		bytes := uint64(len(n.pages)) * pageSize
		n.pages = nil
		n.eas = nil
		m.mu.Lock()
		delete(m.nodes, n.info.Index)
		m.mu.Unlock()
		m.release(1, bytes)
		// Streams belong to the file: they go with it.
		for _, s := range n.streams {
			m.unlink(s)
		}
		n.streams = nil
	}
}

func touchData(n *node) {
	now := time.Now()
	n.info.WriteTime, n.info.ChangeTime = now, now
}

// touchAccess is Linux's default relatime rule.
func touchAccess(n *node) {
	now := time.Now()
	a := n.info.AccessTime
	if !a.After(n.info.WriteTime) || !a.After(n.info.ChangeTime) || now.Sub(a) >= 24*time.Hour {
		n.info.AccessTime = now
	}
}

func dirChanged(d *node, subdirs int) {
	d.mu.Lock()
	d.subdirs = uint32(int(d.subdirs) + subdirs)
	touchData(d)
	d.mu.Unlock()
}

func (m *memfs) unlink(n *node) {
	n.mu.Lock()
	n.names--
	n.info.ChangeTime = time.Now()
	m.dropIfDead(n)
	n.mu.Unlock()
}

func (m *memfs) volumeInfo() fsp.VolumeInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := fsp.VolumeInfo{TotalSize: m.maxBytes, FreeSize: m.maxBytes - m.usedBytes, Label: m.label}
	if m.maxFiles != 0 {
		v.TotalFiles, v.FreeFiles = m.maxFiles, m.maxFiles-m.usedFiles
	} else {
		// As tmpfs without nr_inodes: one file per page of the budget.
		t := m.maxBytes / pageSize
		if t < m.usedFiles {
			t = m.usedFiles
		}
		v.TotalFiles, v.FreeFiles = t, t-m.usedFiles
	}
	return v
}

func (m *memfs) GetVolumeInfo(*fsp.Request) (fsp.VolumeInfo, error) { return m.volumeInfo(), nil }

func (m *memfs) SetVolumeLabel(_ *fsp.Request, label string) (fsp.VolumeInfo, error) {
	if len(label) >= 64 {
		return fsp.VolumeInfo{}, syscall.ENAMETOOLONG
	}
	m.mu.Lock()
	m.label = label
	m.mu.Unlock()
	return m.volumeInfo(), nil
}

func (m *memfs) Lookup(_ *fsp.Request, parent fsp.Node, name string) (fsp.Node, fsp.FileInfo, error) {
	var n *node
	if parent == nil {
		if name == "/" {
			n = m.root
		}
	} else if name == ".." {
		// Export asks a directory for its parent (fsp answers for the
		// root itself); a removed directory has none any more.
		p := parent.(*node)
		p.mu.Lock()
		if p.kind == sIFDIR && p.names > 0 {
			n = p.parent
		}
		p.mu.Unlock()
	} else {
		p := parent.(*node)
		p.entMu.RLock()
		n = p.entries[name]
		p.entMu.RUnlock()
	}
	if n == nil {
		return nil, fsp.FileInfo{}, syscall.ENOENT
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.refs++
	return n, n.fill(), nil
}

func (m *memfs) Forget(nd fsp.Node) {
	n := nd.(*node)
	n.mu.Lock()
	n.refs--
	m.dropIfDead(n)
	n.mu.Unlock()
}

func (m *memfs) GetFileInfo(_ *fsp.Request, nd fsp.Node, _ fsp.File) (fsp.FileInfo, error) {
	return nd.(*node).lockedFill(), nil
}

func (m *memfs) Create(_ *fsp.Request, parent fsp.Node, name string, cp *fsp.CreateParams) (fsp.Node, fsp.File, fsp.FileInfo, error) {
	dir := parent.(*node)
	kind := cp.Mode & sIFMT
	var file fsp.File
	if kind == sIFREG && !m.stateless {
		file = &openFile{noatime: cp.Flags&oNoatime != 0}
	}
	if kind == sIFLNK && cp.LinkTarget == "" {
		return nil, nil, fsp.FileInfo{}, syscall.EINVAL
	}
	switch kind {
	case sIFREG, sIFDIR, sIFLNK, 0o020000, 0o060000, 0o010000, 0o140000:
	default:
		return nil, nil, fsp.FileInfo{}, syscall.EINVAL
	}
	if name == "" && kind != sIFREG { // O_TMPFILE makes regular files only
		return nil, nil, fsp.FileInfo{}, syscall.EINVAL
	}
	if dir.kind != sIFDIR {
		return nil, nil, fsp.FileInfo{}, syscall.ENOTDIR
	}
	dir.mu.Lock()
	removed := dir.names == 0
	dir.mu.Unlock()
	if removed { // a removed directory takes no new names
		return nil, nil, fsp.FileInfo{}, syscall.ENOENT
	}
	if name == "" {
		if err := m.reserveFile(); err != nil {
			return nil, nil, fsp.FileInfo{}, err
		}
		n := m.newNode(cp)
		n.refs = 1
		m.publish(n)
		return n, file, n.fill(), nil
	}
	dir.entMu.Lock()
	if dir.entries[name] != nil {
		dir.entMu.Unlock()
		return nil, nil, fsp.FileInfo{}, syscall.EEXIST
	}
	if err := m.reserveFile(); err != nil {
		dir.entMu.Unlock()
		return nil, nil, fsp.FileInfo{}, err
	}
	n := m.newNode(cp)
	n.refs, n.names = 1, 1
	if kind == sIFDIR {
		n.parent = dir
	}
	m.publish(n)
	dir.entries[name] = n
	dir.entMu.Unlock()
	sub := 0
	if kind == sIFDIR {
		sub = 1
	}
	dirChanged(dir, sub)
	return n, file, n.lockedFill(), nil
}

func (m *memfs) Open(_ *fsp.Request, nd fsp.Node, flags uint32) (fsp.File, fsp.FileInfo, error) {
	return &openFile{noatime: flags&oNoatime != 0}, nd.(*node).lockedFill(), nil
}

func (m *memfs) truncate(n *node, size uint64) {
	firstGone := (size + pageSize - 1) / pageSize
	gone := uint64(0)
	for no := range n.pages {
		if no >= firstGone {
			delete(n.pages, no)
			gone++
		}
	}
	m.release(0, gone*pageSize)
	if size%pageSize != 0 {
		if p := n.pages[size/pageSize]; p != nil {
			for i := size % pageSize; i < pageSize; i++ {
				p.b[i] = 0
			}
		}
	}
}

func (m *memfs) Overwrite(_ *fsp.Request, nd fsp.Node, _ fsp.File) (fsp.FileInfo, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	m.truncate(n, 0)
	n.info.Size = 0
	touchData(n)
	return n.fill(), nil
}

func readInto(n *node, noatime bool, buf []byte, off uint64) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	count := 0
	if off < n.info.Size {
		count = len(buf)
		if rest := n.info.Size - off; rest < uint64(count) {
			count = int(rest)
		}
	}
	for done := 0; done < count; {
		pos := off + uint64(done)
		in := int(pos % pageSize)
		l := pageSize - in
		if l > count-done {
			l = count - done
		}
		if p := n.pages[pos/pageSize]; p != nil {
			copy(buf[done:done+l], p.b[in:in+l])
		} else {
			for i := done; i < done+l; i++ {
				buf[i] = 0
			}
		}
		done += l
	}
	if !noatime {
		touchAccess(n)
	}
	return count
}

// writeFrom writes what fits; ENOSPC only when nothing did.
func (m *memfs) writeFrom(n *node, data []byte, off uint64) (int, fsp.FileInfo, error) {
	end := off + uint64(len(data))
	if end < off || end > 1<<63-1 {
		return 0, fsp.FileInfo{}, syscall.EFBIG
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	done := 0
	for done < len(data) {
		pos := off + uint64(done)
		no := pos / pageSize
		in := int(pos % pageSize)
		l := pageSize - in
		if l > len(data)-done {
			l = len(data) - done
		}
		p := n.pages[no]
		if p == nil {
			if m.reserveBytes(pageSize, false) == 0 {
				break
			}
			p = &page{b: make([]byte, pageSize)}
			n.pages[no] = p
		}
		copy(p.b[in:in+l], data[done:done+l])
		p.unwritten = false
		done += l
	}
	if done == 0 && len(data) > 0 {
		return 0, fsp.FileInfo{}, syscall.ENOSPC
	}
	if done > 0 {
		if e := off + uint64(done); e > n.info.Size {
			n.info.Size = e
		}
		touchData(n)
	}
	return done, n.fill(), nil
}

func (m *memfs) Read(r *fsp.Request, nd fsp.Node, f fsp.File, buf []byte, off uint64) (int, error) {
	n := nd.(*node)
	noatime := f != nil && f.(*openFile).noatime
	if m.slow != nil {
		if p := r.Pend(); p != nil {
			m.slow <- func() { p.CompleteRead(readInto(n, noatime, buf, off), nil) }
			return 0, nil
		}
	}
	return readInto(n, noatime, buf, off), nil
}

func (m *memfs) Write(r *fsp.Request, nd fsp.Node, _ fsp.File, data []byte, off uint64) (int, fsp.FileInfo, error) {
	n := nd.(*node)
	if m.slow != nil {
		if p := r.Pend(); p != nil {
			m.slow <- func() {
				c, fi, err := m.writeFrom(n, data, off)
				p.CompleteWrite(c, &fi, err)
			}
			return 0, fsp.FileInfo{}, nil
		}
	}
	return m.writeFrom(n, data, off)
}

func (m *memfs) Flush(*fsp.Request, fsp.Node, fsp.File, bool) error { return nil }

func (m *memfs) SetBasicInfo(_ *fsp.Request, nd fsp.Node, _ fsp.File, bi *fsp.BasicInfo) (fsp.FileInfo, error) {
	const typeAttrs = fsp.AttrDirectory | fsp.AttrReparsePoint
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	i := &n.info
	if bi.Valid&fsp.SetMode != 0 {
		i.Mode = i.Mode&sIFMT | bi.Mode&0o7777
	}
	if bi.Valid&fsp.SetUID != 0 {
		i.UID = bi.UID
	}
	if bi.Valid&fsp.SetGID != 0 {
		i.GID = bi.GID
	}
	if bi.Valid&fsp.SetAttributes != 0 { // the type's bits are not data
		i.Attributes = bi.Attributes&^typeAttrs | i.Attributes&typeAttrs
		syncReadonly(n)
	}
	if bi.Valid&fsp.SetAtime != 0 {
		i.AccessTime = bi.AccessTime
	}
	if bi.Valid&fsp.SetMtime != 0 {
		i.WriteTime = bi.WriteTime
	}
	if bi.Valid&fsp.SetCrtime != 0 {
		i.CreationTime = bi.CreationTime
	}
	if bi.Valid&fsp.SetCtime != 0 {
		i.ChangeTime = bi.ChangeTime
	} else {
		i.ChangeTime = time.Now()
	}
	return n.fill(), nil
}

func (m *memfs) SetFileSize(_ *fsp.Request, nd fsp.Node, _ fsp.File, size uint64) (fsp.FileInfo, error) {
	n := nd.(*node)
	if n.kind != sIFREG {
		if n.kind == sIFDIR {
			return fsp.FileInfo{}, syscall.EISDIR
		}
		return fsp.FileInfo{}, syscall.EINVAL
	}
	if size > 1<<63-1 {
		return fsp.FileInfo{}, syscall.EFBIG
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if size < n.info.Size {
		m.truncate(n, size) // growing makes a hole
	}
	n.info.Size = size
	touchData(n)
	return n.fill(), nil
}

func (m *memfs) CanDelete(_ *fsp.Request, _ fsp.Node, _ string, nd fsp.Node) error {
	n := nd.(*node)
	if n.kind == sIFDIR {
		n.entMu.RLock()
		defer n.entMu.RUnlock()
		if len(n.entries) > 0 {
			return syscall.ENOTEMPTY
		}
	}
	return nil
}

func isDir(n *node) int {
	if n != nil && n.kind == sIFDIR {
		return 1
	}
	return 0
}

func (m *memfs) SetDelete(_ *fsp.Request, parent fsp.Node, name string, nd fsp.Node) error {
	dir, n := parent.(*node), nd.(*node)
	dir.entMu.Lock()
	if dir.entries[name] != n {
		dir.entMu.Unlock()
		return syscall.ENOENT
	}
	delete(dir.entries, name)
	dir.entMu.Unlock()
	dirChanged(dir, -isDir(n))
	m.unlink(n)
	return nil
}

func (m *memfs) Rename(_ *fsp.Request, op fsp.Node, oldName string, np fsp.Node, newName string, nd fsp.Node, flags uint32) error {
	odir, ndir, n := op.(*node), np.(*node), nd.(*node)
	if odir.kind != sIFDIR || ndir.kind != sIFDIR {
		return syscall.ENOTDIR
	}
	ndir.mu.Lock()
	removed := ndir.names == 0
	ndir.mu.Unlock()
	if removed {
		return syscall.ENOENT
	}
	odir.entMu.RLock()
	src := odir.entries[oldName]
	odir.entMu.RUnlock()
	if src != n {
		return syscall.ENOENT
	}
	ndir.entMu.RLock()
	old := ndir.entries[newName]
	ndir.entMu.RUnlock()
	same := odir == ndir
	nDir, oldDir := isDir(n), isDir(old)
	touch := func(x *node) {
		x.mu.Lock()
		x.info.ChangeTime = time.Now()
		x.mu.Unlock()
	}
	if flags&fsp.RenameExchange != 0 {
		if old == nil {
			return syscall.ENOENT
		}
		odir.entMu.Lock()
		odir.entries[oldName] = old
		odir.entMu.Unlock()
		ndir.entMu.Lock()
		ndir.entries[newName] = n
		ndir.entMu.Unlock()
		setParent(old, odir)
		setParent(n, ndir)
		if same {
			dirChanged(odir, 0)
		} else {
			dirChanged(odir, oldDir-nDir)
			dirChanged(ndir, nDir-oldDir)
		}
		touch(old)
		touch(n)
		return nil
	}
	if old == n {
		return nil // the same file
	}
	if old != nil {
		if flags&fsp.RenameNoReplace != 0 {
			return syscall.EEXIST
		}
		if oldDir == 1 {
			old.entMu.RLock()
			full := len(old.entries) > 0
			old.entMu.RUnlock()
			if full {
				return syscall.ENOTEMPTY
			}
		}
	}
	ndir.entMu.Lock()
	ndir.entries[newName] = n
	ndir.entMu.Unlock()
	odir.entMu.Lock()
	delete(odir.entries, oldName)
	odir.entMu.Unlock()
	setParent(n, ndir)
	dirChanged(odir, -nDir)
	dirChanged(ndir, nDir-oldDir)
	if old != nil {
		m.unlink(old)
	}
	touch(n)
	return nil
}

func (m *memfs) ReadDirectory(_ *fsp.Request, nd fsp.Node, _ fsp.File, out *fsp.DirBuffer) error {
	n := nd.(*node)
	if n.kind != sIFDIR {
		return syscall.ENOTDIR
	}
	n.mu.Lock()
	touchAccess(n)
	n.mu.Unlock()
	n.entMu.RLock()
	defer n.entMu.RUnlock()
	for name, child := range n.entries {
		fi := child.lockedFill()
		if !out.Add(name, &fi) {
			break
		}
	}
	return nil
}

func (m *memfs) GetReparsePoint(_ *fsp.Request, nd fsp.Node) (string, error) {
	n := nd.(*node)
	if n.kind != sIFLNK {
		return "", syscall.EINVAL
	}
	return n.target, nil
}

func (m *memfs) GetEA(_ *fsp.Request, nd fsp.Node, name string) ([]byte, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.eas[name]
	if !ok {
		return nil, syscall.ENODATA
	}
	return v, nil
}

func (m *memfs) SetEA(_ *fsp.Request, nd fsp.Node, name string, value []byte, flags int) error {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	_, exists := n.eas[name]
	if flags&fsp.EACreate != 0 && exists {
		return syscall.EEXIST
	}
	if flags&fsp.EAReplace != 0 && !exists {
		return syscall.ENODATA
	}
	if n.eas == nil {
		n.eas = map[string][]byte{}
	}
	n.eas[name] = value
	n.info.ChangeTime = time.Now()
	return nil
}

func (m *memfs) ListEA(_ *fsp.Request, nd fsp.Node) ([]string, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	names := make([]string, 0, len(n.eas))
	for k := range n.eas {
		names = append(names, k)
	}
	return names, nil
}

func (m *memfs) RemoveEA(_ *fsp.Request, nd fsp.Node, name string) error {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.eas[name]; !ok {
		return syscall.ENODATA
	}
	delete(n.eas, name)
	n.info.ChangeTime = time.Now()
	return nil
}

func (m *memfs) Link(_ *fsp.Request, nd fsp.Node, np fsp.Node, name string) (fsp.FileInfo, error) {
	n, dir := nd.(*node), np.(*node)
	if dir.kind != sIFDIR {
		return fsp.FileInfo{}, syscall.ENOTDIR
	}
	dir.mu.Lock()
	removed := dir.names == 0
	dir.mu.Unlock()
	if removed {
		return fsp.FileInfo{}, syscall.ENOENT
	}
	if n.kind == sIFDIR {
		return fsp.FileInfo{}, syscall.EPERM
	}
	n.mu.Lock()
	full := n.names == ^uint32(0)
	n.mu.Unlock()
	if full {
		return fsp.FileInfo{}, syscall.EMLINK
	}
	dir.entMu.Lock()
	if dir.entries[name] != nil {
		dir.entMu.Unlock()
		return fsp.FileInfo{}, syscall.EEXIST
	}
	dir.entries[name] = n
	dir.entMu.Unlock()
	n.mu.Lock()
	n.names++
	n.info.ChangeTime = time.Now()
	n.mu.Unlock()
	m.publish(n) // an unnamed (O_TMPFILE) file got a name
	dirChanged(dir, 0)
	return n.lockedFill(), nil
}

func (m *memfs) Allocate(_ *fsp.Request, nd fsp.Node, _ fsp.File, off, length uint64, mode uint32) (fsp.FileInfo, error) {
	n := nd.(*node)
	if n.kind != sIFREG {
		if n.kind == sIFDIR {
			return fsp.FileInfo{}, syscall.EISDIR
		}
		return fsp.FileInfo{}, syscall.ENODEV
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	first, last, end := off/pageSize, (off+length-1)/pageSize, off+length
	if mode&fsp.AllocPunchHole != 0 {
		for no := first; no <= last; no++ {
			ps, pe := no*pageSize, no*pageSize+pageSize
			p := n.pages[no]
			if p == nil {
				continue
			}
			if off <= ps && end >= pe {
				delete(n.pages, no)
				m.release(0, pageSize)
				continue
			}
			a, b := ps, pe
			if off > a {
				a = off
			}
			if end < b {
				b = end
			}
			for i := a - ps; i < b-ps; i++ {
				p.b[i] = 0
			}
		}
	} else {
		// All or nothing: the space is reserved before any page exists.
		missing := uint64(0)
		for no := first; no <= last; no++ {
			if n.pages[no] == nil {
				missing++
			}
		}
		if missing > 0 && m.reserveBytes(missing*pageSize, false) == 0 {
			return fsp.FileInfo{}, syscall.ENOSPC
		}
		for no := first; no <= last; no++ {
			if n.pages[no] == nil {
				n.pages[no] = &page{b: make([]byte, pageSize), unwritten: true}
			}
		}
		if mode&fsp.AllocKeepSize == 0 && end > n.info.Size {
			n.info.Size = end
		}
	}
	touchData(n)
	return n.fill(), nil
}

func (m *memfs) Seek(_ *fsp.Request, nd fsp.Node, _ fsp.File, off uint64, whence int) (uint64, error) {
	n := nd.(*node)
	n.mu.Lock()
	defer n.mu.Unlock()
	size := n.info.Size
	if off >= size {
		return 0, syscall.ENXIO
	}
	isData := func(no uint64) bool { p := n.pages[no]; return p != nil && !p.unwritten }
	if whence == fsp.SeekData {
		best, found := uint64(0), false
		for no, p := range n.pages {
			if !p.unwritten && no >= off/pageSize && (!found || no < best) {
				best, found = no, true
			}
		}
		if !found || best*pageSize >= size {
			return 0, syscall.ENXIO
		}
		if start := best * pageSize; start > off {
			return start, nil
		}
		return off, nil
	}
	no := off / pageSize
	for isData(no) {
		no++
	}
	hole := no * pageSize
	if hole < off {
		hole = off
	}
	if hole > size {
		hole = size
	}
	return hole, nil
}
