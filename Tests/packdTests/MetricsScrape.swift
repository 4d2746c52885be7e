import Foundation
import PackTestSupport

/// One read of packd's `GET /metrics` (Prometheus text format), by series.
struct MetricsScrape: CustomStringConvertible {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let samples: [Sample]
    let text: String

    init(_ text: String) {
        self.text = text
        samples = text.split(separator: "\n").compactMap(Self.sample)
    }

    /// `name{a="x",b="y"} 1.5`, or nil for a comment or a line it cannot read.
    private static func sample(_ line: Substring) -> Sample? {
        guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            return nil
        }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
        var labels: [String: String] = [:]
        // packd's label values hold no commas or quotes (printer names, outcomes, states).
        for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }

    /// The value of the series `name` whose labels include `labels`; nil when it is not there.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }?.value
    }

    /// The samples of `name` (every label set).
    func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    var description: String { text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n") }
}

extension RunningPackd {
    func metrics() throws -> MetricsScrape { MetricsScrape(try get("/metrics").text) }

    /// Waits (at most `seconds`) until the series reads what `condition` wants;
    /// returns that scrape. A series not there reads nil.
    @discardableResult
    func waitForMetric(
        _ name: String, _ labels: [String: String] = [:], seconds: Double = 30, _ condition: (Double?) -> Bool
    ) throws -> MetricsScrape {
        var last = MetricsScrape("")
        do {
            try waitUntil("\(name)\(labels.isEmpty ? "" : "\(labels)") as wanted", seconds: seconds) {
                last = try metrics()
                return condition(last.value(name, labels))
            }
        } catch let timeout as PollTimeout {
            throw PollTimeout("\(timeout.description); last read: \(last.all(name).map { "\($0.labels) \($0.value)" })")
        }
        return last
    }

    /// Waits until the series reads exactly `value`.
    @discardableResult
    func waitForMetric(_ name: String, _ labels: [String: String] = [:], equals value: Double, seconds: Double = 30) throws -> MetricsScrape {
        try waitForMetric(name, labels, seconds: seconds) { $0 == value }
    }
}
