import CCups
import CLazyLibraries
import Foundation

/// One connection to cupsd (its local socket or host:port). libcups keeps its
/// last error per thread and an `http_t` must not be shared, so a connection
/// belongs to one caller at a time; packd gives each printer worker its own.
public final class CupsConnection {
    let http: OpaquePointer
    public let server: String

    /// Connects to `server` (a socket path or host[:port]); `nil` uses
    /// `$CUPS_SERVER` / client.conf / the local cupsd, as `lp` does.
    public init(server: String? = nil, timeoutMilliseconds: Int32 = 5000) throws(PrintError) {
        try Self.loadLibrary()
        let name = server ?? String(cString: cupsServer())
        self.server = name
        var host = name
        var port = ippPort()
        if !name.hasPrefix("/"), let colon = name.lastIndex(of: ":"), let p = Int32(name[name.index(after: colon)...]) {
            host = String(name[..<colon])
            port = p
        }
        guard
            let http = httpConnect2(host, port, nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, timeoutMilliseconds, nil)
        else {
            throw PrintError(.serverUnreachable, printer: nil, "cannot connect to CUPS at \(name): \(Self.lastError())")
        }
        self.http = http
    }

    deinit { httpClose(http) }

    /// libcups is loaded when packd first talks to CUPS, not at start
    /// (CLazyLibraries); one that cannot be loaded is an error, not a crash.
    static func loadLibrary() throws(PrintError) {
        var reason = [CChar](repeating: 0, count: 512)
        guard packd_lazy_library_load(PACKD_LAZY_CUPS, &reason, UInt(reason.count)) != 0 else { return }
        throw PrintError(
            .serverUnreachable, printer: nil,
            "libcups.so.2 cannot be loaded (\(String(cString: reason))); install libcups2")
    }

    /// The last CUPS error of this thread, as text.
    static func lastError() -> String {
        let text = cupsLastErrorString().map { String(cString: $0) } ?? ""
        return text.isEmpty ? "error \(cupsLastError().rawValue)" : text
    }

    /// Queue names are what lpadmin accepts: printable, no spaces, `/` or `#`.
    static func checkName(_ printer: String) throws(PrintError) {
        let bad = printer.isEmpty || printer.utf8.count > 127
            || printer.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || $0 == "/" || $0 == "#" }
        if bad { throw PrintError(.unknownPrinter, printer: printer, "not a CUPS queue name") }
    }

    static func printerURI(_ printer: String) -> String { "ipp://localhost/printers/\(printer)" }

    /// Sends an IPP request and returns the response's attribute groups; throws
    /// when CUPS answers with an error.
    func request(_ operation: ipp_op_t, printer: String, build: (OpaquePointer) -> Void) throws(PrintError) -> IPPResponse {
        try Self.checkName(printer)
        let request = ippNewRequest(operation)!
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, Self.printerURI(printer))
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nil, cupsUser())
        build(request)
        // cupsDoRequest frees the request.
        guard let response = cupsDoRequest(http, request, "/") else {
            throw Self.classify(printer: printer, status: cupsLastError())
        }
        defer { ippDelete(response) }
        let status = ippGetStatusCode(response)
        guard status.rawValue < 0x0100 else { throw Self.classify(printer: printer, status: status) }
        return IPPResponse(response)
    }

    static func classify(printer: String?, status: ipp_status_t) -> PrintError {
        let message = lastError()
        switch status {
        case IPP_STATUS_ERROR_NOT_FOUND: return PrintError(.unknownPrinter, printer: printer, "CUPS has no such queue (\(message))")
        case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
            return PrintError(.notAccepting, printer: printer, "the queue is not accepting jobs (\(message))")
        case IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED:
            return PrintError(.unsupportedFormat, printer: printer, "the queue cannot print this format (\(message))")
        case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE, IPP_STATUS_ERROR_INTERNAL where message.contains("connect"):
            return PrintError(.serverUnreachable, printer: printer, "CUPS is unavailable (\(message))")
        default: return PrintError(.cups, printer: printer, message)
        }
    }
}
