import Foundation

/// Latency samples in nanoseconds and the figures the benchmark reports.
struct Samples {
    private(set) var values: [UInt64] = []

    init(capacity: Int) { values.reserveCapacity(capacity) }

    mutating func add(_ ns: UInt64) { values.append(ns) }

    func percentile(_ p: Double) -> UInt64 {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded(.up))
        return sorted[min(rank, sorted.count - 1)]
    }

    var count: Int { values.count }
    var total: UInt64 { values.reduce(0, +) }
}

/// Monotonic nanoseconds.
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func micros(_ ns: UInt64) -> String { String(format: "%.1f µs", Double(ns) / 1000) }
func millis(_ ns: UInt64) -> String { String(format: "%.2f ms", Double(ns) / 1_000_000) }
func rate(_ count: Int, _ ns: UInt64) -> String {
    String(format: "%.0f/s", Double(count) / (Double(ns) / 1_000_000_000))
}

/// Resident memory of this process, from /proc.
func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kb / 1024
}

/// What the figures were measured on.
func machineDescription() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("model name") }
        .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
    return "\(cpu), \(cores) cores, \(String(format: "%.0f", memory)) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
}
