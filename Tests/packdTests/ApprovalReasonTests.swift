import Foundation
import PackTestSupport
import Testing

extension DaemonPrintTests {
    /// docs/daemon.md "Printing on approval": a changed label (same waybill) prints
    /// once as "label changed"; refunded while that label waits in packd's own
    /// queue (CUPS down), it never prints; approved again afterwards, it prints
    /// once as "approved again". Checked after the queue has been quiet.
    @Test(.timeLimit(.minutes(3)))
    func aChangedLabelARefundAndASecondApprovalEachPrintWhatTheyShould() throws {
        let (cups, printer, packd) = try station()
        func order(route: String, status: String = "approved") -> String {
            TestOrder.labelled("A", waybill: "YTA1", station: "pack-02", status: status).json
                .replacingOccurrences(of: "SZX-HGH", with: route)
        }
        func labels() throws -> [[String: Any]] {
            let parcels = jsonObject(try packd.get("/v1/orders/A"))["parcels"] as? [[String: Any]] ?? []
            return parcels.first?["labels"] as? [[String: Any]] ?? []
        }
        #expect(try packd.post("/v1/orders", order(route: "SZX-HGH")).status == 200)
        let first = try printer.nextJob(timeout: 60).bytes
        try Self.waitForLabel(packd, order: "A", state: "completed")

        // The same waybill with another route code: a new label, once.
        #expect(try packd.post("/v1/orders", order(route: "CAN-PEK")).status == 200)
        #expect(try packd.post("/v1/orders", order(route: "CAN-PEK")).status == 200)
        let changed = try printer.nextJob(timeout: 60).bytes
        #expect(changed != first, "the changed label printed the old one")
        #expect(String(decoding: changed, as: UTF8.self).contains("YTA1"))
        try Self.waitForLabel(packd, order: "A", state: "completed")

        // Changed again while CUPS is down, then refunded: that label waits in
        // packd's queue and is cancelled there.
        cups.stop()
        #expect(try packd.post("/v1/orders", order(route: "PVG-CTU")).status == 200)
        try Self.waitForLabel(packd, order: "A", state: "queued")
        let refunded = try packd.post("/v1/orders", order(route: "PVG-CTU", status: "refunded"))
        #expect((jsonObject(refunded)["cancelledLabels"] as? [Any])?.count == 1, "\(refunded.text)")
        try cups.start()

        // The refund undone by the ERP: the same label, approved again, prints once.
        #expect(try packd.post("/v1/orders", order(route: "PVG-CTU")).status == 200)
        #expect(try packd.post("/v1/orders", order(route: "PVG-CTU")).status == 200)
        let again = try printer.nextJob(timeout: 60).bytes
        #expect(again != changed && again != first)
        try Self.waitForLabel(packd, order: "A", state: "completed")
        #expect(try printer.jobsOnceQuiet().count == 3, "a label printed twice, or the refunded one came out")

        let history = try labels()
        #expect(history.map { $0["reason"] as? String } == ["approved", "label changed", "label changed", "approved again"])
        #expect(history.map { $0["state"] as? String } == ["completed", "completed", "cancelled", "completed"])
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(4000))")
    }
}
