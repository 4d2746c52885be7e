/// A printing failure, in words a warehouse's IT person can act on: which
/// printer, what CUPS said.
public struct PrintError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// cupsd cannot be reached (stopped, wrong socket).
        case serverUnreachable
        /// No such queue.
        case unknownPrinter
        /// The queue refuses jobs (disabled or rejecting).
        case notAccepting
        /// The queue cannot take this document format.
        case unsupportedFormat
        /// The document is larger than packd sends.
        case tooLarge
        /// CUPS refused or failed the request for another reason.
        case cups
    }

    public var kind: Kind
    public var printer: String?
    public var message: String

    public init(_ kind: Kind, printer: String?, _ message: String) {
        self.kind = kind
        self.printer = printer
        self.message = message
    }

    public var description: String { printer.map { "printer \($0): \(message)" } ?? message }
}
