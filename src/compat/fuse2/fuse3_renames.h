/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Forced-included (-include) into the second build of src/compat/fuse3/
 * that goes into libfuse.so.2.  libfuse 2 and 3 export many of the same
 * names with different ABIs (fuse_new, fuse_mount, fuse_main_real, ...),
 * so inside libfuse.so.2 every fuse3 public function gets an fsp3_ name:
 * the fuse2 wrappers define the plain names and reach the fuse3 code
 * only through these (see bridge.h).
 *
 * Not renamed, on purpose: the functions whose ABI and behaviour are the
 * same in 2.9 and 3.14 (fuse_opt_*, the signal handlers,
 * fuse_exit, fuse_get_session, fuse_session_exit/exited/reset,
 * fuse_interrupted, fuse_getgroups, the cleanup thread calls,
 * fuse_buf_size, fuse_buf_copy, fuse_notify_poll,
 * fuse_pollhandle_destroy): fuse2.map
 * exports those objects directly under their 2.x versions.  Also not
 * renamed: the versioned variants (fuse_new_31, fuse_loop_mt_312, ...),
 * because the .symver lines in the sources name them in assembler text a
 * macro cannot reach; build.mk strips the versioned aliases instead.
 *
 * The list is fuse3.map's names; tests/compat/run.sh checks that no
 * fuse3 name leaks into libfuse.so.2's exports.
 */
#ifndef FSP_FUSE3_RENAMES_H
#define FSP_FUSE3_RENAMES_H

#define cuse_lowlevel_main fsp3_cuse_lowlevel_main
#define cuse_lowlevel_new fsp3_cuse_lowlevel_new
#define cuse_lowlevel_setup fsp3_cuse_lowlevel_setup
#define cuse_lowlevel_teardown fsp3_cuse_lowlevel_teardown
#define fuse_add_direntry fsp3_fuse_add_direntry
#define fuse_add_direntry_plus fsp3_fuse_add_direntry_plus
#define fuse_apply_conn_info_opts fsp3_fuse_apply_conn_info_opts
#define fuse_cmdline_help fsp3_fuse_cmdline_help
#define fuse_daemonize fsp3_fuse_daemonize
#define fuse_destroy fsp3_fuse_destroy
#define fuse_fs_access fsp3_fuse_fs_access
#define fuse_fs_bmap fsp3_fuse_fs_bmap
#define fuse_fs_chmod fsp3_fuse_fs_chmod
#define fuse_fs_chown fsp3_fuse_fs_chown
#define fuse_fs_copy_file_range fsp3_fuse_fs_copy_file_range
#define fuse_fs_create fsp3_fuse_fs_create
#define fuse_fs_destroy fsp3_fuse_fs_destroy
#define fuse_fs_fallocate fsp3_fuse_fs_fallocate
#define fuse_fs_flock fsp3_fuse_fs_flock
#define fuse_fs_flush fsp3_fuse_fs_flush
#define fuse_fs_fsync fsp3_fuse_fs_fsync
#define fuse_fs_fsyncdir fsp3_fuse_fs_fsyncdir
#define fuse_fs_getattr fsp3_fuse_fs_getattr
#define fuse_fs_getxattr fsp3_fuse_fs_getxattr
#define fuse_fs_init fsp3_fuse_fs_init
#define fuse_fs_ioctl fsp3_fuse_fs_ioctl
#define fuse_fs_link fsp3_fuse_fs_link
#define fuse_fs_listxattr fsp3_fuse_fs_listxattr
#define fuse_fs_lock fsp3_fuse_fs_lock
#define fuse_fs_lseek fsp3_fuse_fs_lseek
#define fuse_fs_mkdir fsp3_fuse_fs_mkdir
#define fuse_fs_mknod fsp3_fuse_fs_mknod
#define fuse_fs_new fsp3_fuse_fs_new
#define fuse_fs_open fsp3_fuse_fs_open
#define fuse_fs_opendir fsp3_fuse_fs_opendir
#define fuse_fs_poll fsp3_fuse_fs_poll
#define fuse_fs_read fsp3_fuse_fs_read
#define fuse_fs_read_buf fsp3_fuse_fs_read_buf
#define fuse_fs_readdir fsp3_fuse_fs_readdir
#define fuse_fs_readlink fsp3_fuse_fs_readlink
#define fuse_fs_release fsp3_fuse_fs_release
#define fuse_fs_releasedir fsp3_fuse_fs_releasedir
#define fuse_fs_removexattr fsp3_fuse_fs_removexattr
#define fuse_fs_rename fsp3_fuse_fs_rename
#define fuse_fs_rmdir fsp3_fuse_fs_rmdir
#define fuse_fs_setxattr fsp3_fuse_fs_setxattr
#define fuse_fs_statfs fsp3_fuse_fs_statfs
#define fuse_fs_symlink fsp3_fuse_fs_symlink
#define fuse_fs_truncate fsp3_fuse_fs_truncate
#define fuse_fs_unlink fsp3_fuse_fs_unlink
#define fuse_fs_utimens fsp3_fuse_fs_utimens
#define fuse_fs_write fsp3_fuse_fs_write
#define fuse_fs_write_buf fsp3_fuse_fs_write_buf
#define fuse_get_context fsp3_fuse_get_context
#define fuse_invalidate_path fsp3_fuse_invalidate_path
#define fuse_lib_help fsp3_fuse_lib_help
#define fuse_log fsp3_fuse_log
#define fuse_loop fsp3_fuse_loop
#define fuse_loop_cfg_convert fsp3_fuse_loop_cfg_convert
#define fuse_loop_cfg_create fsp3_fuse_loop_cfg_create
#define fuse_loop_cfg_destroy fsp3_fuse_loop_cfg_destroy
#define fuse_loop_cfg_set_clone_fd fsp3_fuse_loop_cfg_set_clone_fd
#define fuse_loop_cfg_set_idle_threads fsp3_fuse_loop_cfg_set_idle_threads
#define fuse_loop_cfg_set_max_threads fsp3_fuse_loop_cfg_set_max_threads
#define fuse_loop_mt fsp3_fuse_loop_mt
#define fuse_lowlevel_help fsp3_fuse_lowlevel_help
#define fuse_lowlevel_notify_delete fsp3_fuse_lowlevel_notify_delete
#define fuse_lowlevel_notify_expire_entry fsp3_fuse_lowlevel_notify_expire_entry
#define fuse_lowlevel_notify_inval_entry fsp3_fuse_lowlevel_notify_inval_entry
#define fuse_lowlevel_notify_inval_inode fsp3_fuse_lowlevel_notify_inval_inode
#define fuse_lowlevel_notify_poll fsp3_fuse_lowlevel_notify_poll
#define fuse_lowlevel_notify_retrieve fsp3_fuse_lowlevel_notify_retrieve
#define fuse_lowlevel_notify_store fsp3_fuse_lowlevel_notify_store
#define fuse_lowlevel_version fsp3_fuse_lowlevel_version
#define fuse_main_real fsp3_fuse_main_real
#define fuse_mount fsp3_fuse_mount
#define fuse_new fsp3_fuse_new
#define fuse_open_channel fsp3_fuse_open_channel
#define fuse_parse_cmdline fsp3_fuse_parse_cmdline
#define fuse_parse_conn_info_opts fsp3_fuse_parse_conn_info_opts
#define fuse_pkgversion fsp3_fuse_pkgversion
#define fuse_reply_attr fsp3_fuse_reply_attr
#define fuse_reply_bmap fsp3_fuse_reply_bmap
#define fuse_reply_buf fsp3_fuse_reply_buf
#define fuse_reply_create fsp3_fuse_reply_create
#define fuse_reply_data fsp3_fuse_reply_data
#define fuse_reply_entry fsp3_fuse_reply_entry
#define fuse_reply_err fsp3_fuse_reply_err
#define fuse_reply_ioctl fsp3_fuse_reply_ioctl
#define fuse_reply_ioctl_iov fsp3_fuse_reply_ioctl_iov
#define fuse_reply_ioctl_retry fsp3_fuse_reply_ioctl_retry
#define fuse_reply_iov fsp3_fuse_reply_iov
#define fuse_reply_lock fsp3_fuse_reply_lock
#define fuse_reply_lseek fsp3_fuse_reply_lseek
#define fuse_reply_none fsp3_fuse_reply_none
#define fuse_reply_open fsp3_fuse_reply_open
#define fuse_reply_poll fsp3_fuse_reply_poll
#define fuse_reply_readlink fsp3_fuse_reply_readlink
#define fuse_reply_statfs fsp3_fuse_reply_statfs
#define fuse_reply_write fsp3_fuse_reply_write
#define fuse_reply_xattr fsp3_fuse_reply_xattr
#define fuse_req_ctx fsp3_fuse_req_ctx
#define fuse_req_getgroups fsp3_fuse_req_getgroups
#define fuse_req_interrupt_func fsp3_fuse_req_interrupt_func
#define fuse_req_interrupted fsp3_fuse_req_interrupted
#define fuse_req_userdata fsp3_fuse_req_userdata
#define fuse_session_custom_io fsp3_fuse_session_custom_io
#define fuse_session_destroy fsp3_fuse_session_destroy
#define fuse_session_fd fsp3_fuse_session_fd
#define fuse_session_loop fsp3_fuse_session_loop
#define fuse_session_loop_mt fsp3_fuse_session_loop_mt
#define fuse_session_mount fsp3_fuse_session_mount
#define fuse_session_new fsp3_fuse_session_new
#define fuse_session_process_buf fsp3_fuse_session_process_buf
#define fuse_session_receive_buf fsp3_fuse_session_receive_buf
#define fuse_session_unmount fsp3_fuse_session_unmount
#define fuse_set_log_func fsp3_fuse_set_log_func
#define fuse_unmount fsp3_fuse_unmount
#define fuse_version fsp3_fuse_version

#endif
