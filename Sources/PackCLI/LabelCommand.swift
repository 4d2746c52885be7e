import ArgumentParser
import Foundation
import PackCore
import PackDaemon
import PackLabels

struct LabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Render shipping labels; list label templates.",
        subcommands: [Render.self, Templates.self]
    )

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render one parcel's label as ZPL, TSPL, PDF or PNG.",
            discussion: """
                The order file holds one order (or {"orders": [...]} / an array; then --parcel picks it). \
                Without --template, the parcel's own label.template is used, and a carrier document \
                (label.document) is converted to the format asked for (docs/labels.md).
                """
        )

        @Option(help: "A template name (see `packd label templates`) or a template file.")
        var template: String?

        @Option(help: "The order JSON file.")
        var order: String

        @Option(help: "The parcel id or waybill (default: the order's only or first parcel).")
        var parcel: String?

        @Option(help: "zpl, tspl, pdf or png.")
        var format: LabelFormatArgument

        @Option(help: "203 or 300 (default: the template's).")
        var dpi: Int?

        @Option(name: .shortAndLong, help: "Write here instead of stdout (- is stdout).")
        var output: String?

        @Option(help: "The print time shown on the label (RFC 3339; default: now).")
        var at: String?

        @Option(help: "Hours east of UTC for the print time shown (default: this machine's zone).")
        var utcOffset: Double?

        @Flag(help: "Mark the label as a reprint.")
        var reprint = false

        @Option(help: "The configuration file (TOML), for [labels] templates.")
        var config: String?

        func run() async throws {
            let cfg = try StateOptions.loadConfig(config)
            let (order, parcel) = try LabelOrderFile.parcel(path: order, parcel: parcel)
            let printedAt = try at.map { text -> Timestamp in
                guard let t = Timestamp(rfc3339: text) else { throw CLIError("--at: not an RFC 3339 time: \(text)") }
                return t
            } ?? WallClock.now()
            if let utcOffset, !(-14...14).contains(utcOffset) {
                throw CLIError("--utc-offset: hours east of UTC, from -14 to 14, not \(utcOffset)")
            }
            let offset = utcOffset.map { Int(($0 * 3600).rounded()) } ?? TimeZone.current.secondsFromGMT()
            let data = LabelData(order: order, parcel: parcel, printedAt: printedAt, utcOffsetSeconds: offset, reprint: reprint)
            let catalog = cfg.templateCatalog
            let label: RenderedLabel
            do {
                label = try LabelSource(catalog: catalog).render(
                    parcel: parcel, templateOverride: template, data: data, format: format.value, dpi: dpi)
            } catch {
                throw CLIError("parcel \(parcel.id): no label rendered:\n\(error)")
            }
            for warning in label.warnings {
                FileHandle.standardError.write(Data("packd: warning: \(warning)\n".utf8))
            }
            if let output, output != "-" {
                try OutputFile.write(label.bytes, to: output)
            } else {
                Output.flush()
                FileHandle.standardOutput.write(Data(label.bytes))
            }
        }
    }

    struct Templates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the bundled and configured label templates.")

        @Option(help: "The configuration file (TOML), for [labels] templates.")
        var config: String?

        func run() async throws {
            let cfg = try StateOptions.loadConfig(config)
            let catalog = cfg.templateCatalog
            let entries: [TemplateCatalog.Entry]
            do { entries = try catalog.all() } catch { throw CLIError("\(error)") }
            for entry in entries {
                let t = entry.template
                Output.line(
                    "\(t.name)\t\(t.sizeName)\t\(t.dpi) dpi\t\(t.elements.count) elements\t\(entry.source)"
                        + (t.description.map { "\t\($0)" } ?? ""))
            }
        }
    }
}

struct LabelFormatArgument: ExpressibleByArgument {
    var value: LabelFormat
    init?(argument: String) {
        guard let v = LabelFormat(rawValue: argument.lowercased()) else { return nil }
        value = v
    }
    static var allValueStrings: [String] { LabelFormat.allCases.map(\.rawValue) }
}

/// Finds the parcel to label in an order file.
enum LabelOrderFile {
    static func parcel(path: String, parcel wanted: String?) throws -> (Order, Parcel) {
        let bytes = try InputFile.read(path, what: "order")
        let orders: [Order]
        do {
            let document = try JSONParser.parse(bytes)
            if case .object(let members) = document, members["orders"] == nil {
                orders = [try OrderDecoder().decodeOrder(document)]
            } else {
                orders = try OrderDecoder().decodeDocument(document)
            }
        } catch let error as JSONSyntaxError {
            // One value that cannot be read is named by its field, as in `orders import`.
            if let field = error.orderFieldPath {
                throw CLIError("\(path): \(field): \(error.message) (\(error.position))")
            }
            throw CLIError("\(path): \(error)")
        } catch {
            throw CLIError("\(path): \(error)")
        }
        for order in orders {
            for parcel in order.parcels {
                if let wanted {
                    if parcel.id == wanted || parcel.waybill.lowercased() == wanted.lowercased() { return (order, parcel) }
                } else {
                    return (order, parcel)
                }
            }
        }
        throw CLIError("\(path): " + (wanted.map { "no parcel \($0)" } ?? "no parcel"))
    }
}
