/// Decides which devices are barcode scanners. An ordinary keyboard is never
/// taken for one: grabbing it would lock the operator out of the desktop.
public enum ScannerRecognition {
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case tagged
        case vendor(String)
        case name
        /// Its HID report descriptor declares the barcode scanner usage page.
        case hidPOS

        public var description: String {
            switch self {
            case .tagged: "tagged PACKD_SCANNER=1 by udev"
            case .vendor(let v): "a \(v) device"
            case .name: "its name says scanner"
            case .hidPOS: "a HID POS barcode scanner interface"
            }
        }
    }

    /// USB vendor ids of companies that make scanners and little else that plugs
    /// into a packing PC. Rebranded scanners (Netum, Eyoyo, Inateck...) often use a
    /// chip maker's id: they are recognised by name, by tagging, or by config.
    public static let vendors: [String: String] = [
        "0c2e": "Honeywell (Metrologic)",
        "0536": "Honeywell (Hand Held Products)",
        "05e0": "Zebra (Symbol)",
        "05f9": "Datalogic",
        "1eab": "Newland",
        "065a": "Opticon",
    ]

    public static func reason(for device: DeviceIdentity) -> Reason? {
        if device.kind == .printer { return nil }
        if device.taggedScanner { return .tagged }
        if device.kind == .hidpos { return .hidPOS }
        if let vendor = device.vendorId?.lowercased(), let name = vendors[vendor] { return .vendor(name) }
        if let name = device.name?.lowercased(), name.contains("scanner") || name.contains("barcode") || name.contains("barcod") {
            return .name
        }
        return nil
    }
}
