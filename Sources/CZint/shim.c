#include "CZint.h"

int packd_zint_module_is_set(const struct zint_symbol *symbol, int row, int column) {
    if (row < 0 || row >= symbol->rows || column < 0 || column >= symbol->width) return 0;
    return (symbol->encoded_data[row][column >> 3] >> (column & 7)) & 1;
}
