/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: fsp-launcher's control protocol parser
 * (services/launcher/proto.c), which reads what any local user sends to
 * the launcher's socket.  Checked by ASan and UBSan, and: a request that
 * parses has names that are valid and fields inside the message; a
 * reply built from the parsed fields parses back as a reply with the
 * same fields.
 *
 * Input: one control message, as received.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/launcher/proto.h"
#include "check.h"

static int inside(const char *p, const char *buf, size_t len)
{
    return p >= buf && p + strlen(p) < buf + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2 * LPROTO_MAX_MSG)
        return 0;
    /* exactly the received bytes: no terminator beyond them */
    char *buf = malloc(size ? size : 1);
    if (!buf)
        abort();
    memcpy(buf, data, size);
    struct lproto_request q;
    int r = lproto_parse_request(buf, size, &q);
    CHECK(r == 0 || r == -EPROTO || r == -EMSGSIZE || r == -EINVAL || r == -EOPNOTSUPP);
    if (r == 0) {
        CHECK(size <= LPROTO_MAX_MSG);
        CHECK(q.nargs >= 0 && q.nargs <= LPROTO_MAX_ARGS);
        if (q.verb != LPROTO_LIST) {
            CHECK(inside(q.cls, buf, size) && lproto_valid_name(q.cls));
            CHECK(inside(q.instance, buf, size) && lproto_valid_name(q.instance));
        }
        CHECK((q.verb == LPROTO_START_SECRET) == (q.secret != NULL));
        for (int i = 0; i < q.nargs; i++)
            CHECK(inside(q.args[i], buf, size));

        /* the reply builder round-trips what the parser gave */
        static struct lproto_buf b;
        lproto_reply(&b, 0, "ok");
        for (int i = 0; i < q.nargs; i++)
            lproto_add(&b, q.args[i]);
        CHECK(!b.overflow);
        const char *f[LPROTO_MAX_FIELDS];
        int n = lproto_split(b.data, b.len, f);
        CHECK(n == 3 + q.nargs);
        for (int i = 0; i < q.nargs; i++)
            CHECK(strcmp(f[3 + i], q.args[i]) == 0);
    }
    free(buf);
    return 0;
}
