public import PackLabels
public import PackPrint

extension DocumentFormat {
    /// How CUPS takes a label in `format`: ZPL and TSPL as raw printer language,
    /// PDF and PNG as documents.
    public init(_ format: LabelFormat) {
        switch format {
        case .zpl, .tspl: self = .raw
        case .pdf: self = .pdf
        case .png: self = .png
        }
    }
}
