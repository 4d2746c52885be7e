/// ZPL II. Text and pictures go as `^GF` graphics (Z64) of the same raster the
/// PNG shows, so Chinese, Arabic or emoji need no printer font; rules and outline
/// boxes as `^GB`. Code 128 and QR
/// go as `^BC`/`^BQ`, which the printer draws to the same modules, when their data
/// is plain ASCII; anything else is drawn into the graphic. Every piece of data in
/// a field goes through `^FH` hex escapes: no byte of an order becomes a command.
enum ZPLEncoder {
    static func encode(_ layout: LabelLayout, text: TextSetter, settings: PrinterSettings) throws(LabelError) -> [UInt8] {
        let bitmap = try RasterRenderer.render(layout, text: text, skip: isNative)
        var out = "^XA\n^CI28\n^PW\(layout.widthDots)\n^LL\(layout.heightDots)\n^LH0,0\n"
        if let darkness = settings.darkness { out += "~SD\(twoDigits(darkness))\n" }
        if let speed = settings.speed { out += "^PR\(speed)\n" }
        out += graphics(bitmap)
        for item in layout.items where isNative(item) {
            out += command(for: item)
        }
        out += "^XZ\n"
        return Array(out.utf8)
    }

    /// The ink of a raster as `^GF` graphics, one per band.
    static func graphics(_ bitmap: Bitmap) -> String {
        var out = ""
        for band in bitmap.inkBands() {
            let b = band.bitmap
            out += "^FO\(band.x),\(band.y)^GFA,\(b.bits.count),\(b.bits.count),\(b.bytesPerRow),\(Z64.encode(b.bits))^FS\n"
        }
        return out
    }

    /// Whether the printer draws this element itself: rules, outline boxes, and
    /// the barcodes below.
    static func isNative(_ item: PlacedElement) -> Bool {
        if item.isPlainShape { return true }
        guard case .barcode(let b) = item else { return false }
        return isNative(b)
    }

    static func isNative(_ b: PlacedBarcode) -> Bool {
        switch b.style.symbology {
        // `>` starts a ZPL Code 128 invocation code even after ^FH decoding.
        case .code128: b.data.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ">") }
        case .qr: b.data.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && b.module <= 10
        default: false
        }
    }

    private static func command(for item: PlacedElement) -> String {
        switch item {
        case .barcode(let b): return command(for: b)
        case .box(let r, let thickness, _): return "^FO\(r.x),\(r.y)^GB\(r.width),\(r.height),\(min(thickness, r.width, r.height))^FS\n"
        default:
            guard let r = item.ruleRect else { return "" }
            return "^FO\(r.x),\(r.y)^GB\(r.width),\(r.height),\(min(r.width, r.height))^FS\n"
        }
    }

    private static func command(for b: PlacedBarcode) -> String {
        switch b.style.symbology {
        case .code128:
            return "^FO\(b.x),\(b.y)^BY\(b.module),3,\(b.rowHeight)^BCN,\(b.rowHeight),N,N,N^FH_^FD\(escaped(b.data))^FS\n"
        default:
            // ^BQ model 2; the data field starts with the error correction level and
            // A (automatic input mode). Printers move a QR symbol down by the ^BY bar
            // height less one dot, so that height is set to 1 first.
            let ecc = b.style.errorCorrection.rawValue
            return "^FO\(b.x),\(b.y)^BY1,3,1^BQN,2,\(b.module)^FH_^FD\(ecc)A,\(escaped(b.data))^FS\n"
        }
    }

    /// `^FH_` escapes: letters and digits as they are, every other byte as `_XX`.
    static func escaped(_ data: String) -> String {
        var out = ""
        for byte in data.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "_" + hex(byte)
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}
