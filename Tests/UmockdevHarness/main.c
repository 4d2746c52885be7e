// packd-umockdev-harness: a umockdev testbed driven from standard input, with
// packd (or any command) running inside it. Run it under
// LD_PRELOAD=libumockdev-preload.so.0 so that its uevents reach the child.
//
//   packd-umockdev-harness -- COMMAND ARGS...
//
// Commands, one a line, each acknowledged on standard error:
//   add FILE           the devices of a umockdev description appear ("add" uevents)
//   remove FILE        they go, children first ("remove" uevents), as when unplugged
//   events NODE FILE   evemu events are replayed on NODE
//   write NODE HEX     the bytes (hex) arrive on NODE, a device with no recorded
//                      contents (a tty, a hidraw node): umockdev backs it with a
//                      pty, made raw here so that no byte is taken as a control
//                      (umockdev 0.17 keeps such a node's pty after `remove`, and
//                      aborts when a device with the same node name is added
//                      again: a test plugs a device in again under a new node
//                      name, as the kernel names it while the old one is open)
//   quit
#include <umockdev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>

static int fail(const char *what, GError *error) {
    fprintf(stderr, "harness: %s: %s\n", what, error ? error->message : "failed");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 3 || strcmp(argv[1], "--") != 0) {
        fprintf(stderr, "usage: packd-umockdev-harness -- COMMAND...\n");
        return 2;
    }
    UMockdevTestbed *tb = umockdev_testbed_new();
    pid_t child = fork();
    if (child == 0) {
        execv(argv[2], argv + 2);
        _exit(127);
    }
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        GError *error = NULL;
        if (strncmp(line, "add ", 4) == 0) {
            gchar *description = NULL;
            if (!g_file_get_contents(line + 4, &description, NULL, &error)) return fail("add", error);
            if (!umockdev_testbed_add_from_string(tb, description, &error)) return fail("add", error);
            g_free(description);
            fprintf(stderr, "harness: added\n");
        } else if (strncmp(line, "remove ", 7) == 0) {
            gchar *description = NULL;
            if (!g_file_get_contents(line + 7, &description, NULL, &error)) return fail("remove", error);
            // The "P:" lines, parents first: remove in reverse.
            gchar **lines = g_strsplit(description, "\n", -1);
            int count = 0;
            for (gchar **l = lines; *l; l++) count += g_str_has_prefix(*l, "P: ");
            for (int i = count - 1; i >= 0; i--) {
                int k = -1;
                for (gchar **l = lines; *l; l++) {
                    if (g_str_has_prefix(*l, "P: ") && ++k == i) {
                        gchar *sys = g_strconcat("/sys", *l + 3, NULL);
                        umockdev_testbed_uevent(tb, sys, "remove");
                        umockdev_testbed_remove_device(tb, sys);
                        g_free(sys);
                    }
                }
            }
            g_strfreev(lines);
            g_free(description);
            fprintf(stderr, "harness: removed\n");
        } else if (strncmp(line, "events ", 7) == 0) {
            char *node = line + 7;
            char *file = strchr(node, ' ');
            if (!file) continue;
            *file++ = 0;
            if (!umockdev_testbed_load_evemu_events(tb, node, file, &error)) return fail("events", error);
            fprintf(stderr, "harness: events loaded\n");
        } else if (strncmp(line, "write ", 6) == 0) {
            char *node = line + 6;
            char *hex = strchr(node, ' ');
            if (!hex) continue;
            *hex++ = 0;
            int fd = umockdev_testbed_get_dev_fd(tb, node);
            if (fd < 0) return fail("write: no such emulated device", NULL);
            // On a pty master the termios calls act on the slave the program reads.
            struct termios raw;
            if (tcgetattr(fd, &raw) == 0) {
                cfmakeraw(&raw);
                tcsetattr(fd, TCSANOW, &raw);
            }
            size_t n = strlen(hex) / 2;
            unsigned char *bytes = g_malloc(n ? n : 1);
            for (size_t i = 0; i < n; i++) sscanf(hex + 2 * i, "%2hhx", &bytes[i]);
            for (size_t done = 0; done < n;) {
                ssize_t w = write(fd, bytes + done, n - done);
                if (w <= 0) return fail("write", NULL);
                done += (size_t)w;
            }
            g_free(bytes);
            fprintf(stderr, "harness: written\n");
        } else if (strcmp(line, "quit") == 0) {
            break;
        }
        fflush(stderr);
    }
    kill(child, SIGTERM);
    int status;
    waitpid(child, &status, 0);
    g_object_unref(tb);
    return 0;
}
