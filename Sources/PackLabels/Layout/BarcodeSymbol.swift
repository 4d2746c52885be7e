import CZint

/// A barcode encoded by libzint: its modules (dark or light) in rows and columns.
/// packd draws the modules itself on the dot grid, so every format shows the same
/// symbol, and ZPL/TSPL can send the printer's own command when it draws the same.
struct BarcodeSymbol: Sendable, Equatable {
    let rows: Int
    let width: Int
    /// Row-major, `rows * width`.
    let modules: [Bool]

    func isDark(row: Int, column: Int) -> Bool { modules[row * width + column] }

    /// Encodes `data` (its exact bytes) or explains in the words of the symbology
    /// why it cannot be encoded.
    static func encode(_ data: String, as style: BarcodeStyle) throws(BarcodeEncodingError) -> BarcodeSymbol {
        guard !data.isEmpty else { throw BarcodeEncodingError(message: "has no data to encode") }
        if style.symbology == .ean13 {
            try checkEAN13(data)
        }
        guard let symbol = ZBarcode_Create() else { throw BarcodeEncodingError(message: "libzint is out of memory") }
        defer { ZBarcode_Delete(symbol) }
        switch style.symbology {
        // Subset B only: the same bars a printer's own Code 128 (ZPL ^BC mode N,
        // TSPL 128M with !104) draws, so native and drawn symbols are identical.
        case .code128: symbol.pointee.symbology = BARCODE_CODE128B
        case .ean13: symbol.pointee.symbology = data.utf8.count == 13 ? BARCODE_EANX_CHK : BARCODE_EANX
        case .qr:
            symbol.pointee.symbology = BARCODE_QRCODE
            symbol.pointee.option_1 = Int32(["L", "M", "Q", "H"].firstIndex(of: style.errorCorrection.rawValue)! + 1)
        case .datamatrix: symbol.pointee.symbology = BARCODE_DATAMATRIX
        case .pdf417: symbol.pointee.symbology = BARCODE_PDF417
        }
        symbol.pointee.input_mode = style.symbology == .code128 || style.symbology == .ean13 ? Int32(DATA_MODE) : Int32(UNICODE_MODE)
        let bytes = Array(data.utf8)
        let status = bytes.withUnsafeBufferPointer { ZBarcode_Encode(symbol, $0.baseAddress, Int32($0.count)) }
        if status >= ZINT_ERROR {
            let text = withUnsafeBytes(of: symbol.pointee.errtxt) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw BarcodeEncodingError(message: "cannot encode \"\(data.prefix(64))\" as \(style.symbology.rawValue): \(text)")
        }
        let rows = Int(symbol.pointee.rows)
        let width = Int(symbol.pointee.width)
        var modules = [Bool](repeating: false, count: rows * width)
        for r in 0..<rows {
            for c in 0..<width where packd_zint_module_is_set(symbol, Int32(r), Int32(c)) != 0 {
                modules[r * width + c] = true
            }
        }
        // zint stacks the EAN add-on guard rows as extra rows; linear codes have one.
        if style.symbology.isLinear, rows > 1 {
            return BarcodeSymbol(rows: 1, width: width, modules: Array(modules[((rows - 1) * width)...]))
        }
        return BarcodeSymbol(rows: rows, width: width, modules: modules)
    }

    /// zint accepts EAN-2/EAN-5 add-ons and short numbers for EAN; a waybill label's
    /// EAN-13 is exactly 12 digits (check digit added) or 13 with a correct one.
    private static func checkEAN13(_ data: String) throws(BarcodeEncodingError) {
        guard data.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw BarcodeEncodingError(message: "EAN-13 takes digits only, not \"\(data.prefix(64))\"")
        }
        guard data.utf8.count == 12 || data.utf8.count == 13 else {
            throw BarcodeEncodingError(message: "EAN-13 takes 12 digits (or 13 with the check digit), not \(data.utf8.count)")
        }
    }
}

struct BarcodeEncodingError: Error, Sendable {
    let message: String
}
