#ifndef CZINT_H
#define CZINT_H

#include <zint.h>

/* Whether the module at (row, column) of an encoded symbol is dark. zint keeps
   modules packed in encoded_data; its own accessor is not exported. */
int packd_zint_module_is_set(const struct zint_symbol *symbol, int row, int column);

#endif
