import CUdev
import Glibc

/// Lists input event nodes and serial ports through libudev, with their identity.
public enum UdevEnumerator {
    public static func devices() throws(DeviceError) -> [DeviceIdentity] {
        guard let udev = udev_new() else { throw DeviceError.system("udev_new", errno) }
        defer { udev_unref(udev) }
        var found: [DeviceIdentity] = []
        for subsystem in ["input", "tty", "hidraw", "usbmisc"] {
            guard let enumerate = udev_enumerate_new(udev) else { throw DeviceError.system("udev_enumerate_new", errno) }
            defer { udev_enumerate_unref(enumerate) }
            udev_enumerate_add_match_subsystem(enumerate, subsystem)
            udev_enumerate_scan_devices(enumerate)
            var entry = udev_enumerate_get_list_entry(enumerate)
            while let e = entry {
                defer { entry = udev_list_entry_get_next(e) }
                guard let syspath = udev_list_entry_get_name(e),
                    let device = udev_device_new_from_syspath(udev, syspath)
                else { continue }
                defer { udev_device_unref(device) }
                if let identity = identity(of: device, subsystem: subsystem) { found.append(identity) }
            }
        }
        return found.sorted { $0.devnode < $1.devnode }
    }

    static func identity(of device: OpaquePointer, subsystem: String) -> DeviceIdentity? {
        guard let node = udev_device_get_devnode(device).map({ String(cString: $0) }) else { return nil }
        func property(_ key: String) -> String? {
            udev_device_get_property_value(device, key).map { String(cString: $0) }
        }
        let kind: DeviceIdentity.Kind
        var name: String?
        if subsystem == "hidraw" {
            return hidPOSIdentity(of: device, node: node)
        }
        if subsystem == "usbmisc" {
            guard node.hasPrefix("/dev/usb/lp") else { return nil }
            return DeviceIdentity(
                kind: .printer, devnode: node, syspath: String(cString: udev_device_get_syspath(device)),
                name: property("ID_MODEL_FROM_DATABASE") ?? property("ID_MODEL"), serial: property("ID_SERIAL"),
                path: property("ID_PATH"), vendorId: property("ID_VENDOR_ID"), productId: property("ID_MODEL_ID"))
        }
        if subsystem == "input" {
            guard node.hasPrefix("/dev/input/event") else { return nil }
            kind = .input
            // The event node's parent is the input device, which carries the name.
            if let parent = udev_device_get_parent(device), let attr = udev_device_get_sysattr_value(parent, "name") {
                name = String(cString: attr)
            }
        } else {
            let base = node.split(separator: "/").last.map(String.init) ?? node
            guard base.hasPrefix("ttyACM") || base.hasPrefix("ttyUSB") else { return nil }
            kind = .serial
            name = property("ID_MODEL_FROM_DATABASE") ?? property("ID_MODEL")
        }
        return DeviceIdentity(
            kind: kind, devnode: node, syspath: String(cString: udev_device_get_syspath(device)), name: name,
            serial: property("ID_SERIAL"), path: property("ID_PATH"), vendorId: property("ID_VENDOR_ID"),
            productId: property("ID_MODEL_ID"), isKeyboard: property("ID_INPUT_KEYBOARD") == "1",
            taggedScanner: property("PACKD_SCANNER") == "1")
    }

    /// A hidraw node is listed only when it is a HID POS scanner interface: every
    /// HID interface has one, keyboards included.
    static func hidPOSIdentity(of device: OpaquePointer, node: String) -> DeviceIdentity? {
        guard let hid = udev_device_get_parent_with_subsystem_devtype(device, "hid", nil),
            let hidPath = udev_device_get_syspath(hid).map({ String(cString: $0) }),
            HIDReportDescriptor.declaresBarcodeScanner(atPath: hidPath + "/report_descriptor")
        else { return nil }
        let usb = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device")
        func usbProperty(_ key: String) -> String? {
            usb.flatMap { udev_device_get_property_value($0, key) }.map { String(cString: $0) }
        }
        func usbAttribute(_ key: String) -> String? {
            usb.flatMap { udev_device_get_sysattr_value($0, key) }.map { String(cString: $0) }
        }
        return DeviceIdentity(
            kind: .hidpos, devnode: node, syspath: String(cString: udev_device_get_syspath(device)),
            name: udev_device_get_property_value(hid, "HID_NAME").map { String(cString: $0) },
            serial: usbProperty("ID_SERIAL"), path: udev_device_get_property_value(device, "ID_PATH").map { String(cString: $0) },
            vendorId: usbProperty("ID_VENDOR_ID") ?? usbAttribute("idVendor"),
            productId: usbProperty("ID_MODEL_ID") ?? usbAttribute("idProduct"),
            taggedScanner: udev_device_get_property_value(device, "PACKD_SCANNER").map { String(cString: $0) } == "1")
    }

    /// Whether this process may open the node the way packd would.
    public static func mayOpen(_ identity: DeviceIdentity) -> Bool {
        access(identity.devnode, identity.kind == .serial || identity.kind == .printer ? (R_OK | W_OK) : R_OK) == 0
    }
}
