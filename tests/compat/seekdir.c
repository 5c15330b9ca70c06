/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seekdir/telldir through a mount, the way libfuse's test_syscalls checks
 * it: note telldir before every readdir to the end, read past the end,
 * then seekdir back to each noted offset, last first, and readdir must
 * give the entry that followed it again.  Prints one line and exits 0
 * when all came back, 1 otherwise.
 *
 *   seekdir DIR     (DIR must hold at least a few entries)
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define MAX 256

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    DIR *dp = opendir(argv[1]);
    if (!dp) {
        perror("opendir");
        return 1;
    }
    long off[MAX];
    char name[MAX][256];
    int n = 0;
    struct dirent *de;
    while (n < MAX) {
        off[n] = telldir(dp);
        if (!(de = readdir(dp)))
            break;
        snprintf(name[n], sizeof name[n], "%s", de->d_name);
        n++;
    }
    while (readdir(dp))
        ;
    for (int i = n - 1; i >= 0; i--) {
        seekdir(dp, off[i]);
        de = readdir(dp);
        if (!de) {
            printf("unexpected end of directory after seekdir to entry %d "
                   "of %d (%s)\n", i, n, name[i]);
            closedir(dp);
            return 1;
        }
        if (strcmp(de->d_name, name[i]) != 0) {
            printf("after seekdir to entry %d: %s, not %s\n", i, de->d_name,
                   name[i]);
            closedir(dp);
            return 1;
        }
    }
    printf("%d entries, each found again after seekdir\n", n);
    closedir(dp);
    return 0;
}
