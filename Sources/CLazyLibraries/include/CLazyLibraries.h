#ifndef CLAZYLIBRARIES_H
#define CLAZYLIBRARIES_H

/* Libraries packd loads when it first needs them rather than at start: an
   idle daemon (no label rendered yet, no CUPS printer) maps none of them,
   which keeps its resident memory and start-up small. The functions called in
   them are defined in packd (lazy_functions.h, resolver.c) and look the
   library's function up on first call. */
typedef enum {
    PACKD_LAZY_LABELS = 0,  /* libpangocairo-1.0.so.0 (pango, cairo, glib) */
    PACKD_LAZY_POPPLER = 1, /* libpoppler-glib.so.8 */
    PACKD_LAZY_CUPS = 2,    /* libcups.so.2 */
    PACKD_LAZY_LIBRARY_COUNT = 3
} packd_lazy_library;

/* Loads `library` if it is not loaded yet. Returns 0, or -1 with dlerror()'s
   message in `error` (NUL-terminated, cut to `length`). Calling a function of
   a library that cannot be loaded ends the process with that message, so
   callers check here first to fail with an error instead. Thread-safe. */
int packd_lazy_library_load(packd_lazy_library library, char *error, unsigned long length);

/* The soname packd loads for `library`. */
const char *packd_lazy_library_soname(packd_lazy_library library);

/* Whether `library` is mapped in this process now (loaded by packd or by
   anyone else), without loading it. */
int packd_lazy_library_is_mapped(packd_lazy_library library);

#endif
