import Foundation
import PackCore
import PackLabels
import PackTestSupport

/// Labels rendered per second and per-label latency, for the bundled 100x150
/// waybill with a Chinese address, in each format at 203 dpi.
enum LabelBench {
    struct Result {
        var format: LabelFormat
        var samples: Samples
        var bytes: Int
    }

    static func order(_ i: Int) -> Order {
        let lines = [
            OrderLine(sku: "RAZOR-01", name: "剃须刀", qty: 2), OrderLine(sku: "CASE-01", name: "收纳盒", qty: 1),
        ]
        return Order(
            id: "SO-\(100_000 + i)", platform: "taobao", platformOrderId: "33877665\(i)", status: .approved,
            carrier: Carrier(code: "SF", service: "顺丰标快"),
            recipient: Address(
                name: "张伟", phone: "138 0013 \(8000 + i % 1000)", company: "深圳市腾飞贸易有限公司",
                address1: "广东省深圳市南山区科技园南区深南大道10000号", address2: "腾讯大厦12楼\(1200 + i % 100)室",
                city: "深圳", state: "广东", postalCode: "518057", country: "CN"),
            sender: Address(name: "温岭小店", phone: "0576-1234567", address1: "解放路88号", city: "温岭", state: "浙江", postalCode: "317500", country: "CN"),
            remark: "易碎品，轻拿轻放", lines: lines,
            parcels: [
                Parcel(
                    id: "SO-\(100_000 + i)-1", waybill: "SF\(1_234_567_890_000 + i)",
                    lines: lines.map { ParcelLine(sku: $0.sku, qty: $0.qty) },
                    label: .template(name: "waybill-100x150", fields: ["routeCode": "755WF-010"]))
            ])
    }

    /// The label data of `count` different parcels (each label differs, as at a station).
    static func data(_ count: Int) -> [LabelData] {
        (0..<count).map { i in
            let o = order(i)
            return LabelData(
                order: o, parcel: o.parcels[0], printedAt: Timestamp(millisecondsSinceEpoch: 1_795_000_000_000 + Int64(i) * 1000),
                utcOffsetSeconds: 8 * 3600)
        }
    }

    /// packd's ZPL rendered and written to a socket printer over TCP (as CUPS's
    /// socket backend writes), timed from the render's start to the last byte.
    static func toSocketPrinter(labels count: Int) throws -> Samples {
        let printer = try SocketPrinter()
        let template = try TemplateCatalog().template("waybill-100x150")
        let renderer = LabelRenderer()
        var samples = Samples(capacity: count)
        for (i, d) in data(count + 20).enumerated() {
            let start = now()
            let label = try renderer.render(template, data: d, format: .zpl)
            try printer.send(label.bytes)
            let job = try printer.nextJob()
            guard job.bytes == label.bytes else { throw PrinterError("the printer received other bytes") }
            if i >= 20 { samples.add(job.end - start) }
        }
        return samples
    }

    static func run(labels count: Int) throws -> [Result] {
        let template = try TemplateCatalog().template("waybill-100x150")
        let inputs = data(count)
        let renderer = LabelRenderer()
        var results: [Result] = []
        // PACKD_BENCH_FORMATS=zpl,tspl measures only those (for profiling one encoder).
        let only = ProcessInfo.processInfo.environment["PACKD_BENCH_FORMATS"]?.split(separator: ",").map(String.init)
        for format in LabelFormat.allCases where only?.contains(format.rawValue) ?? true {
            // Warm-up: fontconfig, glyph caches, first allocations.
            for d in inputs.prefix(20) { _ = try renderer.render(template, data: d, format: format) }
            var samples = Samples(capacity: count)
            var bytes = 0
            for d in inputs {
                let start = now()
                let label = try renderer.render(template, data: d, format: format)
                samples.add(now() - start)
                bytes = label.bytes.count
            }
            results.append(Result(format: format, samples: samples, bytes: bytes))
        }
        return results
    }
}
