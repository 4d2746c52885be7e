import Foundation

/// Reads just enough of a HID report descriptor to tell a barcode scanner
/// interface: a Usage Page item for page 0x8C (HID POS Usage Tables).
enum HIDReportDescriptor {
    static func declaresBarcodeScanner(atPath path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return declaresBarcodeScanner(Array(data))
    }

    /// Walks the short items (long items are skipped by their size).
    static func declaresBarcodeScanner(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let prefix = bytes[i]
            if prefix == 0xFE {  // long item: size in the next byte
                guard i + 1 < bytes.count else { return false }
                i += 3 + Int(bytes[i + 1])
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            guard i + size < bytes.count else { return false }
            // Usage Page is a global item with tag 0: prefix 0000 01 ss.
            if prefix & 0xFC == 0x04 {
                var page = 0
                for k in 0..<size { page |= Int(bytes[i + 1 + k]) << (8 * k) }
                if page == 0x8C { return true }
            }
            i += 1 + size
        }
        return false
    }
}
