/* Loads the lazily linked libraries and resolves their trampolines.
   See include/CLazyLibraries.h. */
#define _GNU_SOURCE
#include "CLazyLibraries.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the trampolines hand the resolver: the function's name and library,
   and the slot the trampoline jumps through. */
#define HIDDEN __attribute__((visibility("hidden")))

struct packd_lazy_entry {
    const char *name;
    int library;
    void **slot;
};

HIDDEN void *packd_lazy_resolve(const struct packd_lazy_entry *entry);

/* Each function's slot starts at its resolver stub (trampolines.S), which
   calls packd_lazy_resolve; the resolved address then replaces it. */
#define LAZY_FUNCTION(library, name)                                                                \
    extern char packd_lazy_stub_##name[];                                                           \
    HIDDEN void *packd_lazy_slot_##name = packd_lazy_stub_##name;                                   \
    HIDDEN const struct packd_lazy_entry packd_lazy_entry_##name = {#name, library, &packd_lazy_slot_##name};
#include "lazy_functions.h"
#undef LAZY_FUNCTION

static const char *const sonames[PACKD_LAZY_LIBRARY_COUNT] = {
    [PACKD_LAZY_LABELS] = "libpangocairo-1.0.so.0",
    [PACKD_LAZY_POPPLER] = "libpoppler-glib.so.8",
    [PACKD_LAZY_CUPS] = "libcups.so.2",
};

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static void *handles[PACKD_LAZY_LIBRARY_COUNT];

const char *packd_lazy_library_soname(packd_lazy_library library) {
    if ((int)library < 0 || library >= PACKD_LAZY_LIBRARY_COUNT) return "";
    return sonames[library];
}

/* The handle of `library`, loading it once; NULL with the reason in `error`. */
static void *handle_of(int library, char *error, unsigned long length) {
    void *handle = __atomic_load_n(&handles[library], __ATOMIC_ACQUIRE);
    if (handle) return handle;
    pthread_mutex_lock(&load_lock);
    handle = handles[library];
    if (!handle) {
        /* RTLD_NOW: a library missing a symbol fails here, not mid-label. */
        handle = dlopen(sonames[library], RTLD_NOW | RTLD_LOCAL);
        if (handle) {
            __atomic_store_n(&handles[library], handle, __ATOMIC_RELEASE);
        } else if (error && length) {
            const char *reason = dlerror();
            snprintf(error, length, "%s", reason ? reason : sonames[library]);
        }
    }
    pthread_mutex_unlock(&load_lock);
    return handle;
}

int packd_lazy_library_load(packd_lazy_library library, char *error, unsigned long length) {
    if ((int)library < 0 || library >= PACKD_LAZY_LIBRARY_COUNT) {
        if (error && length) snprintf(error, length, "no such library: %d", (int)library);
        return -1;
    }
    return handle_of(library, error, length) ? 0 : -1;
}

int packd_lazy_library_is_mapped(packd_lazy_library library) {
    if ((int)library < 0 || library >= PACKD_LAZY_LIBRARY_COUNT) return 0;
    void *handle = dlopen(sonames[library], RTLD_LAZY | RTLD_NOLOAD);
    if (!handle) return 0;
    dlclose(handle);
    return 1;
}

/* Called by a resolver stub the first time its function is called (possibly
   on several threads at once; they all store the same address). There is no
   way to return an error through an arbitrary C function, so a library that
   cannot be loaded ends the process with a message naming it. */
void *packd_lazy_resolve(const struct packd_lazy_entry *entry) {
    char reason[512] = "";
    void *handle = handle_of(entry->library, reason, sizeof reason);
    void *function = handle ? dlsym(handle, entry->name) : NULL;
    if (!function) {
        char message[1024];
        int size = snprintf(message, sizeof message, "packd: cannot call %s in %s: %s\n", entry->name,
                            sonames[entry->library], handle ? "the library has no such function" : reason);
        if (size > 0) (void)!write(STDERR_FILENO, message, (size_t)size < sizeof message ? (size_t)size : sizeof message - 1);
        abort();
    }
    __atomic_store_n(entry->slot, function, __ATOMIC_RELEASE);
    return function;
}
