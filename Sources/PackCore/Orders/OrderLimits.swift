/// The limits an order decoder applies (`InputLimits` by default; tests make them
/// smaller). They keep a corrupt or hostile file from filling memory or the journal.
public struct OrderLimits: Sendable {
    /// Order ids, SKUs, waybills, barcodes, parcel ids, template names.
    public var maxIdentifierLength = InputLimits.identifierBytes
    /// Names, addresses, remarks, label fields. Unknown fields have no limit of
    /// their own (the body's or file's applies): they are kept and ignored.
    public var maxTextLength = InputLimits.textBytes
    /// A carrier's label document, base64 (4 characters for 3 bytes).
    public var maxDocumentLength = (InputLimits.carrierDocumentBytes + 2) / 3 * 4
    public var maxLinesPerOrder = InputLimits.linesPerOrder
    public var maxParcelsPerOrder = InputLimits.parcelsPerOrder
    public var maxBarcodesPerLine = InputLimits.barcodesPerLine
    public var maxLabelFields = InputLimits.labelFieldsPerParcel
    public var maxQuantity = InputLimits.quantity
    public var maxWeightGrams = Double(InputLimits.weightGrams)

    public init() {}

    /// The reason a weight in grams from outside is refused, or nil: finite, at
    /// least 0, at most `maxWeightGrams`, so that no later conversion can trap.
    public func weightProblem(_ grams: Double) -> String? {
        if !grams.isFinite { return "must be a finite number" }
        if grams < 0 { return "must be >= 0, not \(grams)" }
        if grams > maxWeightGrams { return "must be at most \(Int(maxWeightGrams)) (grams), not \(grams)" }
        return nil
    }
}
