/* SPDX-License-Identifier: 0BSD */
/*
 * ipc_client: ask examples/ipc's server one or more questions over one
 * open file, and print the answers.
 *
 *   cc -o ipc_client examples/ipc_client.c
 *   ./ipc_client MOUNTPOINT/calc "add 2 40" "mul 6 7" who
 *
 * One open is one conversation: a write sends a request, the reads that
 * follow return its answer until they return 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s FILE REQUEST...\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDWR);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        size_t len = strlen(argv[i]);
        if (write(fd, argv[i], len) != (ssize_t)len) {
            perror("write");
            rc = 1;
            break;
        }
        char buf[256];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            fwrite(buf, 1, (size_t)n, stdout);
        if (n < 0) {
            perror("read");
            rc = 1;
        }
    }
    close(fd);
    return rc;
}
