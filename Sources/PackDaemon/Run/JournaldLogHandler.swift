import Foundation
public import Logging

/// Log lines for journald and for people: one line per event on standard error,
/// with a syslog priority prefix (`<4>`) that journald turns into the entry's
/// priority when standard error is not a terminal, and no prefix (nor colour) on
/// a terminal.
public struct JournaldLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let onTerminal: Bool

    /// `label` (swift-log's logger name) is not written: packd has one logger.
    public init(label: String, onTerminal: Bool? = nil) {
        // PACKD_LOG_LEVEL=debug (trace, debug, info, notice, warning, error).
        if let level = ProcessInfo.processInfo.environment["PACKD_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) {
            logLevel = level
        }
        self.onTerminal = onTerminal ?? (isatty(STDERR_FILENO) == 1)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = onTerminal ? "" : "<\(Self.priority(event.level))>"
        if onTerminal { line += "packd \(event.level): " }
        line += Self.oneLine(event.message.description)
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        for key in all.keys.sorted() {
            line += " \(key)=" + Self.quoted(Self.oneLine(all[key]!.description))
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// syslog(3) priorities.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A message never spans lines: a code or an order field with a line break
    /// would otherwise forge a log entry.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) else { return text }
        return String(
            text.unicodeScalars.map { scalar -> String in
                scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}"
                    ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }.joined())
    }

    static func quoted(_ value: String) -> String {
        value.isEmpty || value.contains(" ") || value.contains("\"") ? "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : value
    }
}
