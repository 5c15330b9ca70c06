/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unicode simple case folding: fsp_casefold_char, fsp_name_casefold and
 * fsp_name_compare_nocase (include/fsp/names.h). */
#include <errno.h>
#include <string.h>

#include "../check.h"
#include "fsp/names.h"

CHECK_DEFINE_GLOBALS;

/* Fold `in` and compare with `want`. */
static int folds_to(const char *in, const char *want)
{
    char out[256];
    int n = fsp_name_casefold(in, out, sizeof out);
    return n == (int)strlen(want) && strcmp(out, want) == 0;
}

static void ascii(void)
{
    CHECK_EQ(fsp_casefold_char('A'), 'a');
    CHECK_EQ(fsp_casefold_char('Z'), 'z');
    CHECK_EQ(fsp_casefold_char('a'), 'a');
    CHECK_EQ(fsp_casefold_char('@'), '@');
    CHECK_EQ(fsp_casefold_char('['), '[');
    CHECK(folds_to("Hello_World.TXT", "hello_world.txt"));
    CHECK(folds_to("", ""));
}

static void latin1(void)
{
    CHECK_EQ(fsp_casefold_char(0xC9), 0xE9);  /* É -> é */
    CHECK_EQ(fsp_casefold_char(0xE9), 0xE9);
    CHECK_EQ(fsp_casefold_char(0xD7), 0xD7);  /* × has no case */
    CHECK_EQ(fsp_casefold_char(0xB5), 0x3BC); /* micro sign -> μ */
    CHECK(folds_to("CAF\xC3\x89", "caf\xC3\xA9"));
}

static void greek(void)
{
    CHECK_EQ(fsp_casefold_char(0x3A3), 0x3C3); /* Σ -> σ */
    CHECK_EQ(fsp_casefold_char(0x3C3), 0x3C3);
    CHECK_EQ(fsp_casefold_char(0x3C2), 0x3C3); /* final ς -> σ */
    CHECK_EQ(fsp_name_compare_nocase("\xCE\xA3", "\xCF\x82"), 0);
    CHECK_EQ(fsp_name_compare_nocase("\xCE\xA3", "\xCF\x83"), 0);
}

static void cyrillic(void)
{
    CHECK_EQ(fsp_casefold_char(0x416), 0x436); /* Ж -> ж */
    CHECK_EQ(fsp_casefold_char(0x401), 0x451); /* Ё -> ё */
    CHECK_EQ(fsp_casefold_char(0x460), 0x461); /* interleaved pairs */
    CHECK_EQ(fsp_casefold_char(0x461), 0x461);
    /* "МОСКВА" / "москва" */
    CHECK_EQ(fsp_name_compare_nocase("\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90",
                                     "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"), 0);
}

static void sharp_s(void)
{
    /* Simple folding keeps ß (ss is a full folding); capital ẞ -> ß. */
    CHECK_EQ(fsp_casefold_char(0xDF), 0xDF);
    CHECK_EQ(fsp_casefold_char(0x1E9E), 0xDF);
    CHECK(fsp_name_compare_nocase("Stra\xC3\x9F" "e", "strasse") != 0);
    CHECK_EQ(fsp_name_compare_nocase("STRA\xE1\xBA\x9E" "E", "stra\xC3\x9F" "e"), 0);
}

static void kelvin(void)
{
    CHECK_EQ(fsp_casefold_char(0x212A), 'k');
    CHECK_EQ(fsp_casefold_char(0x2126), 0x3C9); /* Ohm sign -> ω */
    /* Folding may shrink a name: three bytes become one. */
    CHECK(folds_to("\xE2\x84\xAA", "k"));
    CHECK_EQ(fsp_name_compare_nocase("\xE2\x84\xAA" "elvin", "KELVIN"), 0);
}

static void beyond_bmp(void)
{
    CHECK_EQ(fsp_casefold_char(0x10400), 0x10428); /* Deseret */
    CHECK_EQ(fsp_casefold_char(0x1E900), 0x1E922); /* Adlam */
    CHECK_EQ(fsp_casefold_char(0x10FFFF), 0x10FFFF);
    CHECK(folds_to("\xF0\x90\x90\x80", "\xF0\x90\x90\xA8"));
}

static void invalid_utf8(void)
{
    /* Not UTF-8: passed through byte for byte, so it still matches itself. */
    CHECK(folds_to("A\xE9Z", "a\xE9z"));
    CHECK(folds_to("\xC0\x81", "\xC0\x81"));          /* overlong */
    CHECK(folds_to("\xED\xA0\x80", "\xED\xA0\x80"));  /* surrogate */
    CHECK(folds_to("\xC3", "\xC3"));                  /* truncated */
    CHECK_EQ(fsp_name_compare_nocase("x\xFF", "X\xFF"), 0);
    CHECK(fsp_name_compare_nocase("x\xFE", "x\xFF") < 0);
}

static void too_long(void)
{
    char out[4];
    CHECK_EQ(fsp_name_casefold("abc", out, sizeof out), 3);
    CHECK_EQ(fsp_name_casefold("abcd", out, sizeof out), -ENAMETOOLONG);
    CHECK_EQ(fsp_name_casefold("", out, 0), -ENAMETOOLONG);
    /* U+023A folds to U+2C65: two bytes grow to three. */
    CHECK_EQ(fsp_name_casefold("\xC8\xBA", out, sizeof out), 3);
    CHECK_EQ(fsp_name_casefold(NULL, out, sizeof out), -EINVAL);
}

static void ordering(void)
{
    CHECK(fsp_name_compare_nocase("apple", "Banana") < 0);
    CHECK(fsp_name_compare_nocase("BANANA", "apple") > 0);
    CHECK(fsp_name_compare_nocase("abc", "ABCD") < 0);
    CHECK(fsp_name_compare_nocase("ABCD", "abc") > 0);
    CHECK_EQ(fsp_name_compare_nocase("MiXeD", "mixed"), 0);
    CHECK_EQ(fsp_name_compare_nocase("", ""), 0);
    CHECK(fsp_name_compare_nocase("", "a") < 0);
    /* Same sign as strcmp of the foldings, for a mixed set of names. */
    static const char *names[] = { "a", "B", "\xC3\x89t\xC3\xA9", "\xC3\xA9T\xC3\x89",
                                   "z", "_", "\xE2\x84\xAA", "K", "l", "\xCE\xA3" };
    size_t n = sizeof names / sizeof names[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            char fi[64], fj[64];
            fsp_name_casefold(names[i], fi, sizeof fi);
            fsp_name_casefold(names[j], fj, sizeof fj);
            int want = strcmp(fi, fj), got = fsp_name_compare_nocase(names[i], names[j]);
            CHECK((want < 0) == (got < 0) && (want > 0) == (got > 0));
        }
}

int main(void)
{
    RUN(ascii);
    RUN(latin1);
    RUN(greek);
    RUN(cyrillic);
    RUN(sharp_s);
    RUN(kelvin);
    RUN(beyond_bmp);
    RUN(invalid_utf8);
    RUN(too_long);
    RUN(ordering);
    return 0;
}
