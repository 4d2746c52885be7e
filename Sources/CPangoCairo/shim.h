#include <pango/pangocairo.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib-object.h>
