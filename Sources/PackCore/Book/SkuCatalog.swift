/// Dense number of a SKU inside one order book.
public struct SkuID: Sendable, Hashable, Comparable {
    var raw: Int32
    public static func < (a: SkuID, b: SkuID) -> Bool { a.raw < b.raw }
}

/// Every SKU the order book has seen, with the barcodes that name it.
///
/// Barcodes belong to the product, not to one order, so a barcode given on any
/// order's line counts for that SKU everywhere, but only while an order in the
/// book still gives it: each (barcode, SKU) pair counts the order lines naming it,
/// and an order version that drops a barcode takes its count away. A barcode the
/// ERP replaced stops matching once no order names it.
struct SkuCatalog: Sendable {
    /// One SKU a code stands for, and how many order lines say so.
    struct Use: Sendable {
        var id: SkuID
        var lines: Int32
    }

    private(set) var skus: [String] = []
    private var idBySku: [String: SkuID] = [:]
    /// The GTIN forms of SKUs that are themselves GTINs (for as long as the book lasts).
    private var idsBySkuGTIN: [String: [SkuID]] = [:]
    /// Barcodes as given, each numbered once (what orders keep of their barcodes).
    private var barcodes: [String] = []
    private var barcodeNumbers: [String: UInt32] = [:]
    private var usesByBarcode: [String: [Use]] = [:]
    /// The 14-digit form of barcodes that are GTINs.
    private var usesByGTIN: [String: [Use]] = [:]

    mutating func register(sku: String) -> SkuID {
        if let existing = idBySku[sku] { return existing }
        let id = SkuID(raw: Int32(skus.count))
        skus.append(sku)
        idBySku[sku] = id
        // A SKU that is itself a GTIN matches its other forms too.
        if let gtin = GTIN.normalize(sku) { idsBySkuGTIN[gtin, default: []].append(id) }
        return id
    }

    /// One more order line gives `barcode` for `id`; returns what the order keeps
    /// to take it back (`removeUse`).
    mutating func addUse(of barcode: String, for id: SkuID) -> BarcodeUse {
        let number: UInt32
        if let known = barcodeNumbers[barcode] {
            number = known
        } else {
            number = UInt32(barcodes.count)
            barcodes.append(barcode)
            barcodeNumbers[barcode] = number
        }
        Self.count(+1, id, in: &usesByBarcode[barcode, default: []])
        if let gtin = GTIN.normalize(barcode) { Self.count(+1, id, in: &usesByGTIN[gtin, default: []]) }
        return BarcodeUse(sku: id, barcode: number)
    }

    /// An order line that gave this barcode is gone (a newer version of its order).
    mutating func removeUse(_ use: BarcodeUse) {
        let barcode = barcodes[Int(use.barcode)]
        Self.count(-1, use.sku, in: &usesByBarcode[barcode, default: []])
        if usesByBarcode[barcode]?.isEmpty == true { usesByBarcode[barcode] = nil }
        if let gtin = GTIN.normalize(barcode) {
            Self.count(-1, use.sku, in: &usesByGTIN[gtin, default: []])
            if usesByGTIN[gtin]?.isEmpty == true { usesByGTIN[gtin] = nil }
        }
    }

    private static func count(_ delta: Int32, _ id: SkuID, in uses: inout [Use]) {
        if let i = uses.firstIndex(where: { $0.id == id }) {
            uses[i].lines += delta
            if uses[i].lines <= 0 { uses.remove(at: i) }
        } else if delta > 0 {
            uses.append(Use(id: id, lines: delta))
        }
    }

    func sku(_ id: SkuID) -> String { skus[Int(id.raw)] }

    func id(ofSku sku: String) -> SkuID? { idBySku[sku] }

    /// The SKUs a scanned code may stand for: the SKU itself, a barcode, or a GTIN in
    /// any of its forms (EAN-13, UPC-A, GTIN-14, GS1 AI 01).
    func candidates(for code: ScannedCode) -> [SkuID] {
        var result: [SkuID] = []
        if let id = idBySku[code.text] { result.append(id) }
        for use in usesByBarcode[code.text] ?? [] where !result.contains(use.id) { result.append(use.id) }
        if let gtin = code.gtin {
            for id in idsBySkuGTIN[gtin] ?? [] where !result.contains(id) { result.append(id) }
            for use in usesByGTIN[gtin] ?? [] where !result.contains(use.id) { result.append(use.id) }
        }
        return result
    }
}

/// A barcode an order line gives for a SKU, as the order keeps it (8 bytes).
struct BarcodeUse: Sendable, Equatable {
    var sku: SkuID
    var barcode: UInt32
}
