// SPDX-License-Identifier: LGPL-2.1-or-later

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"fsp"
)

// The Go memfs with -W and streams_interface=windows, in this process,
// checked through the kernel with the OS's calls and fsptool, as C memfs
// is in tests/windows_meta.sh and tests/export.sh.

var root = func() string { r, _ := filepath.Abs("../../../.."); return r }()

func tool(t *testing.T, name string) string {
	p := filepath.Join(root, "build", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not built", p)
	}
	return p
}

func errnoOf(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return 0
}

// mountW mounts a -W memfs and returns its mount point and a stop.
func mountW(t *testing.T) (string, func()) { return mountWMapper(t, nil) }

// mountWMapper: mountW with SID mapper m (nil: fsp's default mapping).
func mountWMapper(t *testing.T, mapper fsp.SIDMapper) (string, func()) {
	if os.Geteuid() != 0 {
		t.Skip("needs root and /dev/fuse")
	}
	mp := t.TempDir()
	m := newMemfs(1<<30, 0, "memfs", true, 0, 0)
	p := fsp.VolumeParams{Flags: fsp.VolNamedStreams | fsp.VolReparsePoints | fsp.VolReadonlyAttr | fsp.VolSecurity}
	h, err := fsp.New(p, fsp.StatelessOpens|fsp.UnnamedFiles, windowsFS{m})
	if err != nil {
		t.Fatal(err)
	}
	if mapper != nil {
		h.SetSIDMapper(mapper)
	}
	if err := h.Mount(mp, "streams_interface=windows"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- h.Run() }()
	return mp, func() {
		h.Handle().Stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
		h.Close()
	}
}

// run runs a tool that must succeed, and print want.
func run(t *testing.T, want string, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), want) {
		t.Errorf("%s %v: %v: %q, want %q", filepath.Base(name), args, err, out, want)
	}
}

// refused runs a tool that must fail, saying want.
func refused(t *testing.T, want string, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), want) {
		t.Errorf("%s %v: %v: %q, want %q", filepath.Base(name), args, err, out, want)
	}
}

func TestStreams(t *testing.T) {
	mp, stop := mountW(t)
	defer stop()
	T := tool(t, "fsptool")
	f := filepath.Join(mp, "f")
	if err := os.WriteFile(f, []byte("main"), 0o644); err != nil {
		t.Fatal(err)
	}
	// as an attribute
	if err := syscall.Setxattr(f, "user.DosStream.one:$DATA", []byte("first"), 0); err != nil {
		t.Fatalf("set stream attribute: %v", err)
	}
	buf := make([]byte, 64)
	n, err := syscall.Getxattr(f, "user.DosStream.one:$DATA", buf)
	// Samba's form: the bytes and one NUL
	if err != nil || string(buf[:n]) != "first\x00" {
		t.Errorf("get stream attribute: %q %v", buf[:max(n, 0)], err)
	}
	// as FILE:NAME
	if err := os.WriteFile(f+":two", []byte("second"), 0o644); err != nil {
		t.Fatalf("write f:two: %v", err)
	}
	if b, err := os.ReadFile(f + ":one"); err != nil || string(b) != "first" {
		t.Errorf("read f:one: %q %v", b, err)
	}
	run(t, "5 one\n6 two\n", T, "streams", "list", f)
	if b, _ := os.ReadFile(f); string(b) != "main" {
		t.Errorf("main stream: %q", b)
	}
	if err := syscall.Removexattr(f, "user.DosStream.one:$DATA"); err != nil {
		t.Errorf("delete stream one: %v", err)
	}
	run(t, "", T, "streams", "delete", f, "two")
	if _, err := os.Stat(f + ":two"); errnoOf(err) != syscall.ENOENT {
		t.Errorf("deleted stream: %v, want ENOENT", err)
	}
	if out, _ := exec.Command(T, "streams", "list", f).Output(); len(out) != 0 {
		t.Errorf("streams left: %q", out)
	}
}

func TestReparse(t *testing.T) {
	mp, stop := mountW(t)
	defer stop()
	T := tool(t, "fsptool")
	d := filepath.Join(mp, "d")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "", T, "reparse", d, "set", "0x80000099", "0a0b0c")
	run(t, "tag 0x80000099\ndata 0a0b0c", T, "reparse", d)
	run(t, "0x00000410", T, "attrib", d) // directory + reparse point
	// another tag must be refused (Windows' rule), the same tag replaces
	refused(t, "File exists", T, "reparse", d, "set", "0x80000098", "01")
	run(t, "", T, "reparse", d, "set", "0x80000099", "ff")
	run(t, "data ff", T, "reparse", d)
	run(t, "", T, "reparse", d, "delete")
	refused(t, "No data", T, "reparse", d)
	run(t, "0x00000010", T, "attrib", d)
}

func TestSecurity(t *testing.T) {
	mp, stop := mountW(t)
	defer stop()
	T := tool(t, "fsptool")
	f := filepath.Join(mp, "f")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	sddl := "O:S-1-22-1-1234G:S-1-22-2-567D:P(A;;FA;;;S-1-22-1-1234)(A;;FR;;;WD)"
	run(t, "", T, "sd", "set", f, sddl)
	run(t, sddl, T, "sd", "get", f)
	var st syscall.Stat_t
	if err := syscall.Stat(f, &st); err != nil || st.Uid != 1234 || st.Gid != 567 || st.Mode&0o777 != 0o744 {
		t.Errorf("stat after sd set: uid %d gid %d mode %o, %v", st.Uid, st.Gid, st.Mode&0o777, err)
	}
	// the helpers agree with fsp
	sd, err := fsp.SDDLToDescriptor(sddl)
	if err != nil || fsp.CheckDescriptor(sd) != nil {
		t.Fatalf("SDDLToDescriptor: %v", err)
	}
	if back, err := fsp.DescriptorToSDDL(sd); err != nil || back != sddl {
		t.Errorf("DescriptorToSDDL: %q %v", back, err)
	}
	got := make([]byte, 4096)
	n, err := syscall.Getxattr(f, "system.ntfs_acl", got)
	if err != nil || !bytes.Equal(got[:n], sd) {
		t.Errorf("system.ntfs_acl differs from SDDLToDescriptor: %v", err)
	}
	if _, err := fsp.SDDLToDescriptor("O:nonsense"); err != syscall.EINVAL {
		t.Errorf("bad SDDL: %v, want EINVAL", err)
	}
	// a new file in a directory with an inheritable entry inherits it
	parent, _ := fsp.SDDLToDescriptor("O:BAG:BAD:(A;OICI;FA;;;WD)")
	child, err := fsp.InheritDescriptor(parent, "S-1-22-1-5", "S-1-22-2-6", false)
	if s, _ := fsp.DescriptorToSDDL(child); err != nil || !strings.Contains(s, "(A;ID;FA;;;WD)") {
		t.Errorf("InheritDescriptor: %q %v", s, err)
	}
}

func TestReadonlyAttr(t *testing.T) {
	mp, stop := mountW(t)
	defer stop()
	T := tool(t, "fsptool")
	f := filepath.Join(mp, "ro")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "", T, "attrib", f, "+r")
	if err := os.WriteFile(f, []byte("y"), 0o644); errnoOf(err) != syscall.EACCES {
		t.Errorf("write to a read-only file: %v, want EACCES", err)
	}
	if err := os.Remove(f); errnoOf(err) != syscall.EPERM {
		t.Errorf("unlink of a read-only file: %v, want EPERM", err)
	}
	run(t, "", T, "attrib", f, "-r")
	if err := os.Remove(f); err != nil {
		t.Errorf("unlink after -r: %v", err)
	}
}

func TestExport(t *testing.T) {
	mp, stop := mountW(t)
	defer stop()
	H := tool(t, "tests/fsp-handle")
	dir := filepath.Join(mp, "a", "b")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "f")
	os.WriteFile(f, []byte("payload\n"), 0o644)
	hf, hd := filepath.Join(t.TempDir(), "hf"), filepath.Join(t.TempDir(), "hd")
	run(t, "", H, "save", f, hf)
	run(t, "", H, "save", dir, hd)
	evict := func() {
		syscall.Sync()
		if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("2"), 0); err != nil {
			t.Fatal(err)
		}
	}
	evict()
	run(t, "payload", H, "cat", mp, hf)
	evict()
	var st syscall.Stat_t
	syscall.Stat(dir, &st)
	evict()
	// a directory handle makes the kernel look its parents up by ".."
	run(t, strconv.FormatUint(st.Ino, 10), H, "stat", mp, hd)
	os.Remove(f)
	evict()
	refused(t, "ERR ESTALE", H, "cat", mp, hf)
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
