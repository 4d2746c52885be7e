import Logging
import NIOCore
public import PackCore
public import PackStore
import PostgresNIO

/// The print queue in the shared store: each packd works only on the jobs it
/// queued for its own printers (printer names repeat from PC to PC).
extension PostgresJournal {
    private static let jobColumns = """
        seq, id, printer, station, order_id, parcel_id, reprint, format, document, state, cups_job_id, attempts,
        last_error, created_at, updated_at
        """

    /// How one of this packd's stations prints on approval, for the fleet to see.
    public struct StationPrinting: Sendable, Equatable {
        public var station: String
        /// nil: the station does not print on approval.
        public var target: ApprovalPrinting.Target?

        public init(station: String, target: ApprovalPrinting.Target?) {
            self.station = station
            self.target = target
        }
    }

    /// Tells the fleet which stations this packd has and where their labels print
    /// on approval, so that an order arriving at any packd prints here. A station
    /// of another packd that is connected now is refused (`stationInUse`); one of
    /// a packd that is gone (a PC replaced or renamed) is taken over. Returns the
    /// stations taken over, with their old packd.
    @discardableResult
    public func registerStations(_ stations: [StationPrinting], at time: Timestamp) async throws -> [(station: String, from: String)] {
        let node = self.node
        let logger = self.logger
        let at = time.millisecondsSinceEpoch
        let names = stations.map(\.station)
        return try await transaction { db in
            var taken: [(station: String, from: String)] = []
            for try await (station, other) in try await db.checkedQuery(
                "SELECT station, node FROM station_printers WHERE station = ANY(\(names)) AND node <> \(node) FOR UPDATE",
                logger: logger
            ).decode((String, String).self) {
                taken.append((station, other))
            }
            // Two stations of one id would be one station to the store: either could
            // ship what the other opened. Only a packd that is gone gives one up. A
            // live packd's delivery lease session speaks every second or two
            // (FleetDeliveryLease); a switched-off PC's sessions linger silent
            // until the server's keepalives end them, possibly hours later.
            for (station, other) in taken {
                let session = Self.applicationName(node: other)
                for try await _ in try await db.checkedQuery(
                    """
                    SELECT 1 FROM pg_stat_activity
                    WHERE application_name = \(session) AND (state = 'active' OR state_change > now() - interval '10 seconds')
                    LIMIT 1
                    """, logger: logger
                ).decode(Int32.self) {
                    throw FleetStoreError.stationInUse(station: station, node: other)
                }
            }
            try await db.checkedQuery(
                "DELETE FROM station_printers WHERE node = \(node) OR station = ANY(\(names))", logger: logger)
            for entry in stations {
                let target = entry.target
                try await db.checkedQuery(
                    """
                    INSERT INTO station_printers (station, node, printer, format, on_approval, updated_at)
                    VALUES (\(entry.station), \(node), \(target?.printer), \(target?.format), \(target != nil), \(at))
                    """, logger: logger)
            }
            return taken
        }
    }

    /// A label queued on approval for this packd, with why (another packd
    /// received its order); nil when it is not this packd's or is gone.
    public func approvalLabel(jobId: String) async throws -> ApprovalLabel? {
        guard let job = try await jobs("SELECT \(Self.jobColumns) FROM print_jobs WHERE id = $1 AND node = $2", [jobId, node]).first
        else { return nil }
        let logger = self.logger
        let reason = try await read { db in
            try await db.checkedQuery("SELECT reason FROM approval_labels WHERE job_id = \(jobId)", logger: logger)
                .decode(String.self).first { _ in true }
        }
        return reason.map { ApprovalLabel(request: job.request, reason: $0) }
    }

    public func enqueuePrint(_ requests: [PrintRequest]) async throws {
        let node = self.node
        let logger = self.logger
        try await transaction { db in
            for request in requests { try await FleetPrintJobWriter.insert(request, node: node, to: db, logger: logger) }
        }
    }

    /// The printer's oldest unfinished job: the one to work on (FIFO per printer).
    public func nextPrintJob(printer: String) async throws -> PrintJob? {
        try await jobs(
            """
            SELECT \(Self.jobColumns) FROM print_jobs WHERE node = $1 AND printer = $2 AND state IN ('queued', 'sent')
            ORDER BY seq LIMIT 1
            """, [node, printer]
        ).first
    }

    public func printJob(id: String) async throws -> PrintJob? {
        try await jobs("SELECT \(Self.jobColumns) FROM print_jobs WHERE id = $1", [id]).first
    }

    /// This packd's jobs, newest last; one printer's or all.
    public func printJobs(printer: String?, limit: Int) async throws -> [PrintJob] {
        let limit = String(max(0, min(limit, 1_000_000)))
        let found =
            if let printer {
                try await jobs(
                    "SELECT \(Self.jobColumns) FROM print_jobs WHERE node = $1 AND printer = $2 ORDER BY seq DESC LIMIT \(limit)",
                    [node, printer])
            } else {
                try await jobs(
                    "SELECT \(Self.jobColumns) FROM print_jobs WHERE node = $1 ORDER BY seq DESC LIMIT \(limit)", [node])
            }
        return found.reversed()
    }

    public func lastPrintSeq() async throws -> Int {
        try await integer("SELECT COALESCE(max(seq), 0) FROM print_jobs WHERE node = $1", [node])
    }

    public func lastCupsJobId(printer: String) async throws -> Int {
        try await integer(
            "SELECT COALESCE(max(cups_job_id), 0)::bigint FROM print_jobs WHERE node = $1 AND printer = $2", [node, printer])
    }

    public func printQueueDepths() async throws -> [String: Int] {
        let logger = self.logger
        let node = self.node
        return try await read { db in
            var depths: [String: Int] = [:]
            for try await (printer, count) in try await db.checkedQuery(
                """
                SELECT printer, count(*) FROM print_jobs WHERE node = \(node) AND state IN ('queued', 'sent') GROUP BY printer
                """, logger: logger
            ).decode((String, Int64).self) {
                depths[printer] = Int(count)
            }
            return depths
        }
    }

    /// Moves a job to `state`, with the event it raises in the same transaction.
    /// A job cancelled meanwhile stays cancelled: returns false.
    @discardableResult
    public func updatePrintJob(
        id: String, state: PrintJobState, cupsJobId: Int?, attempts: Int, error: String?, at time: Timestamp,
        event: OutboundEvent?
    ) async throws -> Bool {
        let logger = self.logger
        let node = self.node
        let mode = self.mode
        let cups = cupsJobId.map { Int32(clamping: $0) }
        let tries = Int32(clamping: attempts)
        let at = time.millisecondsSinceEpoch
        return try await transaction { db in
            var updated = false
            for try await _ in try await db.checkedQuery(
                """
                UPDATE print_jobs SET state = \(state.rawValue), cups_job_id = \(cups), attempts = \(tries),
                    last_error = \(error), updated_at = \(at)
                WHERE id = \(id) AND state <> 'cancelled' RETURNING 1
                """, logger: logger
            ).decode(Int32.self) {
                updated = true
            }
            guard updated else {
                var exists = false
                for try await _ in try await db.checkedQuery("SELECT 1 FROM print_jobs WHERE id = \(id)", logger: logger).decode(Int32.self) {
                    exists = true
                }
                guard exists else { throw JournalError.corrupt("no print job \(id)") }
                return false
            }
            if let event { try await FleetOutboxWriter.append(event, node: node, mode: mode, to: db, logger: logger) }
            return true
        }
    }

    private func jobs(_ sql: String, _ values: [String]) async throws -> [PrintJob] {
        let logger = self.logger
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read { db in
            var found: [PrintJob] = []
            let rows = try await db.checkedQuery(query, logger: logger)
            for try await row in rows {
                let (seq, id, printer, station, order, parcel, reprint, format) = try row.decode(
                    (Int64, String, String, String?, String?, String?, Bool, String).self)
                let columns = row.makeRandomAccess()
                let document = try columns[8].decode(ByteBuffer?.self)
                let state = try columns[9].decode(String.self)
                let cups = try columns[10].decode(Int32?.self)
                let attempts = try columns[11].decode(Int32.self)
                let lastError = try columns[12].decode(String?.self)
                let created = try columns[13].decode(Int64.self)
                let updated = try columns[14].decode(Int64.self)
                guard let jobState = PrintJobState(rawValue: state) else { throw JournalError.corrupt("print_jobs.state \(state)") }
                found.append(
                    PrintJob(
                        request: PrintRequest(
                            id: id, printer: printer, station: station, orderId: order, parcelId: parcel, reprint: reprint,
                            format: format, document: document.map { Array($0.readableBytesView) },
                            createdAt: Timestamp(millisecondsSinceEpoch: created)),
                        seq: Int(seq), state: jobState, cupsJobId: cups.map(Int.init), attempts: Int(attempts),
                        lastError: lastError, updatedAt: Timestamp(millisecondsSinceEpoch: updated)))
            }
            return found
        }
    }

    func integer(_ sql: String, _ values: [String]) async throws -> Int {
        let logger = self.logger
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read { db in
            var value: Int64 = 0
            for try await n in try await db.checkedQuery(query, logger: logger).decode(Int64.self) { value = n }
            return Int(value)
        }
    }
}
