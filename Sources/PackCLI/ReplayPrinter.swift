import PackCore

/// Prints a replay as JSON lines (contracts.md section 3) or as text for people.
struct ReplayPrinter {
    let format: ReplayFormat
    /// Each line is written as soon as it is printed: with a journal, a line
    /// confirms a decision that is on disk, and says so at once.
    var immediate = false

    func print(_ step: ReplaySession.Step) {
        let text =
            switch format {
            case .json: ReplayOutput.line(for: step).serialized()
            case .text: textLine(step)
            }
        if immediate { Output.lineNow(text) } else { Output.line(text) }
    }

    func printSummary(_ session: ReplaySession) {
        switch format {
        case .json:
            Output.line(ReplayOutput.summary(of: session).serialized())
        case .text:
            let shipped = session.events.filter { $0.type == .parcelShipped }
            let intercepted = session.events.filter { $0.type == .orderIntercepted }
            Output.line("")
            Output.line(
                "\(session.seq) scan(s): \(shipped.count) parcel(s) shipped, \(intercepted.count) interception(s), "
                    + "\(session.labelsRequested) label(s) to print.")
            if let open = session.state.open {
                Output.line("Still open at \(session.state.station): \(open.waybill) (\(open.key.orderId)).")
            }
            if let pending = session.state.pendingError {
                Output.line("Waiting for acknowledgement of: \(pending.kind.rawValue).")
            }
            for event in session.events {
                var line = "  event \(event.type.rawValue) \(event.draft.orderId)"
                if let p = event.draft.parcelId { line += " / \(p)" }
                if let items = event.draft.items, !items.isEmpty {
                    line += "  " + items.map { "\($0.sku) x\($0.qty)" }.joined(separator: ", ")
                }
                Output.line(line)
            }
        }
    }

    private func textLine(_ step: ReplaySession.Step) -> String {
        let o = step.decision.outcome
        let mark: String =
            switch o.kind.sound {
            case .complete?: "✔"
            case .intercept?: "⛔"
            case .error?: "✘"
            default: "·"
            }
        let seq = String(step.seq)
        // Control characters (GS in GS1 codes) shown as their Unicode pictures.
        let visible = String(String.UnicodeScalarView(o.code.unicodeScalars.map {
            $0.value < 0x20 ? Unicode.Scalar(0x2400 + $0.value)! : $0
        }))
        let code = visible.count > 22 ? String(visible.prefix(21)) + "…" : visible
        return "\(String(repeating: " ", count: max(0, 4 - seq.count)))\(seq) \(mark) "
            + pad(code, 22) + " " + pad(o.kind.rawValue, 19) + " " + o.message
    }

    private func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
