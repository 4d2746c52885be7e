#ifndef CPACKD_LINUX_H
#define CPACKD_LINUX_H

#include <stddef.h>

/// Opens a pseudo-terminal master (posix_openpt, grantpt, unlockpt) and writes the
/// slave's path into `name`. Returns the master fd, or -1 with errno set.
/// (These calls need _GNU_SOURCE / _XOPEN_SOURCE, which Swift's Glibc module lacks.)
int packd_openpt(char *name, size_t name_length);

#endif
