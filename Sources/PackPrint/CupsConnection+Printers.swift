import CCups

extension CupsConnection {
    static let printerAttributes = [
        "printer-name", "printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "device-uri",
        "printer-make-and-model", "printer-info", "printer-state-message", "document-format-supported",
    ]

    /// Every queue of this cupsd.
    public func printers() throws(PrintError) -> [PrinterStatus] {
        let request = ippNewRequest(IPP_OP_CUPS_GET_PRINTERS)!
        Self.requestAttributes(request, Self.printerAttributes)
        guard let response = cupsDoRequest(http, request, "/") else {
            throw Self.classify(printer: nil, status: cupsLastError())
        }
        defer { ippDelete(response) }
        let status = ippGetStatusCode(response)
        // CUPS answers not-found when it has no queues at all.
        if status == IPP_STATUS_ERROR_NOT_FOUND { return [] }
        guard status.rawValue < 0x0100 else { throw Self.classify(printer: nil, status: status) }
        return IPPResponse(response).groups(tag: IPP_TAG_PRINTER).compactMap(Self.printerStatus)
    }

    /// One queue; throws `.unknownPrinter` when there is none of that name.
    public func printer(_ name: String) throws(PrintError) -> PrinterStatus {
        let response = try request(IPP_OP_GET_PRINTER_ATTRIBUTES, printer: name) { request in
            Self.requestAttributes(request, Self.printerAttributes)
        }
        guard let group = response.groups(tag: IPP_TAG_PRINTER).first, let status = Self.printerStatus(group) else {
            throw PrintError(.unknownPrinter, printer: name, "CUPS returned no attributes for the queue")
        }
        return status
    }

    static func printerStatus(_ g: IPPResponse.Group) -> PrinterStatus? {
        guard let name = g.string("printer-name") else { return nil }
        let state: PrinterStatus.State =
            switch g.integer("printer-state") {
            case 4: .processing
            case 5: .stopped
            default: .idle
            }
        return PrinterStatus(
            name: name, state: state, reasons: g.strings("printer-state-reasons").filter { $0 != "none" },
            acceptingJobs: g.string("printer-is-accepting-jobs") != "false", deviceURI: g.string("device-uri"),
            makeAndModel: g.string("printer-make-and-model"), info: g.string("printer-info"),
            message: g.string("printer-state-message").flatMap { $0.isEmpty ? nil : $0 }, formats: g.strings("document-format-supported"))
    }

    static func requestAttributes(_ request: OpaquePointer, _ names: [String]) {
        var pointers = names.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { rebound in
                _ = ippAddStrings(
                    request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", Int32(names.count), nil,
                    rebound.baseAddress)
            }
        }
    }
}
