/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsptool's sd subcommand (sd.c). */
#ifndef FSPTOOL_SD_H
#define FSPTOOL_SD_H

/* argv: what follows "sd" ("get PATH" or "set PATH SDDL"); exit status. */
int fsptool_sd(int argc, char **argv);

#endif
