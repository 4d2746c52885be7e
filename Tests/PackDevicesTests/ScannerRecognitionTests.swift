@testable import PackDevices
import PackTestRequirements
import Testing

@Suite(.offCooperativePool) struct ScannerRecognitionTests {
    func device(vendor: String? = nil, name: String? = nil, keyboard: Bool = true, tagged: Bool = false) -> DeviceIdentity {
        DeviceIdentity(
            kind: .input, devnode: "/dev/input/event3", syspath: "/sys/x", name: name, serial: nil, path: nil,
            vendorId: vendor, productId: "0001", isKeyboard: keyboard, taggedScanner: tagged)
    }

    @Test func scannersAreRecognisedByTagVendorOrName() {
        #expect(ScannerRecognition.reason(for: device(tagged: true)) == .tagged)
        #expect(ScannerRecognition.reason(for: device(vendor: "05E0")) == .vendor("Zebra (Symbol)"))
        #expect(ScannerRecognition.reason(for: device(vendor: "0483", name: "NETUM Barcode Scanner")) == .name)
    }

    @Test func anOrdinaryKeyboardIsNeverAScanner() {
        #expect(ScannerRecognition.reason(for: device(vendor: "046d", name: "Logitech USB Keyboard")) == nil)
        #expect(ScannerRecognition.reason(for: device(vendor: "1a86", name: "USB Keyboard")) == nil)
    }
}
