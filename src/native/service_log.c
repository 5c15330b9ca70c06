/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The service framework's log: stderr, or syslog once detached. */
#include <stdarg.h>
#include <stdio.h>

#include "service_int.h"

void fsp_service_log(fsp_service *svc, int priority, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (svc && svc->use_syslog) {
        syslog(priority, "%s", line);
        return;
    }
    /* One write per line, so that threads' lines do not interleave. */
    fprintf(stderr, "%s: %s\n", svc ? svc->name : "fsp", line);
}
