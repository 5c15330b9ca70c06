/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unicode case folding for file names, as case-insensitive volumes
 * (FSP_VOL_CASE_INSENSITIVE) need it to compare and index names.
 *
 * Folding is Unicode's simple case folding (CaseFolding.txt, status C and
 * S): one code point to one code point, no normalization, no locale.  So
 * "É" matches "é" and "K" (Kelvin) matches "k", but "ß" does not match
 * "ss".  Linux names are byte strings, not necessarily UTF-8: bytes that
 * are not part of a valid UTF-8 sequence (including overlong forms and
 * surrogates) pass through unchanged, so every name still matches itself.
 */
#ifndef FSP_NAMES_H
#define FSP_NAMES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The simple case folding of one code point (itself if it has none). */
uint32_t fsp_casefold_char(uint32_t codepoint);

/* Fold the NUL-terminated UTF-8 `name` into out (outsize bytes including
 * the NUL).  The result may be longer or shorter than the input.  Returns
 * its length, -ENAMETOOLONG if it does not fit, -EINVAL for NULL
 * arguments. */
int fsp_name_casefold(const char *name, char *out, size_t outsize);

/* Compare two names ignoring case: <0, 0 or >0 with the same sign as
 * strcmp() of their foldings, so it orders names consistently. */
int fsp_name_compare_nocase(const char *a, const char *b);

#ifdef __cplusplus
}
#endif

#endif
