// SPDX-License-Identifier: LGPL-2.1-or-later

package fsp

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var names = []string{"hello", "slow", "panic", "bad", "toolong", "who", "slowpanic", "negative", "nilderef"}

type tnode struct{ index uint64 }

// testFS exercises the binding: contexts given back, errors mapped,
// panics answered EIO, nonsense refused, pending reads completed from
// another goroutine, caller identity.
type testFS struct {
	Base
	live, opens atomic.Int64
}

func (t *testFS) info(r *Request, index uint64) FileInfo {
	if index == 1 {
		return FileInfo{Index: 1, Mode: 0o40755, Nlink: 2}
	}
	fi := FileInfo{Index: index, Mode: 0o100644, Nlink: 1, Size: 12}
	if names[index-2] == "who" { // the caller's identity, reported back as the owner
		fi.UID, fi.GID = r.UID(), r.GID()
	}
	return fi
}

func (t *testFS) Lookup(r *Request, parent Node, name string) (Node, FileInfo, error) {
	index := uint64(1)
	if parent != nil {
		index = 0
		for i, n := range names {
			if n == name {
				index = uint64(i + 2)
			}
		}
		if index == 0 {
			return nil, FileInfo{}, syscall.ENOENT
		}
	}
	switch name {
	case "panic":
		panic("a bug in Lookup")
	case "nilderef": // a fault (SIGSEGV) the runtime turns into a panic
		var p *tnode
		return nil, FileInfo{}, syscall.Errno(p.index)
	case "bad":
		return nil, FileInfo{}, errors.New("not an errno")
	}
	t.live.Add(1)
	return &tnode{index}, t.info(r, index), nil
}

func (t *testFS) Forget(n Node) { t.live.Add(-1) }

func (t *testFS) GetFileInfo(r *Request, n Node, _ File) (FileInfo, error) {
	return t.info(r, n.(*tnode).index), nil
}

func (t *testFS) Open(r *Request, n Node, _ uint32) (File, FileInfo, error) {
	t.opens.Add(1)
	return "an open", t.info(r, n.(*tnode).index), nil
}

func (t *testFS) Close(_ Node, f File) {
	if f.(string) == "an open" {
		t.opens.Add(-1)
	}
}

func (t *testFS) Read(r *Request, n Node, _ File, buf []byte, off uint64) (int, error) {
	data := []byte("hello world\n")
	name := names[n.(*tnode).index-2]
	switch name {
	case "toolong":
		return len(buf) + 1, nil
	case "negative":
		return -1, nil
	}
	c := 0
	if off < uint64(len(data)) {
		c = copy(buf, data[off:])
	}
	switch name {
	case "slow":
		p := r.Pend()
		go func() {
			time.Sleep(50 * time.Millisecond)
			p.CompleteRead(c, nil)
		}()
		return 0, nil
	case "slowpanic": // pended, then a bug: answered EIO all the same
		r.Pend()
		panic("a bug after Pend")
	}
	return c, nil
}

func (t *testFS) ReadDirectory(r *Request, _ Node, _ File, d *DirBuffer) error {
	for i, n := range names {
		fi := t.info(r, uint64(i+2))
		d.Add(n, &fi)
	}
	return nil
}

func errnoOf(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return 0
}

func TestMount(t *testing.T) { testMount(t, "") }

// TestMountIoUring: the same over FUSE over io_uring, whose queue threads
// (goroutines too, through fsp's thread factory) call the callbacks.
func TestMountIoUring(t *testing.T) {
	if b, err := os.ReadFile("/sys/module/fuse/parameters/enable_uring"); err != nil || len(b) == 0 || b[0] != 'Y' {
		t.Skip("the kernel's enable_uring is off (left as it is)")
	}
	testMount(t, "io_uring")
}

func testMount(t *testing.T, options string) {
	if os.Geteuid() != 0 {
		t.Skip("needs root and /dev/fuse")
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		t.Skip("needs /dev/fuse")
	}
	mp, err := os.MkdirTemp("", "fsp-go-test.")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(mp)
	tfs := &testFS{}
	h, err := New(VolumeParams{}, 0, tfs)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Mount(mp, options); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- h.Run() }()
	handle := h.Handle()
	func() {
		defer handle.Stop()
		check := func(name string, want syscall.Errno) {
			_, err := os.Stat(filepath.Join(mp, name))
			if got := errnoOf(err); got != want {
				t.Errorf("stat %s: %v, want %v", name, err, want)
			}
		}
		// First: an ENOSYS getxattr (the kernel asks security.capability
		// on a write) turns all of them off.
		if options == "io_uring" {
			buf := make([]byte, 8192)
			n, err := syscall.Getxattr(mp, "user.fsp.stats", buf)
			if n < 0 {
				n = 0
			}
			if err != nil || !strings.Contains(string(buf[:n]), "transport io_uring") {
				t.Errorf("not served over io_uring: %v\n%s", err, buf[:n])
			}
		}
		for _, n := range []string{"hello", "slow"} {
			b, err := os.ReadFile(filepath.Join(mp, n))
			if err != nil || string(b) != "hello world\n" {
				t.Errorf("read %s: %q, %v", n, b, err)
			}
		}
		check("panic", syscall.EIO)
		check("nilderef", syscall.EIO)
		check("bad", syscall.EIO)
		check("nothing", syscall.ENOENT)
		check("hello", 0) // still serving
		for _, n := range []string{"toolong", "negative", "slowpanic"} {
			_, err := os.ReadFile(filepath.Join(mp, n))
			if errnoOf(err) != syscall.EIO {
				t.Errorf("read %s: %v, want EIO", n, err)
			}
		}
		st, err := os.Stat(filepath.Join(mp, "who"))
		if err != nil || st.Sys().(*syscall.Stat_t).Uid != 0 {
			t.Errorf("who: %v", err)
		}
		ents, err := os.ReadDir(mp)
		var got []string
		for _, e := range ents {
			got = append(got, e.Name())
		}
		sort.Strings(got)
		if err != nil || len(got) != len(names) {
			t.Errorf("readdir: %v %v", got, err)
		}
		// no Overwrite nor SetFileSize: ENOSYS
		if err := os.WriteFile(filepath.Join(mp, "hello"), []byte("x"), 0o644); errnoOf(err) != syscall.ENOSYS {
			t.Errorf("O_TRUNC: %v, want ENOSYS", err)
		}
		if err := handle.NotifyInode(2, -1, 0); err != nil && err != syscall.ENOENT {
			t.Errorf("NotifyInode: %v", err)
		}
		// the other notifications reach the kernel (ENOENT: nothing
		// cached; ENOSYS: expire on a kernel before 7.38)
		ok := func(what string, err error) {
			if err != nil && err != syscall.ENOENT && err != syscall.ENOSYS {
				t.Errorf("%s: %v", what, err)
			}
		}
		ok("NotifyExpire", handle.NotifyExpire(1, "hello"))
		ok("NotifyStore", handle.NotifyStore(2, 0, []byte("HELLO")))
		buf := make([]byte, 64)
		n, err := handle.NotifyRetrieve(2, 0, buf, time.Second)
		ok("NotifyRetrieve", err)
		if err == nil && n >= 5 && string(buf[:5]) != "HELLO" {
			t.Errorf("NotifyRetrieve after NotifyStore: %q", buf[:n])
		}
		ok("NotifyDelete", handle.NotifyDelete(1, 0, "nothing"))
		check("hello", 0) // still serving
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h.Close()
	if n := tfs.live.Load(); n != 0 {
		t.Errorf("%d node references not given back", n)
	}
	if n := tfs.opens.Load(); n != 0 {
		t.Errorf("%d opens not closed", n)
	}
	if err := handle.NotifyInode(1, -1, 0); err != syscall.ENOTCONN {
		t.Errorf("after Close: %v, want ENOTCONN", err)
	}
}

func TestAbortConnection(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	var me *MountError
	if err := AbortConnection(t.TempDir()); !errors.As(err, &me) || me.Errno != syscall.EINVAL {
		t.Errorf("not a FUSE mount: %v, want EINVAL", err)
	}
}

func TestErrno(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{syscall.ENOENT, -2},
		{fmt.Errorf("wrapped: %w", syscall.ENOSPC), -28},
		{fs.ErrNotExist, -2},
		{fs.ErrExist, -17},
		{fs.ErrPermission, -13},
		{errors.New("other"), -5},
		{syscall.Errno(99999), -5},
	} {
		if got := int(toErrno(c.err, "test")); got != c.want {
			t.Errorf("%v: %d, want %d", c.err, got, c.want)
		}
	}
}

// badWinFS answers the Windows calls with nonsense: a reparse buffer
// whose header does not match its length, a descriptor that is no
// descriptor, a stream name with a ':'.  Each must answer EIO while the
// mount keeps serving.
type badWinFS struct{ testFS }

func (*badWinFS) GetReparseData(*Request, Node) ([]byte, error) {
	return []byte{0x99, 0, 0, 0x80, 200, 0, 0, 0, 1}, nil
}
func (*badWinFS) SetReparseData(*Request, Node, []byte) error { return syscall.EPERM }
func (*badWinFS) DeleteReparseData(*Request, Node) error      { return syscall.ENODATA }
func (*badWinFS) GetSecurity(*Request, Node) ([]byte, error) {
	return []byte("not a descriptor"), nil
}
func (*badWinFS) SetSecurity(*Request, Node, []byte) error { return syscall.EPERM }
func (*badWinFS) LookupStream(*Request, Node, string) (Node, FileInfo, error) {
	return nil, FileInfo{}, syscall.ENOENT
}
func (*badWinFS) CreateStream(*Request, Node, string) (Node, FileInfo, error) {
	return nil, FileInfo{}, syscall.EPERM
}
func (*badWinFS) DeleteStream(*Request, Node, string) error { return syscall.ENOENT }
func (*badWinFS) ListEA(*Request, Node) ([]string, error)   { return nil, nil }
func (*badWinFS) GetStreamInfo(*Request, Node) ([]StreamInfo, error) {
	return []StreamInfo{{Name: "a:b", Size: 1}}, nil
}

func TestBadWindowsResults(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root and /dev/fuse")
	}
	mp := t.TempDir()
	bfs := &badWinFS{}
	h, err := New(VolumeParams{Flags: VolNamedStreams | VolReparsePoints | VolSecurity}, 0, bfs)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Mount(mp, ""); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- h.Run() }()
	func() {
		defer h.Handle().Stop()
		f := filepath.Join(mp, "hello")
		buf := make([]byte, 65536)
		for _, name := range []string{"system.ntfs_reparse_data", "system.ntfs_acl"} {
			if _, err := syscall.Getxattr(f, name, buf); errnoOf(err) != syscall.EIO {
				t.Errorf("getxattr %s: %v, want EIO", name, err)
			}
		}
		// fsp lists the attributes without the streams it could not get
		if n, err := syscall.Listxattr(f, buf); err != nil || strings.Contains(string(buf[:n]), "a:b") {
			t.Errorf("listxattr with a bad stream name: %q %v", buf[:max(n, 0)], err)
		}
		if b, err := os.ReadFile(f); err != nil || string(b) != "hello world\n" {
			t.Errorf("still serving: %q %v", b, err)
		}
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h.Close()
}

func TestHandles(t *testing.T) {
	var tb handleTable
	a, b := tb.add("a"), tb.add(nil)
	if a == 0 || b == 0 || a == b || tb.get(a) != "a" || tb.get(b) != nil || tb.get(0) != nil {
		t.Fatalf("add/get: %d %d %v", a, b, tb.get(a))
	}
	if v := tb.take(a); v != "a" || tb.get(a) != nil {
		t.Errorf("take: %v", v)
	}
	if c := tb.add("c"); c != a || tb.get(c) != "c" {
		t.Errorf("a freed number is reused: %d", c)
	}
	for i := 0; i < 3*chunkSize; i++ { // across chunks
		if h := tb.add(i); tb.get(h) != i {
			t.Fatalf("number %d", h)
		}
	}
}

// BenchmarkHandles: one lookup's context and its forget, with 10,000
// others live (docs/bindings-go.md compares runtime/cgo.Handle).
func BenchmarkHandles(b *testing.B) {
	for i := 0; i < 10000; i++ {
		handles.add(&tnode{})
	}
	n := &tnode{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := handles.add(n)
		_ = handles.get(h).(*tnode)
		handles.take(h)
	}
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
