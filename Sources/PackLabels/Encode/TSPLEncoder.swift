/// TSPL/TSPL2 (TSC, Xprinter, Gprinter, HPRT). Text and pictures go as BITMAP
/// commands of the same raster the PNG shows (TSPL bitmaps print a 0 bit black);
/// rules and outline boxes as BAR/BOX. Code 128 (subset B, `128M` with `!104`) and QR go as BARCODE/QRCODE
/// when their data holds no quote, backslash or `!`; other data is drawn into the
/// bitmap, so no byte of an order ever reaches the printer's command parser.
enum TSPLEncoder {
    static func encode(_ layout: LabelLayout, text: TextSetter, settings: PrinterSettings, widthMm: Double, heightMm: Double)
        throws(LabelError) -> [UInt8]
    {
        let bitmap = try RasterRenderer.render(layout, text: text, skip: isNative)
        var out = header(widthMm: widthMm, heightMm: heightMm, settings: settings, capacity: bitmap.bits.count)
        // Bitmaps first: BITMAP overwrites its whole rectangle, white included.
        appendBitmaps(bitmap, to: &out)
        func line(_ s: String) { out += Array(s.utf8) + [0x0D, 0x0A] }
        for item in layout.items where isNative(item) {
            line(command(for: item))
        }
        line("PRINT 1,1")
        return out
    }

    /// SIZE, GAP, DIRECTION, REFERENCE, DENSITY, SPEED and CLS.
    static func header(widthMm: Double, heightMm: Double, settings: PrinterSettings, capacity: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity + 1024)
        for command in [
            "SIZE \(mm(widthMm)) mm,\(mm(heightMm)) mm", "GAP \(mm(settings.gapMm)) mm,0 mm", "DIRECTION \(settings.direction),0",
            "REFERENCE 0,0", "DENSITY \(settings.darkness ?? 8)", "SPEED \(settings.speed ?? 4)", "CLS",
        ] {
            out += Array(command.utf8) + [0x0D, 0x0A]
        }
        return out
    }

    /// The ink of a raster as BITMAP commands, one per band (a 0 bit prints black).
    static func appendBitmaps(_ bitmap: Bitmap, to out: inout [UInt8]) {
        for band in bitmap.inkBands() {
            let b = band.bitmap
            out += Array("BITMAP \(band.x),\(band.y),\(b.bytesPerRow),\(b.height),0,".utf8)
            for byte in b.bits { out.append(~byte) }
            out += [0x0D, 0x0A]
        }
    }

    /// Whether the printer draws this element itself: rules (BAR), outline
    /// boxes (BOX), and the barcodes below.
    static func isNative(_ item: PlacedElement) -> Bool {
        if item.isPlainShape { return true }
        guard case .barcode(let b) = item else { return false }
        return isNative(b)
    }

    static func isNative(_ b: PlacedBarcode) -> Bool {
        let plain = b.data.utf8.allSatisfy {
            $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "!")
        }
        switch b.style.symbology {
        case .code128: return plain
        case .qr: return plain && b.module <= 10
        default: return false
        }
    }

    private static func command(for item: PlacedElement) -> String {
        switch item {
        case .barcode(let b): return command(for: b)
        case .box(let r, let thickness, _):
            return "BOX \(r.x),\(r.y),\(r.maxX),\(r.maxY),\(min(thickness, r.width, r.height))"
        default:
            guard let r = item.ruleRect else { return "" }
            return "BAR \(r.x),\(r.y),\(r.width),\(r.height)"
        }
    }

    private static func command(for b: PlacedBarcode) -> String {
        switch b.style.symbology {
        case .code128:
            return "BARCODE \(b.x),\(b.y),\"128M\",\(b.rowHeight),0,0,\(b.module),\(b.module),\"!104\(b.data)\""
        default:
            return "QRCODE \(b.x),\(b.y),\(b.style.errorCorrection.rawValue),\(b.module),A,0,M2,\"\(b.data)\""
        }
    }

    private static func mm(_ v: Double) -> String { LabelTemplate.millimetres(v) }
}
