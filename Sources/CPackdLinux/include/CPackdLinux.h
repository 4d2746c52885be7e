#ifndef CPACKD_LINUX_H
#define CPACKD_LINUX_H

#include <stdint.h>
#include <stddef.h>
#include <linux/input.h>

/// Opens a pseudo-terminal master (posix_openpt, grantpt, unlockpt) and writes the
/// slave's path into `name`. Returns the master fd, or -1 with errno set.
/// (These calls need _GNU_SOURCE / _XOPEN_SOURCE, which Swift's Glibc module lacks.)
int packd_openpt(char *name, size_t name_length);

/// posix_spawn_file_actions_addclosefrom_np (a GNU extension): the child gets no
/// descriptor from `lowest` up, so it cannot hold the parent's pipes and FIFOs open.
int packd_spawn_close_from(void *actions, int lowest);


/// EVIOCGRAB: take (1) or release (0) exclusive use of an input device, so its
/// keystrokes reach packd and not the desktop. Returns 0 or -1 with errno.
int packd_evdev_grab(int fd, int grab);

/// EVIOCGNAME: the device's name into `name`. Returns its length or -1 with errno.
int packd_evdev_name(int fd, char *name, size_t name_length);

/// Lowers (or raises) the calling thread's scheduling priority alone: on Linux a
/// nice value set for a thread id applies to that thread only. Returns 0 or -1 with errno.
int packd_set_thread_nice(int nice);

/// Names the calling thread (at most 15 bytes show, in /proc/PID/task/TID/comm
/// and top -H). Returns 0 or an errno value.
int packd_set_thread_name(const char *name);

/// An exclusive POSIX record lock on the whole file (F_SETLK): 0, or -1 with errno
/// (EAGAIN/EACCES: another process holds it). Dropped when the process ends.
int packd_lock_file(int fd);

/// The pid holding a lock that would conflict with an exclusive one on `fd`'s
/// file, 0 when none, -1 with errno. Only asks (F_GETLK): takes no lock, so a
/// process that looks can never make the holder's own F_SETLK fail.
int packd_lock_holder(int fd);

/// libFuzzer's driver, for a fuzz binary with a main of its own (SwiftPM names
/// an executable's entry point itself). Defined only in builds with
/// -sanitize=fuzzer (scripts/fuzz.sh); declared here for packd-fuzz.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
