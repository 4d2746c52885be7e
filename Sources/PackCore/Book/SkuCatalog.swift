/// Dense number of a SKU inside one order book.
public struct SkuID: Sendable, Hashable, Comparable {
    var raw: Int32
    public static func < (a: SkuID, b: SkuID) -> Bool { a.raw < b.raw }
}

/// Every SKU the order book has seen, with the barcodes that name it.
///
/// Barcodes belong to the product, not to one order, so they are kept once per SKU
/// (a barcode given on any order's line counts for that SKU everywhere).
struct SkuCatalog: Sendable {
    private(set) var skus: [String] = []
    private var idBySku: [String: SkuID] = [:]
    /// Barcodes as given.
    private var idsByBarcode: [String: [SkuID]] = [:]
    /// The 14-digit form of barcodes that are GTINs.
    private var idsByGTIN: [String: [SkuID]] = [:]

    mutating func register(sku: String, barcodes: [String]) -> SkuID {
        let id: SkuID
        if let existing = idBySku[sku] {
            id = existing
        } else {
            id = SkuID(raw: Int32(skus.count))
            skus.append(sku)
            idBySku[sku] = id
            // A SKU that is itself a GTIN matches its other forms too.
            if let gtin = GTIN.normalize(sku) { SkuCatalog.add(gtin, id, to: &idsByGTIN) }
        }
        for code in barcodes {
            // Seen with this SKU before (the common case: every order of a SKU
            // repeats its barcodes): its GTIN forms are indexed already.
            if let ids = idsByBarcode[code], ids.contains(id) { continue }
            SkuCatalog.add(code, id, to: &idsByBarcode)
            if let gtin = GTIN.normalize(code) { SkuCatalog.add(gtin, id, to: &idsByGTIN) }
        }
        return id
    }

    private static func add(_ key: String, _ id: SkuID, to index: inout [String: [SkuID]]) {
        if let ids = index[key] {
            if !ids.contains(id) { index[key] = ids + [id] }
        } else {
            index[key] = [id]
        }
    }

    func sku(_ id: SkuID) -> String { skus[Int(id.raw)] }

    func id(ofSku sku: String) -> SkuID? { idBySku[sku] }

    /// The SKUs a scanned code may stand for: the SKU itself, a barcode, or a GTIN in
    /// any of its forms (EAN-13, UPC-A, GTIN-14, GS1 AI 01).
    func candidates(for code: ScannedCode) -> [SkuID] {
        var result: [SkuID] = []
        if let id = idBySku[code.text] { result.append(id) }
        if let ids = idsByBarcode[code.text] {
            for id in ids where !result.contains(id) { result.append(id) }
        }
        if let gtin = code.gtin, let ids = idsByGTIN[gtin] {
            for id in ids where !result.contains(id) { result.append(id) }
        }
        return result
    }
}
