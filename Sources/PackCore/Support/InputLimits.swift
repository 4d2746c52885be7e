/// Every limit packd puts on what comes from outside (files, HTTP bodies, orders,
/// templates, images, scans), in one place. docs/limits.md lists the same table;
/// a test keeps the two equal.
///
/// The limits are generous for real data and small enough that no input can fill
/// memory or the journal: an input beyond one is refused at the edge with an error
/// naming its path, before anything is converted or stored.
public enum InputLimits {
    // MARK: Files and bodies

    /// An order file (JSON or CSV) read by `packd import`, `replay` or `label render`.
    public static let orderFileBytes = 512 << 20
    /// An HTTP request body, by default (`[api] max_body_mb` changes it).
    public static let apiBodyBytes = 64 << 20
    /// The body of a scan, a print or another small API request.
    public static let smallBodyBytes = 64 << 10
    /// Orders in one `POST /v1/orders` request.
    public static let ordersPerRequest = 10_000
    /// A page of the core's order feed (`GET {core.url}/v1/orders`).
    public static let feedPageBytes = 64 << 20
    /// The core's answer to a batch of events (only its status and first words matter).
    public static let coreAnswerBytes = 1 << 20
    /// The configuration file.
    public static let configFileBytes = 1 << 20
    /// A label template file.
    public static let templateFileBytes = 1 << 20
    /// An image a template names (PNG).
    public static let templateImageBytes = 2 << 20
    /// A carrier's own label document (PDF, PNG, ZPL, TSPL), decoded.
    public static let carrierDocumentBytes = 8 << 20

    // MARK: JSON

    /// Arrays and objects inside one another.
    public static let jsonDepth = 64

    // MARK: Orders

    /// Order ids, SKUs, waybills, barcodes, parcel ids, template names, in UTF-8 bytes.
    public static let identifierBytes = 128
    /// Names, addresses, remarks, label fields: accepted up to this, cut to fit on the label.
    public static let textBytes = 64 << 10
    public static let linesPerOrder = 1_000
    public static let parcelsPerOrder = 200
    public static let barcodesPerLine = 50
    /// Fields a parcel's label may fill (`label.fields`).
    public static let labelFieldsPerParcel = 100
    /// Units of one SKU in one order.
    public static let quantity = 100_000
    /// A weight in grams (10 t): a parcel or a unit; numbers are finite and at least 0.
    public static let weightGrams = 10_000_000

    // MARK: Scans

    /// One scanned code, in UTF-8 bytes (keyboard wedge, serial, HID POS, the API).
    public static let scanCodeBytes = 4_096

    // MARK: Images

    /// Pixels of a PNG (a carrier document or a template's image).
    public static let imagePixels = 16_000_000
    /// Width or height of a PNG, in pixels.
    public static let imageSide = 10_000
    /// Pages of a carrier's PDF.
    public static let pdfPages = 50

    /// The table docs/limits.md shows: name, value, unit.
    public static let all: [(name: String, value: Int, unit: String)] = [
        ("orderFileBytes", orderFileBytes, "bytes"),
        ("apiBodyBytes", apiBodyBytes, "bytes"),
        ("smallBodyBytes", smallBodyBytes, "bytes"),
        ("ordersPerRequest", ordersPerRequest, "orders"),
        ("feedPageBytes", feedPageBytes, "bytes"),
        ("coreAnswerBytes", coreAnswerBytes, "bytes"),
        ("configFileBytes", configFileBytes, "bytes"),
        ("templateFileBytes", templateFileBytes, "bytes"),
        ("templateImageBytes", templateImageBytes, "bytes"),
        ("carrierDocumentBytes", carrierDocumentBytes, "bytes"),
        ("jsonDepth", jsonDepth, "levels"),
        ("identifierBytes", identifierBytes, "bytes"),
        ("textBytes", textBytes, "bytes"),
        ("linesPerOrder", linesPerOrder, "lines"),
        ("parcelsPerOrder", parcelsPerOrder, "parcels"),
        ("barcodesPerLine", barcodesPerLine, "barcodes"),
        ("labelFieldsPerParcel", labelFieldsPerParcel, "fields"),
        ("quantity", quantity, "units"),
        ("weightGrams", weightGrams, "grams"),
        ("scanCodeBytes", scanCodeBytes, "bytes"),
        ("imagePixels", imagePixels, "pixels"),
        ("imageSide", imageSide, "pixels"),
        ("pdfPages", pdfPages, "pages"),
    ]
}
