/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals shared by the security descriptor files (src/native/security). */
#ifndef FSP_NATIVE_SECURITY_SEC_INT_H
#define FSP_NATIVE_SECURITY_SEC_INT_H

#include "fsp/security.h"

/* The SDDL alias of sid ("WD") or NULL. */
const char *nat_sec_sid_alias(const struct fsp_sid *sid);
/* Parse a SID (S-... or alias) at *text and advance past it. */
int nat_sec_sid_parse_prefix(const char **text, struct fsp_sid *sid);
/* Generic rights expanded into the file rights they stand for. */
uint32_t nat_sec_map_generic(uint32_t mask);

#endif
