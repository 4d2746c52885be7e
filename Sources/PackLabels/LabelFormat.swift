/// The languages packd writes labels in.
public enum LabelFormat: String, Sendable, CaseIterable {
    /// Zebra ZPL II: text as compressed graphics, native barcodes where exact.
    case zpl
    /// TSC TSPL/TSPL2 (TSC, Xprinter, Gprinter, HPRT): BITMAP text, native barcodes.
    case tspl
    /// A PDF page at the exact media size, vector text and barcodes.
    case pdf
    /// A 1-bit PNG at the target resolution, for previews and raster printers.
    case png
}

/// Printer resolutions packd lays labels out for, in dots per inch.
public enum LabelResolution {
    public static let supported = [203, 300]
}
