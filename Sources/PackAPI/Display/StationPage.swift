import Foundation
public import PackCore

/// The station display page (display/station.html, embedded): one HTML document
/// with its own style and script, told which station it shows, with which token,
/// in which language, and the station's control codes.
public enum StationPage {
    public struct Settings: Sendable {
        public var station: String
        public var token: String?
        /// `zh-CN` or `en`; nil: the browser's choice.
        public var language: String?
        public var codes: ControlCodes
        /// Images (data URIs) of the control codes' barcodes, by code, for the printable sheet.
        public var barcodes: [String: String]

        public init(station: String, token: String?, language: String?, codes: ControlCodes, barcodes: [String: String] = [:]) {
            self.station = station
            self.token = token
            self.language = language
            self.codes = codes
            self.barcodes = barcodes
        }
    }

    /// The page as embedded, before the settings are filled in.
    public static let template = String(decoding: PackageResources.station_html, as: UTF8.self)

    public static func html(_ settings: Settings) -> String {
        let config: JSONValue = [
            "station": .string(settings.station), "token": .optional(settings.token), "language": .optional(settings.language),
            "codes": [
                "acknowledge": .string(settings.codes.acknowledge), "cancel": .string(settings.codes.cancel),
                "reprint": .string(settings.codes.reprint), "badgePrefix": .string(settings.codes.badgePrefix),
            ],
            "barcodes": .object(.init(uniqueKeysWithValues: settings.barcodes.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
        ]
        return template.replacingOccurrences(of: "__PACKD_CONFIG__", with: scriptSafe(config.serialized()))
    }

    /// JSON inside a <script> element: `<`, `>` and `&` escaped so that no value
    /// (a station id, a token) can end the element or open a comment (the
    /// serializer already escapes U+2028 and U+2029).
    static func scriptSafe(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
