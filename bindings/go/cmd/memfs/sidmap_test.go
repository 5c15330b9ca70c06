// SPDX-License-Identifier: LGPL-2.1-or-later

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// A domain user and group of the file system's own, two SIDs whose
// mapping panics and one id whose SID is nonsense: fsp asks the Go
// mapper (Host.SetSIDMapper) before its default mapping.
const (
	domUser  = "S-1-5-21-1-2-3-1001" // uid 4242
	domGroup = "S-1-5-21-1-2-3-2001" // gid 4343
	panicSID = "S-1-5-21-1-2-3-666"  // SIDToID panics
	panicID  = 666                   // IDToSID panics
	junkID   = 667                   // IDToSID returns no SID
)

type testMapper struct{ toID, toSID atomic.Int64 }

func (m *testMapper) SIDToID(sid string) (uint32, bool, error) {
	m.toID.Add(1)
	switch sid {
	case domUser:
		return 4242, false, nil
	case domGroup:
		return 4343, true, nil
	case panicSID:
		panic("a bug in SIDToID")
	}
	return 0, false, fmt.Errorf("not in the domain: %w", syscall.ENOENT)
}

func (m *testMapper) IDToSID(id uint32, isGroup bool) (string, error) {
	m.toSID.Add(1)
	switch {
	case id == 4242 && !isGroup:
		return domUser, nil
	case id == 4343 && isGroup:
		return domGroup, nil
	case id == panicID:
		panic("a bug in IDToSID")
	case id == junkID:
		return "not a SID", nil
	}
	return "", fmt.Errorf("not in the domain: %w", syscall.ENOENT)
}

// sdGet is fsptool sd get's SDDL of f.
func sdGet(t *testing.T, T, f string) string {
	t.Helper()
	out, err := exec.Command(T, "sd", "get", f).CombinedOutput()
	if err != nil {
		t.Errorf("fsptool sd get %s: %v: %s", f, err, out)
	}
	return strings.TrimSpace(string(out))
}

func owner(t *testing.T, f string) (uint32, uint32) {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(f, &st); err != nil {
		t.Errorf("stat %s: %v", f, err)
	}
	return st.Uid, st.Gid
}

func TestSIDMapper(t *testing.T) {
	m := &testMapper{}
	mp, stop := mountWMapper(t, m)
	defer stop()
	T := tool(t, "fsptool")
	mk := func(name string) string {
		f := filepath.Join(mp, name)
		if err := os.WriteFile(f, []byte("data\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}

	// sid_to_id: a descriptor owned by the domain's SIDs gives their ids
	f := mk("f")
	run(t, "", T, "sd", "set", f, "O:"+domUser+"G:"+domGroup+"D:P(A;;FA;;;WD)")
	if u, g := owner(t, f); u != 4242 || g != 4343 {
		t.Errorf("stat after sd set: uid %d gid %d, want 4242 4343", u, g)
	}
	if s := sdGet(t, T, f); !strings.HasPrefix(s, "O:"+domUser+"G:"+domGroup) {
		t.Errorf("sd get after sd set: %q", s)
	}

	// id_to_sid: chown to the domain's ids makes a descriptor naming
	// their SIDs (by default: S-1-22-1-4242 and S-1-22-2-4343)
	g := mk("g")
	if err := os.Chown(g, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	if s := sdGet(t, T, g); !strings.HasPrefix(s, "O:"+domUser+"G:"+domGroup) ||
		!strings.Contains(s, ";;;"+domUser+")") {
		t.Errorf("sd get after chown 4242:4343: %q, want %s owning it", s, domUser)
	}
	if u, gid := owner(t, g); u != 4242 || gid != 4343 {
		t.Errorf("stat after chown: uid %d gid %d", u, gid)
	}

	// ENOENT falls back to fsp's default mapping: root is S-1-22-1-0 and
	// S-1-22-1-77 is uid 77
	if s := sdGet(t, T, mk("r")); !strings.HasPrefix(s, "O:S-1-22-1-0G:S-1-22-2-0") {
		t.Errorf("sd get of a file root made: %q", s)
	}
	d := mk("d")
	run(t, "", T, "sd", "set", d, "O:S-1-22-1-77G:S-1-22-2-88D:P(A;;FA;;;WD)")
	if u, gid := owner(t, d); u != 77 || gid != 88 {
		t.Errorf("stat after sd set of default SIDs: uid %d gid %d, want 77 88", u, gid)
	}
	if m.toID.Load() == 0 || m.toSID.Load() == 0 {
		t.Errorf("the mapper was not asked: %d SIDToID, %d IDToSID", m.toID.Load(), m.toSID.Load())
	}

	// a panic, and a SID that is none, answer EIO; the mount keeps serving
	p := mk("p")
	for _, id := range []int{panicID, junkID} {
		if err := os.Chown(p, id, -1); errnoOf(err) != syscall.EIO {
			t.Errorf("chown to %d: %v, want EIO", id, err)
		}
	}
	if u, _ := owner(t, p); u != 0 {
		t.Errorf("uid after failed chowns: %d, want 0", u)
	}
	// a panicking SIDToID fails the request (EIO) and nothing changes
	out, err := exec.Command(T, "sd", "set", p, "O:"+panicSID+"G:"+domGroup+"D:P(A;;FA;;;WD)").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Input/output error") {
		t.Errorf("sd set with a SID whose mapping panics: %v %s, want EIO", err, out)
	}
	if u, _ := owner(t, p); u != 0 {
		t.Errorf("uid after sd set with a panicking SID: %d, want 0 (kept)", u)
	}
	if b, err := os.ReadFile(f); err != nil || string(b) != "data\n" {
		t.Errorf("still serving: %q %v", b, err)
	}
}
