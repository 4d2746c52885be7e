import Foundation
import PackCore
import PackCoreLink
import PackDaemon
import PackDevices
import PackLabels

/// What packd takes from outside, one entry point each, for libFuzzer (`packd-fuzz`)
/// and for the tests that replay the seed corpora. Each runs one input through the
/// code a user's input goes through and checks what must hold whatever the input:
/// nothing crashes, and whatever is accepted can be written and read back.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case orderJSON = "order-json"
    case orderCSV = "order-csv"
    case config
    case template
    case scannedCode = "scanned-code"
    case serialFramer = "serial-framer"
    case scaleFramer = "scale-framer"
    case hidPOS = "hid-pos"
    case keyboard
    case carrierPDF = "carrier-pdf"
    case carrierPNG = "carrier-png"
    case bookRecord = "book-record"
    case feedPage = "feed-page"

    /// Runs one input. Returns normally for every input; a broken property is a
    /// `fatalError` (which libFuzzer reports as a crash, with the input).
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .orderJSON:
            if let orders = try? OrderDecoder().decodeFile(bytes) { FuzzChecks.acceptedOrders(orders) }
        case .orderCSV:
            if let orders = try? CSVOrderReader.read(bytes) { FuzzChecks.acceptedOrders(orders) }
        case .config:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            _ = try? ConfigLoader.parse(text, file: "fuzz.toml")
        case .template:
            guard let template = try? TemplateDecoder().decode(bytes, fallbackName: "fuzz") else { return }
            _ = try? LabelRenderer().render(template, data: FuzzChecks.labelData, format: .zpl, dpi: 203)
        case .scannedCode:
            FuzzChecks.scan(String(decoding: bytes, as: UTF8.self))
        case .serialFramer:
            FuzzChecks.serial(bytes)
        case .scaleFramer:
            FuzzChecks.scale(bytes)
        case .hidPOS:
            FuzzChecks.hidPOS(bytes)
        case .keyboard:
            FuzzChecks.keyboard(bytes)
        // A small label: the decoders (poppler, libpng through cairo) are what is
        // fuzzed; drawing the full 100 x 150 mm would only slow each run.
        case .carrierPDF:
            _ = try? CarrierDocument(format: .pdf, bytes: bytes).convert(to: .zpl, dpi: 203, widthMm: 20, heightMm: 30)
        case .carrierPNG:
            _ = try? CarrierDocument(format: .png, bytes: bytes).convert(to: .zpl, dpi: 203, widthMm: 20, heightMm: 30)
        // A damaged journal: a compact book record read at every start must not
        // crash it (the start would crash again after every restart).
        case .bookRecord:
            if let order = BookRecord.decode(bytes) {
                var book = FuzzChecks.station.book
                book.upsert(order)
                _ = ScanEngine().decide(
                    Scan(code: order.parcels.first?.waybill ?? order.id, device: "fuzz", atMs: 0),
                    state: StationState(station: "fuzz"), book: book, now: Timestamp(millisecondsSinceEpoch: 0))
            }
        // A page of the core's order feed: each order taken or refused on its own.
        case .feedPage:
            if let page = try? FeedPage.decode(bytes, at: Timestamp(millisecondsSinceEpoch: 0)) {
                guard page.orders.count + page.rejected.count == page.count, page.positions.count == page.orders.count else {
                    fatalError("a feed page lost orders: \(page.count) in, \(page.orders.count) taken, \(page.rejected.count) refused")
                }
                // Each on its own: a page may hold an order twice (its later version
                // wins) or two orders claiming one waybill (the second is refused as
                // the journal takes them), which a file must not.
                for order in page.orders { FuzzChecks.acceptedOrders([order]) }
            }
        }
    }
}
