public import PackCore

/// The order file formats `packd orders import` reads.
public enum OrderFileFormat: String, Sendable, CaseIterable {
    case json, csv

    /// From the extension, else from the content: JSON starts with `[` or `{`.
    public static func detect(path: String, bytes: [UInt8]) -> OrderFileFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".json") { return .json }
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return first == UInt8(ascii: "[") || first == UInt8(ascii: "{") ? .json : .csv
    }

    public func decode(_ bytes: [UInt8], decoder: OrderDecoder = OrderDecoder()) throws(OrderFileError) -> [Order] {
        switch self {
        case .json: try decoder.decodeFile(bytes)
        case .csv: try CSVOrderReader.read(bytes, decoder: decoder)
        }
    }
}
