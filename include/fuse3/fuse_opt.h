/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3 option parser (fsp's libfuse compatibility layer).
 *
 * A table of templates describes the options a program understands:
 *
 *   "-x", "--long", "name"       flag: store `value` as an int at `offset`
 *   "name=%u", "-n %s", "-n%s"   parameter: scanf the text after the
 *                                separator into the variable at `offset`
 *                                (%s stores a malloc'd copy)
 *   "name=", "-n "               match any value; with FUSE_OPT_KEY the
 *                                whole argument goes to the callback
 *
 * `offset` == -1U makes the entry a key: the processing function gets the
 * argument and `value` as its key.  Options inside "-o a,b,c" groups are
 * matched one by one; a backslash escapes a comma.
 */
#ifndef FUSE_OPT_H_
#define FUSE_OPT_H_

#ifdef __cplusplus
extern "C" {
#endif

/* One template.  Layout is libfuse's ABI. */
struct fuse_opt {
	/* Matching template, optionally with a format after '=' or ' ' */
	const char *templ;
	/* Byte offset of the variable in `data`, or -1U for a key */
	unsigned long offset;
	/* Value stored for a flag, or the key passed to the callback */
	int value;
};

/* A key entry: the callback sees `key` for arguments matching `templ`. */
#define FUSE_OPT_KEY(templ, key) { templ, -1U, key }

/* Last entry of every table. */
#define FUSE_OPT_END { NULL, 0, 0 }

/* An argument vector.  `allocated` says argv (and its strings) belong to
 * the fuse_opt functions and are freed by fuse_opt_free_args(). */
struct fuse_args {
	int argc;
	char **argv;
	int allocated;
};

#define FUSE_ARGS_INIT(argc, argv) { argc, argv, 0 }

/* Keys the callback receives for arguments no template matched. */
#define FUSE_OPT_KEY_OPT     -1   /* an option (-x or inside -o) */
#define FUSE_OPT_KEY_NONOPT  -2   /* anything else */
/* Keys a table may use: keep the argument, or drop it, without calling
 * the callback. */
#define FUSE_OPT_KEY_KEEP    -3
#define FUSE_OPT_KEY_DISCARD -4

/*
 * The processing function: return -1 for an error, 0 to drop the
 * argument, 1 to keep it in the output arguments.
 */
typedef int (*fuse_opt_proc_t)(void *data, const char *arg, int key,
			       struct fuse_args *outargs);

/*
 * Parse args against opts, filling data and calling proc for keys and
 * unmatched arguments.  On success args is replaced by the arguments
 * that were kept (options collected into one "-o" group right after
 * argv[0]).  Returns 0, or -1 after printing why.
 */
int fuse_opt_parse(struct fuse_args *args, void *data,
		   const struct fuse_opt opts[], fuse_opt_proc_t proc);

/* Append opt to the comma-separated list *opts (malloc'd); 0 or -1. */
int fuse_opt_add_opt(char **opts, const char *opt);

/* The same, escaping commas and backslashes in opt. */
int fuse_opt_add_opt_escaped(char **opts, const char *opt);

/* Append a copy of arg to args; 0 or -1. */
int fuse_opt_add_arg(struct fuse_args *args, const char *arg);

/* Insert a copy of arg at position pos (0 <= pos <= argc); 0 or -1. */
int fuse_opt_insert_arg(struct fuse_args *args, int pos, const char *arg);

/* Free args if the fuse_opt functions allocated them; leaves it empty. */
void fuse_opt_free_args(struct fuse_args *args);

/* 1 if some template in opts matches opt, else 0. */
int fuse_opt_match(const struct fuse_opt opts[], const char *opt);

#ifdef __cplusplus
}
#endif

#endif /* FUSE_OPT_H_ */
