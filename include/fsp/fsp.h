/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsp native API, version 1: write a Linux file system as an ordinary
 * program, the way WinFsp's FSP_FILE_SYSTEM_INTERFACE does on Windows.
 *
 * A file system fills one `struct fsp_fs_interface` with callbacks and a
 * `struct fsp_volume_params`, and fsp does the rest: it mounts through
 * the kernel's FUSE module, decodes every request from /dev/fuse, keeps
 * the node table, paths, directory paging and open-file bookkeeping, and
 * calls the callbacks with clear contracts.
 *
 * Identity.  A file is identified by its stable file index (the inode
 * number it reports in fsp_file_info.index), not by its path.  Each file
 * the kernel knows has a per-node context (`void *node`), handed to fsp by
 * lookup or create and given back by forget when the kernel drops the
 * node.  Each open has a per-open context (`void *file`) from open or
 * create until close.  Paths are a convenience: fsp_request_path() gives
 * the request's path, valid during the call only.
 *
 * How WinFsp's names map onto what Linux sends:
 *   Create       new name: open(O_CREAT), mkdir, symlink, mknod
 *   Open         open() of an existing file or directory
 *   Overwrite    open(O_TRUNC) of an existing file
 *   Cleanup      close() of one descriptor (FUSE FLUSH): zero or more times
 *                per open, because dup() and fork() share one open
 *   Close        the final release of an open (FUSE RELEASE): exactly once
 *                per successful open or create
 *   CanDelete / SetDelete
 *                delete is by name on Linux: unlink() or rmdir() calls
 *                can_delete, then set_delete removes the name at once; the
 *                file lives on while it is open or the kernel holds it
 *   Flush        fsync()/fdatasync()
 *   ReadDirectory
 *                the file system adds its entries to a directory buffer;
 *                fsp adds "." and "..", pages them to the kernel and keeps
 *                telldir()/seekdir() cookies stable per open directory
 *   Reparse points
 *                symbolic links (the first kind): get_reparse_point reads
 *                the target; any reparse data: get/set/delete_reparse_data
 *   GetStreamInfo, named streams
 *                get_stream_info, lookup_stream, create_stream,
 *                delete_stream (FSP_VOL_NAMED_STREAMS); docs/windows.md
 *                has how Linux programs and Samba see all of it
 *   EAs          extended attributes (user.*, trusted.*, security.*)
 *
 * A file system that keeps no per-open state sets FSP_IFACE_STATELESS_OPENS:
 * then open and close are never called, the file argument is always NULL
 * (create must leave *file NULL), and the kernel sends no OPEN/RELEASE
 * requests at all: it creates files with MKNOD (fsp declines CREATE) and
 * opens without asking.  (Except on FSP_VOL_READONLY_ATTR volumes, where
 * fsp itself answers OPEN and RELEASE to check the attribute at open;
 * the file system's open and close are still never called.)  On a volume
 * whose file_info_timeout lets the kernel cache, directories are opened
 * without OPENDIR/RELEASEDIR too (FSP_IFACE_STATELESS_DIR_OPENS asks for
 * that alone); fsp keeps the listing snapshots on the node then.  A
 * cached negative entry that is stale (the file
 * system made the name behind the kernel's back) then makes
 * open(O_CREAT) fail with EEXIST until the entry times out or is
 * invalidated (fsp_notify_*), where CREATE would have opened the file.
 *
 * Results.  Every callback returns 0 or a negative errno (-ENOENT, ...).
 * A positive or out-of-range value is a bug in the file system: fsp turns
 * it into -EIO in one place and logs it.  read and write may also return
 * FSP_PENDING and finish later with fsp_request_complete; every other
 * callback answers before it returns (FSP_PENDING from one is -EIO).
 *
 * Access control.  The kernel checks every access before fsp sees the
 * request, by the POSIX rules, against the mode, owner and group the file
 * system reports (and its ACLs on FSP_VOL_POSIX_ACL volumes): reading,
 * writing, executing, listing and searching directories on every path
 * component (cached or not), creating and deleting names (sticky
 * directories included), open(O_TRUNC), chmod, chown, utimensat, the
 * set-group-ID rule of chmod, and trusted.* and security.* attributes,
 * with the caller's own supplementary groups and capabilities
 * (CAP_DAC_OVERRIDE, CAP_FOWNER, ...).  fsp makes every native volume a
 * default_permissions mount to get this, whatever the mount options say;
 * -o default_permissions and FSP_VOL_DEFAULT_PERMS are accepted and change
 * nothing.  There is no mode in which the file system checks instead:
 * without default_permissions the kernel checks nothing, not even search
 * permission on a cached path, and nothing a file system can do in its
 * callbacks could close that.  A file system decides access through what
 * it reports (WinFsp's file systems do it through security descriptors,
 * which its driver checks): a file system that wants to let everyone in
 * reports permissive modes; one that maps foreign owners maps them in
 * fsp_file_info.  So stateless opens (FSP_IFACE_STATELESS_OPENS) and the
 * kernel's caches are never a way around a check, and `allow_other` is
 * safe: other users get exactly what the modes give them.
 *
 * What is left to fsp and the file system: a new file gets the caller's
 * uid and gid in fsp_create_params, except that in a set-group-ID
 * directory the group is the directory's, and a new subdirectory there
 * gets S_ISGID too (fsp asks get_file_info of the parent for this).
 * Set-user-ID and set-group-ID are cleared by fsp after write, truncate
 * and chown, as the kernel asks.  A listing of extended attributes hides
 * trusted.* names from callers without CAP_SYS_ADMIN (read from
 * /proc/PID/status: a request carries uid, gid and pid only).  A read-only
 * mount (-o ro, FSP_VOL_READ_ONLY) is refused every change by the kernel.
 * docs/access.md has the whole model and how it is tested.
 *
 * Locks.  There are no lock callbacks: fsp asks the kernel for no lock
 * support, so the kernel keeps POSIX record locks, open file description
 * locks and flock() locks itself, across all processes on the machine.
 * That is exact for a file system used from one machine; one shared
 * between machines would need lock callbacks (not in version 1).
 *
 * Threads.  Callbacks run on fsp's dispatcher threads, several at once
 * unless the volume asks for a coarse guard (see FSP_VOL_COARSE_GUARD).
 * With the default fine guard, namespace changes (create, set_delete,
 * rename, set_volume_label) run alone; lookups, attribute and directory
 * calls run shared with each other; read, write and flush are not guarded
 * at all, so a file system protects its file data itself.
 */
#ifndef FSP_FSP_H
#define FSP_FSP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FSP_API_VERSION 1

/* One mounted (or mountable) file system instance; opaque. */
typedef struct fsp_fs fsp_fs;
/* One request from the kernel, passed first to every callback; opaque. */
typedef struct fsp_request fsp_request;

/* Returned by read, write or read_directory to complete the request later
 * from any thread with fsp_request_complete().  Outside errno's range. */
#define FSP_PENDING (-0x10000)

/* DOS file attributes, kept by the file system and reported in file info;
 * the values are Windows' FILE_ATTRIBUTE_* ones. */
#define FSP_ATTR_READONLY      0x00000001u
#define FSP_ATTR_HIDDEN        0x00000002u
#define FSP_ATTR_SYSTEM        0x00000004u
#define FSP_ATTR_DIRECTORY     0x00000010u
#define FSP_ATTR_ARCHIVE       0x00000020u
#define FSP_ATTR_NORMAL        0x00000080u
#define FSP_ATTR_TEMPORARY     0x00000100u
#define FSP_ATTR_SPARSE_FILE   0x00000200u
#define FSP_ATTR_REPARSE_POINT 0x00000400u

/* What the file system knows about one file.  Filled by callbacks; fsp
 * maps it onto stat, statx and the kernel's attribute cache. */
struct fsp_file_info {
    uint64_t index;          /* stable file index (inode number), never 0 */
    uint32_t mode;           /* S_IFMT type and permission bits */
    uint32_t attributes;     /* FSP_ATTR_* */
    uint32_t nlink;          /* hard links; 0 once deleted but still open */
    uint32_t uid, gid;       /* owner */
    uint32_t rdev;           /* device number for device files */
    uint64_t size;           /* bytes (symlink: target length) */
    uint64_t alloc_size;     /* bytes allocated; st_blocks = alloc_size/512 */
    struct timespec creation_time, access_time, write_time, change_time;
    uint64_t generation;     /* export volumes (lookup_index): tells this
                                file from every earlier file with the
                                same index; constant while the file
                                lives, and different after the index is
                                reused or the volume restarted without
                                its files.  The kernel keeps the low 32
                                bits.  Ignored elsewhere. */
    uint64_t reserved[3];
};

/* Volume-wide numbers, reported through statfs(). */
struct fsp_volume_info {
    uint64_t total_size;     /* bytes */
    uint64_t free_size;      /* bytes */
    uint64_t total_files;    /* 0: no limit */
    uint64_t free_files;
    char label[64];          /* UTF-8, NUL-terminated */
};

/* Volume flags. */
#define FSP_VOL_CASE_INSENSITIVE 0x0001u /* lookups ignore case; fsp then
                                            never caches negative entries */
#define FSP_VOL_READ_ONLY        0x0002u /* mount read-only; changes get EROFS
                                            even after a remount rw */
#define FSP_VOL_COARSE_GUARD     0x0004u /* one callback at a time */
#define FSP_VOL_DEFAULT_PERMS    0x0008u /* always in effect (see Access
                                            control); kept for source
                                            compatibility */
#define FSP_VOL_DIRECT_IO        0x0010u /* no page cache: every read and
                                            write reaches the file system
                                            (mmap still works); with a file
                                            info timeout of 0 this is the
                                            mode where a file system keeps
                                            atime, which cached reads never
                                            report */
#define FSP_VOL_PASSTHROUGH      0x0020u /* opens may hand their I/O to the
                                            kernel (fsp_request_passthrough);
                                            needs root and kernel 6.9+ */
#define FSP_VOL_WRITEBACK_CACHE  0x0040u /* the kernel gathers writes in
                                            its page cache and sends them
                                            later, setting mtime and size
                                            itself (SETATTR); writes may
                                            arrive with any open of the
                                            file, and reads with a write-
                                            only one (to fill a page a
                                            write covers in part): a file
                                            system keeping a descriptor
                                            per open opens it for reading
                                            too.  A write refused then
                                            (EFBIG past max_file_size,
                                            ENOSPC) has already succeeded
                                            for the program: it sees the
                                            error at fsync or close at
                                            best, as on NFS.  Also -o
                                            writeback_cache.  Not with
                                            passthrough. */
#define FSP_VOL_POSIX_ACL        0x0080u /* POSIX ACLs (system.posix_acl_
                                            access and _default), where the
                                            kernel offers them (FUSE_POSIX_
                                            ACL).  The kernel then checks
                                            permissions itself, ACLs
                                            included, as with default_
                                            permissions.  The file system
                                            only stores the two attributes
                                            with get_ea/set_ea/remove_ea;
                                            fsp validates them (EINVAL for
                                            a malformed one, before
                                            anything changes) and keeps
                                            the rules: an access ACL sets
                                            the mode's permission bits (one
                                            the mode says all of is stored
                                            as the mode alone), chmod sets
                                            its mask (or group) entry, and
                                            create applies the parent's
                                            default ACL, or else the umask,
                                            to cp->mode and stores the
                                            inherited ACLs (see create).
                                            Without the flag fsp answers
                                            EOPNOTSUPP for ACL names. */
#define FSP_VOL_NAMED_STREAMS    0x0100u /* named streams (alternate data
                                            streams): lookup_stream and
                                            friends; seen from Linux as
                                            user.DosStream.NAME:$DATA
                                            attributes and, with -o
                                            streams_interface=windows, as
                                            FILE:NAME paths.  Without it
                                            fsp never calls the stream
                                            callbacks (docs/windows.md). */
#define FSP_VOL_READONLY_ATTR    0x0200u /* FSP_ATTR_READONLY is enforced
                                            as NTFS does: opening for
                                            writing, writes, truncation
                                            and making a stream get
                                            EACCES, unlink, rmdir and
                                            being replaced by rename get
                                            EPERM; renaming the file and
                                            changing its attributes, times,
                                            mode and owner still work; with
                                            FSP_IFACE_STATELESS_OPENS fsp
                                            still answers OPEN (not the
                                            file system's open) to check
                                            the bit there */
#define FSP_VOL_REPARSE_POINTS   0x0400u /* reparse data can be set on any
                                            file or directory
                                            (set_reparse_data); without it
                                            system.ntfs_reparse_data only
                                            shows the data fsp makes up for
                                            symlinks and special files */
#define FSP_VOL_SECURITY         0x0800u /* the volume keeps a Windows
                                            security descriptor per file
                                            (get_security/set_security,
                                            include/fsp/security.h) and it
                                            is the truth: fsp derives the
                                            owner, group and mode the file
                                            system stores (and reports)
                                            from it, turns chmod, chown
                                            and setfacl into descriptor
                                            edits, gives new files the
                                            descriptor NTFS would (inherited
                                            or from the mode), and serves
                                            system.ntfs_acl and security.
                                            NTACL from it.  docs/security.md.
                                            Without the flag those names
                                            get EOPNOTSUPP (system.ntfs_acl)
                                            or are plain EAs (security.*). */

/* Parameters fixed when the file system is created. */
struct fsp_volume_params {
    uint32_t size;                 /* sizeof(struct fsp_volume_params) */
    uint32_t flags;                /* FSP_VOL_* */
    uint32_t sector_size;          /* st_blksize and f_bsize; 0: 4096 */
    uint32_t max_name_length;      /* longer names: ENAMETOOLONG; 0: 255 */
    uint32_t file_info_timeout_ms; /* kernel entry and attribute cache */
    uint32_t reserved0;
    uint64_t volume_serial;
    struct timespec volume_creation_time;
    char fsname[64];               /* mount source; "" = "fsp" */
    char subtype[32];              /* fstype fuse.SUBTYPE; "" = none */
    uint64_t max_file_size;        /* bytes; writes, truncates and
                                      fallocate past it get EFBIG from fsp
                                      (a write across it is cut short);
                                      0: no limit */
    uint64_t reserved[15];
};

/* Fields of fsp_basic_info to change (set_basic_info). */
#define FSP_SET_MODE       0x0001u
#define FSP_SET_UID        0x0002u
#define FSP_SET_GID        0x0004u
#define FSP_SET_ATIME      0x0008u
#define FSP_SET_MTIME      0x0010u
#define FSP_SET_CTIME      0x0020u
#define FSP_SET_CRTIME     0x0040u
#define FSP_SET_ATTRIBUTES 0x0080u

/* Attributes and times to change.  fsp has already resolved "now". */
struct fsp_basic_info {
    uint32_t valid;          /* FSP_SET_* */
    uint32_t mode;           /* permission bits only (07777) */
    uint32_t uid, gid;
    uint32_t attributes;
    uint32_t reserved0;
    struct timespec access_time, write_time, change_time, creation_time;
};

/* What to create (create). */
struct fsp_create_params {
    uint32_t mode;           /* type and permission bits, umask applied */
    uint32_t attributes;     /* FSP_ATTR_* for the new file */
    uint32_t flags;          /* open(2) flags for regular files */
    uint32_t uid, gid;       /* owner: the caller (group: see Access control) */
    uint32_t rdev;           /* device files */
    uint32_t reserved0;
    const char *link_target; /* S_IFLNK: the target, owned by fsp */
    /* FSP_VOL_SECURITY: the new file's self-relative security descriptor
     * (checked; owned by fsp, valid during create), which the file system
     * stores as set_security would; cp->mode, uid and gid are already
     * derived from it.  NULL elsewhere. */
    const void *security;
    uint64_t security_size;
    uint64_t reserved[2];
};

/* Rename flags; same values as renameat2(). */
#define FSP_RENAME_NOREPLACE 0x1u
#define FSP_RENAME_EXCHANGE  0x2u

/* Extended attribute set flags; same values as setxattr(). */
#define FSP_EA_CREATE  0x1
#define FSP_EA_REPLACE 0x2

/* allocate() modes; same values as fallocate()'s FALLOC_FL_*. */
#define FSP_ALLOC_KEEP_SIZE  0x01u
#define FSP_ALLOC_PUNCH_HOLE 0x02u

/* seek() directions; same values as lseek()'s. */
#define FSP_SEEK_DATA 3
#define FSP_SEEK_HOLE 4

/* Interface flags. */
#define FSP_IFACE_STATELESS_OPENS 0x0001u
/* Directories only: open and close are never called for a directory
 * (read_directory and the directory's flush get file NULL), while files
 * keep their opens.  On a volume whose file_info_timeout lets the kernel
 * cache, directories are then opened without OPENDIR/RELEASEDIR and the
 * kernel keeps their listings until they change through the mount or
 * fsp_fs_notify_inode says so; a file system that needs per-open state
 * only for files (passthrough: a backing file per open) saves two
 * requests per listing.  Implied by FSP_IFACE_STATELESS_OPENS. */
#define FSP_IFACE_STATELESS_DIR_OPENS 0x0004u
/* create may be called with name NULL, for open(O_TMPFILE): see create.
 * Without this flag fsp answers O_TMPFILE with EOPNOTSUPP. */
#define FSP_IFACE_UNNAMED_FILES   0x0002u

/* A directory listing under construction; opaque, owned by fsp. */
struct fsp_dir_buffer;
/* A list of named streams under construction (get_stream_info);
 * opaque, owned by fsp. */
struct fsp_stream_buffer;

/* Reparse tags fsp itself knows (Windows' IO_REPARSE_TAG_*), and the
 * largest reparse buffer (header included) Windows allows. */
#define FSP_REPARSE_TAG_SYMLINK 0xA000000Cu
#define FSP_REPARSE_TAG_NFS     0x80000014u
#define FSP_REPARSE_MAX_SIZE    16384u

/*
 * The contract between fsp and a file system.  Set `size` to
 * sizeof(struct fsp_fs_interface); members the file system leaves NULL
 * answer ENOSYS (or do the sensible thing where noted).  Every callback
 * gets the request first; the request, and every buffer fsp passes in,
 * belongs to fsp and lives until the callback returns (or, after
 * FSP_PENDING, until fsp_request_complete).
 */
struct fsp_fs_interface {
    uint32_t size;
    uint32_t flags;          /* FSP_IFACE_* */

    /* statfs().  fsp guarantees: the shared guard.  The file system
     * fills *vi in bytes and files (free no more than total).  NULL:
     * sizes 0, the label from the volume parameters. */
    int (*get_volume_info)(fsp_request *req, struct fsp_volume_info *vi);

    /* Change the label (users set it as the extended attribute
     * "user.fsp.volume_label" of the root).  fsp guarantees: the label is
     * shorter than 64 bytes (longer ones get ERANGE) and the call runs
     * under the exclusive guard.  The file system stores it and fills *vi
     * afterwards.  NULL: ENOTSUP. */
    int (*set_volume_label)(fsp_request *req, const char *label,
                            struct fsp_volume_info *vi);

    /* Required.  Find `name` in directory `parent`.  fsp guarantees: the
     * name length is checked, the name is not "." or ".." (but see the
     * end), and the call runs under the shared guard.  `parent` NULL and name "/" asks for
     * the root directory (once, at mount).  The file system returns a
     * node reference in *node and the file info, or -ENOENT.  Each
     * successful lookup hands fsp one reference that it gives back with
     * exactly one forget.  On a case-insensitive volume, match ignoring
     * case.  On an export volume (lookup_index set) the name may also be
     * "..": see lookup_index. */
    int (*lookup)(fsp_request *req, void *parent, const char *name,
                  void **node, struct fsp_file_info *fi);

    /* Give back one node reference (from lookup or create).  Called when
     * the kernel forgets the node, at unmount, and at once for a duplicate
     * reference of a node fsp already has.  No request: may run on any
     * thread, under no guard, with fsp's node table locked, so it must not
     * call back into fsp.  The file system frees what only the reference
     * kept (a node with no names and no other references). */
    void (*forget)(fsp_fs *fs, void *node);

    /* stat() and friends.  fsp guarantees: `node` is referenced, `file`
     * is the open context if the kernel named an open file (else NULL),
     * and the call runs under the shared guard.  The file system fills
     * all of *fi: index, mode, nlink, owner, size, alloc_size, times. */
    int (*get_file_info)(fsp_request *req, void *node, void *file,
                         struct fsp_file_info *fi);

    /* Create `name` in `parent` as described by *cp (regular file,
     * directory, symlink, device, fifo or socket).  fsp guarantees before
     * the call: the name length is checked, cp->mode has the caller's
     * umask applied (on an FSP_VOL_POSIX_ACL volume: the parent's default
     * ACL instead when it has one; fsp sets the new file's ACLs with
     * set_ea after create returns, still under the guard, and takes the
     * create back through set_delete, close and forget if that fails),
     * cp->uid/gid are set (see Access control), and the call
     * runs under the exclusive guard.  The file system fails with -EEXIST
     * if the name exists, else adds it with all three times now, moves
     * the parent's mtime and ctime, and returns a node reference (as
     * lookup) and, for a regular file, an open context in *file (closed
     * later by exactly one close; for other types *file is ignored).
     *
     * With FSP_IFACE_UNNAMED_FILES, `name` may be NULL (open(O_TMPFILE)
     * in directory `parent`): then cp->mode is a regular file and the
     * file system creates it with no name at all (nlink 0), opened, on
     * the volume of `parent`, whose times do not change.  It lives while
     * it is open or referenced and may get a name later through link
     * (linkat() of /proc/self/fd/N); cp->flags has O_EXCL if it must
     * never get one. */
    int (*create)(fsp_request *req, void *parent, const char *name,
                  const struct fsp_create_params *cp, void **node,
                  void **file, struct fsp_file_info *fi);

    /* Open an existing node.  fsp guarantees: `node` is referenced,
     * `flags` are open(2)'s, the call runs under the shared guard, and
     * O_TRUNC is done afterwards through overwrite, and the kernel has
     * checked the caller's access (see Access control).  The file system
     * returns the open context in *file (may be NULL).  Filling *fi is
     * optional: the kernel's OPEN reply carries no attributes, so fsp
     * does not read it, and a file system need not spend a stat on it.
     * Not called with FSP_IFACE_STATELESS_OPENS. */
    int (*open)(fsp_request *req, void *node, uint32_t flags, void **file,
                struct fsp_file_info *fi);

    /* open(O_TRUNC) of a regular file, right after its open.  fsp
     * guarantees the shared guard.  The file system truncates to 0,
     * frees the data, sets mtime and ctime to now (even when the file
     * was empty) and fills *fi.  fsp clears set-user/group-ID afterwards
     * when the kernel asks.  NULL: set_file_size(0). */
    int (*overwrite)(fsp_request *req, void *node, void *file,
                     struct fsp_file_info *fi);

    /* One descriptor of the open is being closed (close(), also of dup()s).
     * fsp guarantees the shared guard.  NULL: nothing to do (and the
     * kernel stops sending these). */
    int (*cleanup)(fsp_request *req, void *node, void *file);

    /* The open is over.  No request, no result: it cannot fail. */
    void (*close)(fsp_fs *fs, void *node, void *file);

    /* Read up to `length` bytes at `offset` into buf.  fsp guarantees:
     * buf holds `length` bytes, and no guard is held (reads run beside
     * everything else).  The file system reads holes as zeros and sets
     * *bytes_read (short only at end of file).  May return FSP_PENDING. */
    int (*read)(fsp_request *req, void *node, void *file, void *buf,
                uint64_t offset, uint32_t length, uint32_t *bytes_read);

    /* Write `length` bytes at `offset`.  fsp guarantees: O_APPEND is
     * resolved (offset is the position the kernel chose), no guard is
     * held, and fsp clears set-user/group-ID afterwards when the kernel
     * asks.  The file system grows the file if needed, moves mtime and
     * ctime to now (one that keeps DOS attributes sets FSP_ATTR_ARCHIVE
     * too, as NTFS does), sets *bytes_written (short only when the volume is
     * full; -ENOSPC when nothing fits) and the new file info.  May return
     * FSP_PENDING. */
    int (*write)(fsp_request *req, void *node, void *file, const void *buf,
                 uint64_t offset, uint32_t length, uint32_t *bytes_written,
                 struct fsp_file_info *fi);

    /* fsync/fdatasync.  No guard is held.  NULL: success (data is
     * already where it goes). */
    int (*flush)(fsp_request *req, void *node, void *file, int datasync);

    /* chmod, chown, utimensat, DOS attributes.  fsp guarantees: the
     * change is permitted (the kernel checked it: see Access control),
     * "now" is resolved into the times,
     * bi->mode holds permission bits only, and the call runs under the
     * shared guard.  The file system changes exactly what bi->valid
     * names, sets ctime to now (or to bi->change_time with FSP_SET_CTIME)
     * and fills *fi. */
    int (*set_basic_info)(fsp_request *req, void *node, void *file,
                          const struct fsp_basic_info *bi,
                          struct fsp_file_info *fi);

    /* truncate/ftruncate.  fsp guarantees the shared guard; the kernel
     * sends it for regular files only.  The file system sets the size,
     * frees what lies past it, reads growth as zeros (a hole is fine),
     * moves mtime and ctime to now (also when the size stays, as Linux
     * file systems do) and fills *fi.  fsp clears set-user/group-ID
     * afterwards when the kernel asks. */
    int (*set_file_size)(fsp_request *req, void *node, void *file,
                         uint64_t size, struct fsp_file_info *fi);

    /* May `name` (node) be removed from `parent`?  fsp guarantees: the
     * name exists and is of the right type for the call, under the
     * exclusive guard.  -ENOTEMPTY for a non-empty directory, -EPERM,
     * ...  NULL: yes. */
    int (*can_delete)(fsp_request *req, void *parent, const char *name,
                      void *node);

    /* Remove the name now (unlink, rmdir).  fsp guarantees: the type is
     * checked (unlink of a directory is EISDIR, rmdir of a file ENOTDIR),
     * can_delete said yes, and the call runs under the exclusive guard.
     * The file system removes the name, counts one link less, moves the
     * parent's mtime and ctime and the node's ctime.  The node stays
     * valid until forgotten (open files stay readable and writable). */
    int (*set_delete)(fsp_request *req, void *parent, const char *name,
                      void *node);

    /* Move `node` from old_parent/old_name to new_parent/new_name.  fsp
     * guarantees: both names are checked, the flags are known, and the
     * call runs under the exclusive guard.  Without flags an existing
     * target is replaced (fsp has checked that a directory replaces only
     * an empty directory and a file only a file; the kernel never asks to
     * rename a file onto another of its own names);
     * FSP_RENAME_NOREPLACE: -EEXIST if it exists; FSP_RENAME_EXCHANGE:
     * swap the two.  The file system moves both parents' mtime and ctime
     * and the moved node's ctime; a replaced target loses a name as in
     * set_delete.  On a case-insensitive volume the target may be the
     * same file under another case. */
    int (*rename)(fsp_request *req, void *old_parent, const char *old_name,
                  void *new_parent, const char *new_name, void *node,
                  uint32_t flags);

    /* List directory `node`.  fsp guarantees the shared guard and adds
     * "." and ".." itself.  The file system calls fsp_dir_buffer_add for
     * every entry, in any order, in this one call (the buffer grows as
     * needed; fsp keeps the listing as a snapshot and pages it to the
     * kernel itself), and stops early only if it returns 0 (out of
     * memory: the listing then fails with ENOMEM).  `marker` is NULL in
     * version 1 (kept for a paging protocol).  Answers before returning:
     * FSP_PENDING is not offered here. */
    int (*read_directory)(fsp_request *req, void *node, void *file,
                          const char *marker, struct fsp_dir_buffer *db);

    /* readlink().  fsp guarantees: the kernel asks for symbolic links
     * only, buf holds `size` bytes (PATH_MAX + 1), and the call runs under
     * the shared guard.  The file system copies the target, NUL-
     * terminated, or returns -ENAMETOOLONG if it does not fit. */
    int (*get_reparse_point)(fsp_request *req, void *node, char *buf,
                             size_t size);

    /* Extended attributes, under the shared guard.  get: set *needed to
     * the value's length and, if it fits in `size` bytes, copy it into
     * value; return 0 or -ERANGE when it does not fit (size 0 is the
     * caller's size probe: only *needed matters).  fsp answers the probe
     * and ERANGE to the caller itself.  -ENODATA for a missing name.
     * POSIX ACL names (system.posix_acl_access, _default) arrive only on
     * FSP_VOL_POSIX_ACL volumes, already validated; store them as any
     * other attribute.
     * set and remove move the node's ctime. */
    int (*get_ea)(fsp_request *req, void *node, const char *name,
                  void *value, size_t size, size_t *needed);
    /* set: FSP_EA_CREATE: -EEXIST if it exists; FSP_EA_REPLACE: -ENODATA
     * if it does not. */
    int (*set_ea)(fsp_request *req, void *node, const char *name,
                  const void *value, size_t size, int flags);
    /* list: names, each NUL-terminated, back to back, as listxattr();
     * *needed and -ERANGE as for get. */
    int (*list_ea)(fsp_request *req, void *node, char *list, size_t size,
                   size_t *needed);
    /* remove: -ENODATA for a missing name. */
    int (*remove_ea)(fsp_request *req, void *node, const char *name);

    /* link(): give `node` the additional name `new_name` in directory
     * `new_parent`.  fsp guarantees before the call: the name length is
     * checked, the name does not exist (lookup said -ENOENT), `node` is
     * not a directory (fsp answers EPERM), and the call runs under the
     * exclusive guard.  The kernel only links a file without names (nlink
     * 0) when it is an O_TMPFILE file that may be linked.  The file system
     * adds the name, counts the link in nlink, updates the times (the
     * file's ctime, the directory's mtime and ctime) and fills *fi.  No
     * new node reference: fsp keeps the one it has.  NULL: EPERM, as on
     * file systems without hard links. */
    int (*link)(fsp_request *req, void *node, void *new_parent,
                const char *new_name, struct fsp_file_info *fi);

    /* fallocate() of a regular file.  fsp guarantees before the call:
     * length > 0, offset + length fits in an off_t, and `mode` is one of
     *   0                    allocate [offset, offset + length), growing
     *                        the file if the range ends past its end
     *   FSP_ALLOC_KEEP_SIZE  the same, but the size stays
     *   FSP_ALLOC_PUNCH_HOLE | FSP_ALLOC_KEEP_SIZE
     *                        free the range: it reads as zeros afterwards
     *                        and stops counting in alloc_size
     * (anything else is answered EOPNOTSUPP, as tmpfs does).  The call
     * runs under the shared guard, beside unguarded reads and writes.
     * The file system allocates all of the range or none of it (-ENOSPC:
     * nothing changed), updates mtime and ctime, and fills *fi.  NULL:
     * fallocate() fails with EOPNOTSUPP. */
    int (*allocate)(fsp_request *req, void *node, void *file,
                    uint64_t offset, uint64_t length, uint32_t mode,
                    struct fsp_file_info *fi);

    /* lseek() with FSP_SEEK_DATA or FSP_SEEK_HOLE (the kernel handles the
     * other directions itself).  fsp guarantees `whence` is one of those
     * two.  Set *result to the first offset >= `offset` that starts data
     * (or a hole; the end of the file counts as a hole) and return 0, or
     * -ENXIO when `offset` is at or past the end of the file or no data
     * follows it.  Shared guard.  NULL: the whole file is data, as the
     * kernel assumes without the call. */
    int (*seek)(fsp_request *req, void *node, void *file, uint64_t offset,
                int whence, uint64_t *result);

    /* Export support (NFS through a user-space server such as
     * NFS-Ganesha, name_to_handle_at/open_by_handle_at): find the file
     * whose index is `index`, with no name to go by.  A file handle is
     * the file's node id and generation; when the kernel has forgotten
     * the node it asks fsp for it by node id alone, and fsp asks this.
     * fsp guarantees: index is not 0 and not the root's, and the call
     * runs under the shared guard.  The file system returns a node
     * reference in *node and the file info (as lookup does: one forget
     * per success), including fi->generation, or -ESTALE (-ENOENT is
     * taken as -ESTALE) when no file has that index now; a file without
     * names that is still open or referenced may be returned.  The
     * kernel compares the generation with the handle's, so a reused
     * index never opens the new file through an old handle: the file
     * system must report the same generation for a file in every call,
     * and a new one for each new file that gets an old index (also
     * after a restart, if the indexes restart).  Handles then stay
     * valid while the file exists, across the kernel's evictions, and
     * across restarts of the file system wherever its indexes and
     * generations persist.
     *
     * With this callback set, fsp offers export support to the kernel,
     * node ids are the file indexes (the root's swapped with 1, the
     * root's node id by protocol), and lookup is also called with the
     * name ".." for a directory (never the root: fsp answers that
     * itself): the file system returns the directory's parent, as a
     * lookup of a name would.  NULL: no export support; handles work
     * only while the kernel keeps the node (ESTALE afterwards).
     * docs/export.md has the whole design. */
    int (*lookup_index)(fsp_request *req, uint64_t index, void **node,
                        struct fsp_file_info *fi);

    /*
     * Named streams (WinFsp's streams, NTFS's alternate data streams),
     * called only on FSP_VOL_NAMED_STREAMS volumes.  A stream is a node
     * of its own: lookup_stream and create_stream hand fsp a stream node
     * reference (given back with forget, as any node), with its own
     * file index (unique on the volume, never one of a file), and fsp
     * then calls open, close, read, write, overwrite, set_file_size,
     * flush and get_file_info on the stream node as on a regular file.
     * The file system reports a stream as a regular file whose owner,
     * group and permission bits are its file's (the kernel checks access
     * to a stream with them).  Streams belong to the file, not to a
     * name: they keep their file across rename and link, and go when
     * the file goes.  Stream names reach the file system checked: not
     * empty, no '/', ':' or NUL, within the volume's name length, and
     * without the ":$DATA" suffix.  Shared guard, except delete_stream
     * and create_stream, which run under the exclusive guard.
     */
    /* Find stream `name` of file or directory `node`: a stream node
     * reference in *stream and its info, or -ENOENT. */
    int (*lookup_stream)(fsp_request *req, void *node, const char *name,
                         void **stream, struct fsp_file_info *fi);
    /* Make an empty stream `name` of `node` (-EEXIST if it exists) and
     * return its node reference as lookup_stream does.  The file's
     * ctime moves. */
    int (*create_stream)(fsp_request *req, void *node, const char *name,
                         void **stream, struct fsp_file_info *fi);
    /* Remove stream `name` of `node` (-ENOENT if none).  A stream node
     * still referenced stays readable until forgotten, as a deleted
     * file does.  The file's ctime moves. */
    int (*delete_stream)(fsp_request *req, void *node, const char *name);
    /* List the streams of `node`: fsp_stream_buffer_add for each, in
     * any order (the unnamed main stream is not listed). */
    int (*get_stream_info)(fsp_request *req, void *node,
                           struct fsp_stream_buffer *sb);

    /*
     * Reparse data of any file or directory (FSCTL_GET/SET/DELETE_
     * REPARSE_POINT), in Windows' REPARSE_DATA_BUFFER layout: tag (u32
     * little-endian), data length (u16), reserved (u16), then exactly
     * that many bytes of data.  fsp has checked the layout and the size
     * (at most FSP_REPARSE_MAX_SIZE) before set_reparse_data; the file
     * system stores the buffer as it is and reports FSP_ATTR_REPARSE_
     * POINT in the file's attributes while it has one.  Separate from
     * get_reparse_point, which stays readlink().  Shared guard.
     */
    /* Copy the buffer into buf if it fits in `size` bytes; *needed is
     * its length (size 0: the length only).  -ENODATA when the file has
     * none; -ERANGE when it does not fit. */
    int (*get_reparse_data)(fsp_request *req, void *node, void *buf,
                            size_t size, size_t *needed);
    /* Store the buffer, replacing one of the same tag; -EEXIST when the
     * file has one of another tag (Windows' rule: delete it first). */
    int (*set_reparse_data)(fsp_request *req, void *node, const void *buf,
                            size_t size);
    /* Remove the file's reparse data; -ENODATA when it has none. */
    int (*delete_reparse_data)(fsp_request *req, void *node);

    /* FSP_VOL_SECURITY volumes.  Read the node's self-relative security
     * descriptor: set *needed to its length and copy it into buf when it
     * fits in `size` bytes (else -ERANGE; size 0 is a probe), as get_ea
     * does.  -ENODATA when the node has none: fsp then uses the one its
     * owner, group and mode map to.  Shared or exclusive guard. */
    int (*get_security)(fsp_request *req, void *node, void *buf, size_t size,
                        size_t *needed);
    /* Replace the node's descriptor by `sd` (`size` bytes, already
     * checked by fsp, owned by fsp).  fsp guarantees the exclusive guard
     * and follows with set_basic_info of the owner, group and mode the
     * descriptor maps to.  Moves ctime. */
    int (*set_security)(fsp_request *req, void *node, const void *sd,
                        size_t size);

    /* Room to grow without changing the struct's size. */
    void (*reserved[27])(void);
};

/*
 * Add one entry to a directory listing.  Copies name and the index and
 * type of *fi.  Returns 1 when added, 0 when fsp ran out of memory (stop
 * adding; the listing fails with ENOMEM).  Callback thread only, during
 * read_directory.
 */
int fsp_dir_buffer_add(struct fsp_dir_buffer *db, const char *name,
                       const struct fsp_file_info *fi);

/*
 * Add one stream to a stream listing: its name (without ":$DATA") and
 * size in bytes.  Copies name.  Returns 1 when added, 0 when fsp ran out
 * of memory (stop adding).  Callback thread only, during get_stream_info.
 */
int fsp_stream_buffer_add(struct fsp_stream_buffer *sb, const char *name,
                          uint64_t size);

/* Create a file system instance.  Copies *vp and *iface (their `size`
 * tells fsp which members exist).  `context` is the file system's own,
 * returned by fsp_fs_context.  Returns 0 or -EINVAL (bad params),
 * -ENOMEM. */
int fsp_fs_new(const struct fsp_volume_params *vp,
               const struct fsp_fs_interface *iface, void *context,
               fsp_fs **out);

/* The file system's own context given to fsp_fs_new.  Any thread. */
void *fsp_fs_context(const fsp_fs *fs);

/* FSP_VOL_SECURITY: the file system's own SID <-> uid/gid mapping
 * (include/fsp/security.h), asked before fsp's default one.  Copies *m;
 * NULL restores the default.  Before fsp_fs_run. */
struct fsp_sid_mapper;
void fsp_fs_set_sid_mapper(fsp_fs *fs, const struct fsp_sid_mapper *m);

/* Debug trace: one line per request and reply on stderr. */
void fsp_fs_set_debug(fsp_fs *fs, int on);

/* Dispatcher threads: 0 = one per CPU, at least 2 (the default); 1 =
 * single-threaded.  The pool grows up to max_threads (0: 4 x the start)
 * while every thread is busy in the file system.  Before fsp_fs_run. */
void fsp_fs_set_threads(fsp_fs *fs, unsigned threads, unsigned max_threads);

/*
 * Let the program make the threads that call the file system's
 * callbacks, instead of fsp's pthread_create.  For language runtimes that
 * embed fsp: a callback that enters the runtime from a thread the runtime
 * made is an ordinary call, where one from a foreign thread makes the
 * runtime adopt the thread on every request (Go before 1.21: an M
 * hand-over with a dozen signal-mask system calls per callback).
 *
 * Which threads: every thread fsp starts that calls callbacks: the
 * dispatcher threads (fsp_fs_set_threads), and the queue threads of FUSE
 * over io_uring (-o io_uring; one per CPU), which process their requests
 * inline.  Callbacks also run on threads that are the program's already:
 * the one calling fsp_fs_mount (the root's lookup), fsp_fs_run (close
 * and forget at the end), fsp_fs_delete, and fsp_request_complete.
 *
 * When spawn is called: by fsp_fs_run, on its thread, for the first
 * dispatcher threads before it serves; while it serves, on a dispatcher
 * thread, when the pool grows (every thread busy) and, at INIT, for the
 * io_uring queue threads.  Possibly with an internal lock held: spawn
 * must not call into fsp nor wait for run to start or end.
 *
 * What spawn must do: start a new thread that calls run(arg) once, and
 * return 0; or return a negative errno, and never call run.  run
 * returns when the session ends (unmount, fsp_fs_stop); the thread is
 * the program's again then (it may end or be reused).  fsp blocks every
 * signal on the thread while run runs, as on its own dispatcher threads
 * (process signals go to the thread of fsp_fs_run), except the ones a
 * fault raises (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS), which
 * stay with the runtime's handlers; run puts the thread's mask back
 * before it returns.
 *
 * How fsp waits for them: fsp cannot join a thread it did not create, so
 * run tells fsp when it is done, as its very last step; fsp_fs_run
 * returns only after every run it was given returned, and touches none
 * of those threads afterwards.
 *
 * Failure: when the first dispatcher thread cannot be started,
 * fsp_fs_run unmounts and returns spawn's error.  When a later one
 * cannot, the pool keeps the threads it has and stops growing.  When an
 * io_uring queue thread cannot, the session ends and fsp_fs_run returns
 * the error (the kernel would hold requests for that queue forever).
 *
 * spawn NULL puts back fsp's own pthreads.  Call before fsp_fs_mount,
 * from the thread that owns fs; returns 0, or -EBUSY once mounted.  ctx
 * is the caller's, passed to every spawn.
 */
int fsp_fs_set_thread_factory(fsp_fs *fs,
                              int (*spawn)(void *ctx, void (*run)(void *arg),
                                           void *arg),
                              void *ctx);

/* Mount at `mountpoint` with -o style options ("ro,allow_other").  On
 * failure returns a negative errno and one line in err. */
int fsp_fs_mount(fsp_fs *fs, const char *mountpoint, const char *options,
                 char *err, size_t errlen);

/* Serve requests until the file system is unmounted or fsp_fs_stop is
 * called; then unmount, close every open and forget every node.  Returns
 * 0 or a negative errno.  Call from one thread. */
int fsp_fs_run(fsp_fs *fs);

/* Ask fsp_fs_run to finish.  Async-signal-safe; any thread. */
void fsp_fs_stop(fsp_fs *fs);

/* Make SIGINT, SIGTERM and SIGHUP call fsp_fs_stop(fs) (and ignore
 * SIGPIPE).  One file system per process may use this. */
int fsp_fs_set_signal_handlers(fsp_fs *fs);

/* Free the instance (after fsp_fs_run returned, or if it never ran).
 * One thread, no other fsp_fs_* call on fs running or after.  Requests
 * the file system pended and has not completed yet stay valid: it
 * completes them with fsp_request_complete, from any thread, even after
 * this (their answers are dropped); see there. */
void fsp_fs_delete(fsp_fs *fs);

/* Cut off the FUSE connection mounted at `mountpoint`, of any FUSE file
 * system (fsp's or not): every request waiting for it and every later one
 * fails with ENOTCONN, so the processes stuck on a server that does not
 * answer get their calls back; the mount stays until unmounted.  Finds
 * the connection through /proc/self/mountinfo (never by stat, which would
 * wait for the server) and aborts it through the fusectl file system,
 * mounting it at /sys/fs/fuse/connections first if need be: root only.
 * Returns 0, or a negative errno with one line in err (-EINVAL: not a
 * FUSE mount point).  Any thread; no fsp_fs needed. */
int fsp_abort_connection(const char *mountpoint, char *err, size_t errlen);

/*
 * Kernel cache invalidation, the analogue of WinFsp's
 * FspFileSystemNotify: a file system whose files change behind the
 * kernel's back (another client, a server, a background job) tells the
 * kernel to drop what it cached (or, with store, what to cache).  By file
 * index, from any thread, while mounted.  All return 0, -ENOENT when
 * the kernel holds nothing for the
 * file (nothing to drop: not an error to act on), -ENOTCONN when not
 * mounted, or another negative errno from /dev/fuse.
 *
 * Never call them from a callback of a request about the same file or
 * directory: the kernel holds that file's or directory's lock until the
 * reply, and the notification waits for that lock.  Use another thread.
 */

/* The attributes of file `index`, and its cached data from byte `off`
 * for `len` bytes (len <= 0: to the end of the file).  off < 0: the
 * attributes only. */
int fsp_fs_notify_inode(fsp_fs *fs, uint64_t index, int64_t off, int64_t len);

/* The name `name` in directory `parent_index` (a name that now means
 * another file, or none: the next access looks it up again).  Also
 * drops a cached negative entry, for a name that appeared.  -EINVAL for
 * an empty name, -ENAMETOOLONG past the volume's limit. */
int fsp_fs_notify_entry(fsp_fs *fs, uint64_t parent_index, const char *name);

/* Like fsp_fs_notify_entry, but the kernel keeps the entry and only
 * marks it expired (FUSE_EXPIRE_ONLY): the next access looks the name up
 * again, while a working directory or a mount on it stays.  -ENOSYS on
 * kernels before protocol 7.38, which would drop the entry instead. */
int fsp_fs_notify_expire(fsp_fs *fs, uint64_t parent_index, const char *name);

/* The name `name` in directory `parent_index` is gone, and with it file
 * `child_index`'s name there (FUSE_NOTIFY_DELETE): the kernel drops the
 * entry and counts the file as having no links left, so inotify
 * watchers of the file see IN_DELETE_SELF (watchers of the directory get
 * no IN_DELETE on Linux 6.18).  A directory must be empty in the kernel's
 * cache (-ENOTEMPTY otherwise).  child_index 0, or a file the kernel does
 * not know, drops the name only. */
int fsp_fs_notify_delete(fsp_fs *fs, uint64_t parent_index,
                         uint64_t child_index, const char *name);

/* Put `size` bytes at `buf` into the kernel's page cache of file `index`
 * at byte `off` (FUSE_NOTIFY_STORE), so that reads get them without
 * asking the file system; the kernel grows its idea of the file's size
 * when the data ends past it.  buf is the caller's and copied before the
 * call returns.  Pages of the range the kernel had not cached are
 * created; one filled only in part (and not at the end of the file) is
 * not taken as read, so the rest of it still comes from the file system.
 * -EINVAL for size over 4 GiB - 1. */
int fsp_fs_notify_store(fsp_fs *fs, uint64_t index, uint64_t off,
                        const void *buf, size_t size);

/* Read back what the kernel has cached of file `index` from byte `off`,
 * up to `size` bytes, into buf (FUSE_NOTIFY_RETRIEVE; for example to
 * write back data a store put there).  Blocks until the kernel's answer
 * (a NOTIFY_REPLY request a dispatcher thread receives) arrives or
 * `timeout_ms` passes (-ETIMEDOUT); then *got is the number of bytes
 * copied: the cached pages from `off` up to the first page that is not
 * cached, the end of the file, `size`, or the kernel's max_write,
 * whichever comes first (0 when nothing is cached there).  buf and got
 * are the caller's.  Needs a dispatcher thread free to read the answer:
 * never call it from a callback on a single-threaded volume (it would
 * wait out its timeout). */
int fsp_fs_notify_retrieve(fsp_fs *fs, uint64_t index, uint64_t off,
                           void *buf, size_t size, int timeout_ms,
                           size_t *got);

/* The caller of a request.  Request callbacks only. */
uid_t fsp_request_uid(const fsp_request *req);
gid_t fsp_request_gid(const fsp_request *req);
pid_t fsp_request_pid(const fsp_request *req);
/* The umask of create calls (0 elsewhere). */
mode_t fsp_request_umask(const fsp_request *req);
/* Nonzero once the kernel asked to interrupt this request (the caller got
 * a signal).  A slow callback polls it and returns -EINTR. */
int fsp_request_interrupted(const fsp_request *req);
/* The file system this request is for. */
fsp_fs *fsp_request_fs(const fsp_request *req);
/* The path of the file the request is about ("/a/b"), computed on
 * demand; NULL for a file that has no name any more.  A file with hard
 * links has the path of the name fsp saw last (lookup, create, link,
 * rename); when that name is removed the path is NULL until the kernel
 * looks up another one.  For create with no name (O_TMPFILE) it is the
 * directory's path.  Owned by the request, valid until the callback
 * returns. */
const char *fsp_request_path(fsp_request *req);

/* Keep a request beyond its callback: call it in read or write before
 * returning FSP_PENDING and finish the returned request later with
 * fsp_request_complete (the `req` the callback got dies when it returns;
 * buffers fsp passed in live on with the returned one).  NULL: out of
 * memory; then answer normally. */
fsp_request *fsp_request_pend(fsp_request *req);

/* In open or create, on an FSP_VOL_PASSTHROUGH volume: let the kernel do
 * this open's reads, writes and mmap directly on fd, an open descriptor
 * of a backing file (FUSE passthrough), so they never reach the file
 * system.  fd stays the file system's and must stay open until close.
 * Returns 0 when the kernel takes it, or a negative errno (not offered,
 * not permitted, ...) when I/O keeps coming to read and write as usual.
 * Callback thread only. */
int fsp_request_passthrough(fsp_request *req, int fd);

/* In read: answer this read with up to `length` bytes of fd (an open
 * descriptor of the file system's) at `offset`, moved by the kernel
 * (splice) instead of through buf, which saves a copy of the data.
 * Returns 0 once the data went: the callback then returns 0, and buf and
 * *bytes_read are ignored.  Returns a negative errno with nothing sent
 * where it would not pay or cannot be done (-EOPNOTSUPP: a small read,
 * the io_uring transport, whose buffers are the reply already, or pipes
 * too small for the read), and the callback reads into buf as usual.
 * Callback thread only, before any other answer to the request. */
int fsp_request_read_fd(fsp_request *req, int fd, uint64_t offset,
                        uint32_t length);

/* Finish a request whose callback returned FSP_PENDING, from any thread,
 * exactly once.  `result` is what the callback would have returned;
 * `bytes` is *bytes_read or *bytes_written; `fi` the new file info for a
 * write (NULL otherwise, or when unknown).  Where the kernel asked for
 * set-user/group-ID to go after a write and fi shows one (or is NULL),
 * fsp clears it before answering, calling get_file_info and
 * set_basic_info on this thread: hold no lock those take.  The request
 * is gone afterwards.
 *
 * It may come at any time, also after fsp_fs_run returned and after
 * fsp_fs_delete: a pended request keeps alive what it points into (fsp's
 * session and transport, and the buffers fsp passed to the callback,
 * which the file system may still fill until this call).  Once
 * fsp_fs_run has ended the session (it gives pending requests 10 s after
 * unmount first), the kernel no longer waits for the answer: the call
 * then only frees the request, touching neither the fsp_fs nor anything
 * the file system owns.  Every pended request must be completed once,
 * or its memory stays. */
void fsp_request_complete(fsp_request *req, int result, uint32_t bytes,
                          const struct fsp_file_info *fi);

/* The ABI: these sizes are part of libfsp's contract on 64-bit Linux. */
#if defined(__x86_64__) || defined(__aarch64__)
#ifdef __cplusplus
#define FSP_ABI_ASSERT(c, m) static_assert(c, m)
#else
#define FSP_ABI_ASSERT(c, m) _Static_assert(c, m)
#endif
FSP_ABI_ASSERT(sizeof(struct fsp_file_info) == 144, "fsp_file_info ABI");
FSP_ABI_ASSERT(sizeof(struct fsp_volume_info) == 96, "fsp_volume_info ABI");
FSP_ABI_ASSERT(sizeof(struct fsp_volume_params) == 272, "fsp_volume_params ABI");
FSP_ABI_ASSERT(sizeof(struct fsp_basic_info) == 88, "fsp_basic_info ABI");
FSP_ABI_ASSERT(sizeof(struct fsp_create_params) == 72, "fsp_create_params ABI");
/* size and flags, 37 callbacks, 27 reserved slots */
FSP_ABI_ASSERT(sizeof(struct fsp_fs_interface) == 8 + 37 * 8 + 27 * 8,
               "fsp_fs_interface ABI");
#undef FSP_ABI_ASSERT
#endif

#ifdef __cplusplus
}
#endif

#endif
