/// Sizes that no honest order reaches. They keep a corrupt or hostile file from
/// filling memory or the journal.
public struct OrderLimits: Sendable {
    /// Order ids, SKUs, waybills, barcodes, parcel ids.
    public var maxIdentifierLength = 128
    /// Names, addresses, remarks, and any string in an unknown field.
    public var maxTextLength = 4_096
    /// A carrier's label document, base64.
    public var maxDocumentLength = 8 * 1024 * 1024
    public var maxLinesPerOrder = 1_000
    public var maxParcelsPerOrder = 200
    public var maxBarcodesPerLine = 50
    public var maxQuantity = 100_000

    public init() {}
}
