/* Loads the lazily linked libraries and defines the functions packd calls in
   them (lazy_functions.h). See include/CLazyLibraries.h. */
#define _GNU_SOURCE
#include "CLazyLibraries.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The libraries' own headers: each function below is defined with the
   header's signature, which the compiler checks. packd's definitions of them
   must be hidden (below), so the visibility the poppler and CUPS headers
   declare ("default") is emptied first: poppler's header leaves a
   POPPLER_PUBLIC defined before it alone, CUPS's versioning.h is read once
   (an include guard) and its _CUPS_PUBLIC redefined before cups.h uses it. */
#define POPPLER_PUBLIC
#include <cups/versioning.h>
#undef _CUPS_PUBLIC
#define _CUPS_PUBLIC
#include <cairo-pdf.h>
#include <cups/cups.h>
#include <pango/pangocairo.h>
#include <poppler.h>

#define HIDDEN __attribute__((visibility("hidden")))

static void *resolve(const char *name, int library, void **slot) __attribute__((noinline, cold));

/* After the first call, a load from the slot and a jump. */
static inline void *library_function(const char *name, int library, void **slot) {
    void *function = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    return function ? function : resolve(name, library, slot);
}

/* Each function's address in its library is kept in a slot, empty until the
   first call loads the library and looks the name up. The functions are
   hidden: a library loaded later must bind to its own functions, never to
   these (which would call back into a library still being loaded). */
#define LAZY_FUNCTION(library, type, name, parameters, arguments)                                  \
    static void *lazy_slot_##name;                                                                  \
    HIDDEN type name parameters {                                                                   \
        return ((__typeof__(&name))library_function(#name, library, &lazy_slot_##name))arguments;   \
    }
#define LAZY_VOID(library, name, parameters, arguments)                                            \
    static void *lazy_slot_##name;                                                                  \
    HIDDEN void name parameters { ((__typeof__(&name))library_function(#name, library, &lazy_slot_##name))arguments; }

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

/* The address of `name` in `library`, loading the library on first use
   (possibly on several threads at once; they all store the same address).
   There is no way to return an error through an arbitrary C function, so a
   library that cannot be loaded ends the process with a message naming it;
   callers check packd_lazy_library_load first to fail with an error instead. */
static void *resolve(const char *name, int library, void **slot) {
    char reason[512] = "";
    void *handle = handle_of(library, reason, sizeof reason);
    void *function = handle ? dlsym(handle, name) : NULL;
    if (!function) {
        char message[1024];
        int size = snprintf(message, sizeof message, "packd: cannot call %s in %s: %s\n", name, sonames[library],
                            handle ? "the library has no such function" : reason);
        if (size > 0) (void)!write(STDERR_FILENO, message, (size_t)size < sizeof message ? (size_t)size : sizeof message - 1);
        abort();
    }
    __atomic_store_n(slot, function, __ATOMIC_RELEASE);
    return function;
}

#include "lazy_functions.h"
