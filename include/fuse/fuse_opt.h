/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 2.9 option parsing (fuse_opt), fsp's libfuse compatibility
 * layer.  Types and behaviour are the same as libfuse 3's, which is why
 * libfuse.so.2 exports the very same code under the 2.x symbol versions.
 * Names and layouts are libfuse's (binary compatibility needs them); the
 * text is fsp's.
 */
#ifndef FUSE_OPT_H_
#define FUSE_OPT_H_

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One template: templ is "-x", "--name", "name", "name=%fmt",
 * "name=" or "-x "; offset is where in data to store (then value is
 * stored for a flag), or -1U and value is a key passed to the proc.
 */
struct fuse_opt {
	const char *templ;
	unsigned long offset;
	int value;
};

#define FUSE_OPT_KEY(templ, key) { templ, -1U, key }
#define FUSE_OPT_END { NULL, 0, 0 }

/* An argument vector; allocated says whether argv is owned. */
struct fuse_args {
	int argc;
	char **argv;
	int allocated;
};

#define FUSE_ARGS_INIT(argc, argv) { argc, argv, 0 }

/* Keys the proc gets for arguments no template matched. */
#define FUSE_OPT_KEY_OPT     -1
#define FUSE_OPT_KEY_NONOPT  -2
/* Template keys: keep, or drop, a matched argument without a proc. */
#define FUSE_OPT_KEY_KEEP    -3
#define FUSE_OPT_KEY_DISCARD -4

/* Return -1 for an error, 0 to drop arg, 1 to keep it in outargs. */
typedef int (*fuse_opt_proc_t)(void *data, const char *arg, int key,
			       struct fuse_args *outargs);

int fuse_opt_parse(struct fuse_args *args, void *data,
		   const struct fuse_opt opts[], fuse_opt_proc_t proc);
/* Append ",opt" (or "opt") to *opts; 0 or -1. */
int fuse_opt_add_opt(char **opts, const char *opt);
/* The same with ',' and '\\' escaped. */
int fuse_opt_add_opt_escaped(char **opts, const char *opt);
int fuse_opt_add_arg(struct fuse_args *args, const char *arg);
int fuse_opt_insert_arg(struct fuse_args *args, int pos, const char *arg);
void fuse_opt_free_args(struct fuse_args *args);
/* 1 if some template of opts matches opt. */
int fuse_opt_match(const struct fuse_opt opts[], const char *opt);

#ifdef __cplusplus
}
#endif

#endif
