/// What udev says about one device: enough to recognise a scanner and to bind it
/// to a station by something stabler than its /dev name.
public struct DeviceIdentity: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case input, serial
        /// A hidraw node whose report descriptor has the barcode scanner usage page (0x8C).
        case hidpos
        /// A USB printer (a label printer before CUPS sets it up): `/dev/usb/lp*`.
        case printer

        /// How a scanner named only by its path is read: evdev under
        /// /dev/input/, HID POS at /dev/hidraw*, serial otherwise.
        public init(scannerPath path: String) {
            self = path.hasPrefix("/dev/input/") ? .input : path.hasPrefix("/dev/hidraw") ? .hidpos : .serial
        }
    }

    public var kind: Kind
    /// `/dev/input/event7`, `/dev/ttyACM0`.
    public var devnode: String
    public var syspath: String
    /// The input device's name, or the USB product.
    public var name: String?
    /// `ID_SERIAL`: vendor, model and serial number; stable across ports.
    public var serial: String?
    /// `ID_PATH`: the physical port; stable for a scanner that is never moved.
    public var path: String?
    public var vendorId: String?
    public var productId: String?
    public var isKeyboard: Bool
    /// `PACKD_SCANNER=1`, set by packd's udev rules or a site rule.
    public var taggedScanner: Bool

    public init(
        kind: Kind, devnode: String, syspath: String, name: String? = nil, serial: String? = nil, path: String? = nil,
        vendorId: String? = nil, productId: String? = nil, isKeyboard: Bool = false, taggedScanner: Bool = false
    ) {
        self.kind = kind
        self.devnode = devnode
        self.syspath = syspath
        self.name = name
        self.serial = serial
        self.path = path
        self.vendorId = vendorId
        self.productId = productId
        self.isKeyboard = isKeyboard
        self.taggedScanner = taggedScanner
    }

    public var vendorProduct: String? {
        guard let v = vendorId, let p = productId else { return nil }
        return "\(v):\(p)"
    }
}
