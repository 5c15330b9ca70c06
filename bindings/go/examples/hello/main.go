// SPDX-License-Identifier: 0BSD

// Command hello is the smallest fsp file system in Go: one read-only file.
//
//	hello /mnt    (Ctrl-C unmounts)
package main

import (
	"log"
	"os"
	"syscall"

	"fsp"
)

const text = "Hello, world!\n"

// hello's nodes are inode numbers: 1 the root, 2 the file.
type hello struct{ fsp.Base }

func info(index uint64) fsp.FileInfo {
	if index == 1 {
		return fsp.FileInfo{Index: 1, Mode: syscall.S_IFDIR | 0o755, Nlink: 2}
	}
	return fsp.FileInfo{Index: 2, Mode: syscall.S_IFREG | 0o444, Nlink: 1, Size: uint64(len(text))}
}

func (hello) Lookup(_ *fsp.Request, parent fsp.Node, name string) (fsp.Node, fsp.FileInfo, error) {
	switch {
	case parent == nil:
		return uint64(1), info(1), nil
	case name == "hello":
		return uint64(2), info(2), nil
	}
	return nil, fsp.FileInfo{}, syscall.ENOENT
}

func (hello) GetFileInfo(_ *fsp.Request, n fsp.Node, _ fsp.File) (fsp.FileInfo, error) {
	return info(n.(uint64)), nil
}

func (hello) Read(_ *fsp.Request, _ fsp.Node, _ fsp.File, buf []byte, off uint64) (int, error) {
	if off >= uint64(len(text)) {
		return 0, nil
	}
	return copy(buf, text[off:]), nil
}

func (hello) ReadDirectory(_ *fsp.Request, _ fsp.Node, _ fsp.File, d *fsp.DirBuffer) error {
	fi := info(2)
	d.Add("hello", &fi)
	return nil
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: hello MOUNTPOINT")
	}
	h, err := fsp.New(fsp.VolumeParams{}, fsp.StatelessOpens, hello{})
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	if err := h.Mount(os.Args[1], ""); err != nil {
		log.Fatal(err)
	}
	h.StopOnSignals()
	if err := h.Run(); err != nil {
		log.Fatal(err)
	}
}
