public import PackDevices

/// `[[scanners]]`: which scanner feeds which station, matched by the most stable
/// identity the site chose, with how to read it.
public struct ScannerBinding: Sendable, Equatable {
    public enum Match: Sendable, Equatable, CustomStringConvertible {
        /// A device path (`/dev/ttyACM0`, or a stable `/dev/packd/scanner-*` link).
        case device(String)
        /// udev's ID_SERIAL: follows the scanner to any port.
        case idSerial(String)
        /// udev's ID_PATH: the physical port, whatever is plugged into it.
        case idPath(String)
        /// USB vendor:product: every scanner of that model.
        case usb(String)

        public var description: String {
            switch self {
            case .device(let p): "device = \"\(p)\""
            case .idSerial(let s): "id_serial = \"\(s)\""
            case .idPath(let p): "id_path = \"\(p)\""
            case .usb(let u): "usb = \"\(u)\""
            }
        }

        func matches(_ d: DeviceIdentity) -> Bool {
            switch self {
            case .device(let p): d.devnode == p
            case .idSerial(let s): d.serial == s
            case .idPath(let p): d.path == p
            case .usb(let u): d.vendorProduct?.lowercased() == u.lowercased()
            }
        }

        /// More specific matches win: a device path, then a serial, a port, a model.
        var rank: Int {
            switch self {
            case .device: 0
            case .idSerial: 1
            case .idPath: 2
            case .usb: 3
            }
        }
    }

    public var station: String
    public var match: Match
    /// Keyboard layout the scanner types in (evdev scanners).
    public var layout: String
    /// An XKB keymap file of the site's own, instead of `layout`: its path and text.
    public var keymap: (path: String, text: String)?
    /// Characters that end a code instead of Enter (keyboard-wedge scanners).
    public var suffix: String?
    public var serial: SerialSettings
    /// Milliseconds without a key that end a code (keyboard-wedge scanners that
    /// send no Enter, or a slow USB hub).
    public var interKeyTimeoutMs: Int64 = 100

    public init(
        station: String, match: Match, layout: String = "us", keymap: (path: String, text: String)? = nil,
        suffix: String? = nil, serial: SerialSettings = SerialSettings()
    ) {
        self.station = station
        self.match = match
        self.layout = layout
        self.keymap = keymap
        self.suffix = suffix
        self.serial = serial
    }

    public static func == (a: ScannerBinding, b: ScannerBinding) -> Bool {
        a.station == b.station && a.match == b.match && a.layout == b.layout && a.keymap?.path == b.keymap?.path
            && a.keymap?.text == b.keymap?.text && a.suffix == b.suffix && a.serial == b.serial
            && a.interKeyTimeoutMs == b.interKeyTimeoutMs
    }

    /// A reader for a device this binding matched.
    public func reader(for identity: DeviceIdentity, interKeyTimeoutMs: Int64) throws(KeymapDecoder.LoadError) -> DeviceReader {
        switch identity.kind {
        case .hidpos:
            return HIDPOSScannerReader.make(device: identity.devnode, path: identity.devnode)
        case .serial, .printer:
            return SerialScannerReader.make(device: identity.devnode, path: identity.devnode, settings: serial)
        case .input:
            if let keymap {
                return try EvdevScannerReader.make(
                    device: identity.devnode, path: identity.devnode, keymapText: keymap.text, keymapName: keymap.path,
                    interKeyTimeoutMs: interKeyTimeoutMs, suffix: suffix)
            }
            return try EvdevScannerReader.make(
                device: identity.devnode, path: identity.devnode, layout: layout, interKeyTimeoutMs: interKeyTimeoutMs,
                suffix: suffix)
        }
    }
}

extension PackConfig {
    /// The binding that applies to a device: the most specific match.
    public func binding(for device: DeviceIdentity) -> ScannerBinding? {
        guard device.kind != .printer else { return nil }
        return scanners.filter { $0.match.matches(device) }.min { $0.match.rank < $1.match.rank }
    }
}
