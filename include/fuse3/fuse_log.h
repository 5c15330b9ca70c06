/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libfuse 3 logging API (fsp's libfuse compatibility layer).
 *
 * Every message the library prints goes through fuse_log(); a program
 * may route them elsewhere with fuse_set_log_func().  The levels are
 * syslog's, in syslog's order, so a handler can pass them on unchanged.
 */
#ifndef FUSE_LOG_H_
#define FUSE_LOG_H_

#include <stdarg.h>

#include "libfuse_config.h"

#ifdef __cplusplus
extern "C" {
#endif

enum fuse_log_level {
	FUSE_LOG_EMERG,
	FUSE_LOG_ALERT,
	FUSE_LOG_CRIT,
	FUSE_LOG_ERR,
	FUSE_LOG_WARNING,
	FUSE_LOG_NOTICE,
	FUSE_LOG_INFO,
	FUSE_LOG_DEBUG
};

/* A log handler: receives the level and the printf-style message. */
typedef void (*fuse_log_func_t)(enum fuse_log_level level,
				const char *fmt, va_list ap);

/* Install a handler; NULL restores the default (stderr). */
void fuse_set_log_func(fuse_log_func_t func);

/* Log one message through the current handler. */
void fuse_log(enum fuse_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#if FSP_FUSE_ABI >= 318
/* Send the library's messages (and the program's fuse_log calls) to
 * syslog, opened with openlog(ident, option, facility), instead of
 * stderr; a handler set by fuse_set_log_func() is replaced. */
void fuse_log_enable_syslog(const char *ident, int option, int facility);
/* Back to stderr, closing syslog. */
void fuse_log_close_syslog(void);
#endif

#ifdef __cplusplus
}
#endif

#endif /* FUSE_LOG_H_ */
