public import PackCore
import PackLabels
public import PackPrint
public import PackStore
import Foundation

/// Works one printer's queue in the journal, oldest first, one job at a time:
/// a label is marked completed only when CUPS says so, and after any crash the
/// job is resubmitted only when CUPS provably does not have it. The CUPS job name
/// (`packd-<id>`) is on disk from the moment the label is queued, so a job that
/// an earlier packd process may have submitted is looked up by that name first;
/// jobs queued while this worker runs are submitted straight away (no extra write
/// or lookup on the way to the printer).
public actor PrintWorker {
    public struct Policy: Sendable {
        /// Submissions of one label before it is `failed` (label.failed raised).
        public var maxAttempts = 5
        /// Waits between retries: doubles from `retryDelay` up to `maxRetryDelay`.
        public var retryDelay: Duration = .milliseconds(500)
        public var maxRetryDelay: Duration = .seconds(30)
        /// How soon a job just handed to CUPS is first asked about; each later look
        /// waits twice as long, up to `maxPollInterval`: a raw queue completes a
        /// label within a few looks, a stopped queue is asked once a second, not
        /// twenty times (issue 23's count: docs/printers.md).
        public var pollInterval: Duration = .milliseconds(50)
        public var maxPollInterval: Duration = .seconds(1)
        /// While a job waits in CUPS, the printer's own state is asked at most this often.
        public var statusInterval: Duration = .seconds(1)
        /// A job CUPS calls printing while its printer sits idle this long is
        /// one CUPS lost track of (seen after cupsd is stopped mid-job).
        public var stuckAfter: Duration = .seconds(30)
        /// A CUPS job created ahead (`anticipate`) whose label never came (its
        /// decision's commit failed) is cancelled after this long; one nobody
        /// cancels, cupsd aborts after its MultipleOperationTimeout. It prints
        /// nothing meanwhile, and holds up no other job.
        public var anticipationLifetime: Duration = .seconds(5)

        public init() {}

        /// The retry settings of a printer profile.
        public init(profile: PrinterProfile) {
            maxAttempts = profile.maxAttempts
            retryDelay = .milliseconds(profile.retryDelayMs)
        }
    }

    /// A request's label as printer bytes.
    public struct Document: Sendable {
        public var format: DocumentFormat
        public var bytes: [UInt8]
        /// Rendered before the job was queued (`PreparedLabels`): taken without
        /// the wait of a render.
        public var renderedAhead: Bool

        public init(format: DocumentFormat, bytes: [UInt8], renderedAhead: Bool = false) {
            self.format = format
            self.bytes = bytes
            self.renderedAhead = renderedAhead
        }
    }

    /// Turns a request without a document into printer bytes.
    public typealias Renderer = @Sendable (PrintRequest) async throws -> Document

    public let printer: String
    public let queue: String
    private let journal: any DaemonJournal
    private let lane: CupsLane
    private let policy: Policy
    private let render: Renderer
    private let now: @Sendable () -> Timestamp
    private let board: PrinterBoard?
    /// Told of every state a job moves to (the station display, metrics).
    public typealias Observer = @Sendable (_ jobId: String, _ state: PrintJobState, _ error: String?) async -> Void
    private let observer: Observer?
    /// Told once when CUPS starts processing a job (the API's `printing`).
    public typealias PrintingObserver = @Sendable (_ jobId: String) async -> Void
    private let onPrinting: PrintingObserver?
    private var printingReported: String?
    private var ids = ULIDGenerator(rng: SystemRandomNumberGenerator())
    private var retries = 0
    /// When the job at the head was first seen processing on an idle printer.
    private var idleSince: (job: String, at: ContinuousClock.Instant)?
    /// Jobs up to this sequence number were queued before this worker started:
    /// an earlier process may have handed them to CUPS.
    private var startSeq: Int?
    /// Old jobs already looked up in CUPS and found absent.
    private var checked: Set<String> = []
    /// What the printer last said about itself, for the station display.
    public private(set) var status: PrinterStatus?
    private var lastStatusAt: ContinuousClock.Instant?
    /// Why CUPS keeps the job in hand waiting (its backend's words), if it does.
    private var stalledBecause: String?
    /// A CUPS job created for a label while the decision that queues it is made
    /// durable (`anticipate`): asking CUPS about the queue and creating the job
    /// is most of what CUPS takes before a label prints, and it runs beside the
    /// commit's fsync instead of after it. The label is its document once queued.
    private var anticipated: (id: String, cupsJob: Task<Int?, Never>, at: ContinuousClock.Instant)?
    /// Whether the queue was empty when last read: only then is a label about to
    /// be queued the next one this worker sends.
    private var queueSeenEmpty = false
    /// The job this worker handed to CUPS and follows there. Should it leave the
    /// queue without this worker moving it, its order was cancelled (or its label
    /// replaced) while CUPS held it: CUPS would print it once the queue resumes, so
    /// it is cancelled there (contracts.md section 6).
    private var following: (id: String, cupsId: Int)?
    /// Cancelled jobs CUPS still holds, whose cancellation in CUPS failed (CUPS
    /// unreachable): tried again at each look at the queue.
    private var toTakeBack: [(id: String, cupsId: Int)] = []
    /// How many times the job followed has been asked about, for the poll's backoff.
    private var looks: (id: String, count: Int)?
    /// When the queue's head may be looked at again (nil: at once).
    private var resumeAt: ContinuousClock.Instant?

    public init(
        printer: String, queue: String, journal: any DaemonJournal, lane: CupsLane, policy: Policy = Policy(),
        render: @escaping Renderer, now: @escaping @Sendable () -> Timestamp, board: PrinterBoard? = nil,
        observer: Observer? = nil, onPrinting: PrintingObserver? = nil
    ) {
        self.board = board
        self.observer = observer
        self.onPrinting = onPrinting
        self.printer = printer
        self.queue = queue
        self.journal = journal
        self.lane = lane
        self.policy = policy
        self.render = render
        self.now = now
    }

    /// Works until the queue is empty or `deadline` passes; returns whether it is empty.
    public func drain(until deadline: ContinuousClock.Instant) async throws -> Bool {
        if startSeq == nil {
            startSeq = try await journal.lastPrintSeq()
            try await findCancelledInCups()
        }
        await dropStaleAnticipation()
        while ContinuousClock.now < deadline {
            // The wait a job in CUPS asked for outlives one call (the caller calls
            // again each second): a call must not look at it again at once.
            if let resume = resumeAt, resume > .now {
                try await Task.sleep(until: min(resume, deadline))
                if ContinuousClock.now < resume { continue }
            }
            resumeAt = nil
            let next = try await journal.nextPrintJob(printer: printer)
            if let followed = following, followed.id != next?.request.id {
                following = nil
                if try await journal.printJob(id: followed.id)?.state == .cancelled { toTakeBack.append(followed) }
            }
            await takeBackCancelled()
            guard let job = next else {
                queueSeenEmpty = true
                return true
            }
            queueSeenEmpty = false
            if let wait = try await step(job) { resumeAt = .now + wait }
        }
        return try await journal.nextPrintJob(printer: printer) == nil
    }

    /// One move of the job at the head of the queue; returns how long to wait
    /// before the next move (nil: go on at once).
    func step(_ job: PrintJob) async throws -> Duration? {
        switch job.state {
        case .queued: return try await submit(job)
        case .sent: return try await follow(job)
        default: return nil
        }
    }

    /// A label decided and being made durable, to be queued on this printer: when
    /// the queue is empty (so it will be the next label sent), its CUPS job is
    /// created now. Returns at once, saying whether it is being created.
    @discardableResult
    public func anticipate(_ request: PrintRequest) -> Bool {
        guard queueSeenEmpty, anticipated == nil, request.printer == printer else { return false }
        let lane = self.lane
        let queue = self.queue
        let name = request.jobName
        let format = DocumentFormat(LabelFormat(rawValue: request.format) ?? .zpl)
        let cupsJob = Task {
            try? await lane.call { c throws(PrintError) in try c.createJob(printer: queue, jobName: name, format: format) }
        }
        anticipated = (request.id, cupsJob, .now)
        return true
    }

    /// The label anticipated will not be queued (its decision's commit failed):
    /// its CUPS job is cancelled.
    public func abandon(_ id: String) async {
        guard let anticipation = anticipated, anticipation.id == id else { return }
        anticipated = nil
        await cancel(anticipation.cupsJob)
    }

    /// Jobs cancelled while CUPS held them and this worker did not run (a packd
    /// stopped or killed between the cancellation and its look at the queue): the
    /// recent ones are asked about once at start.
    private func findCancelledInCups() async throws {
        for job in try await journal.printJobs(printer: printer, limit: 200)
        where job.state == .cancelled && job.cupsJobId != nil {
            toTakeBack.append((job.request.id, job.cupsJobId!))
        }
    }

    /// Cancels in CUPS the cancelled jobs it still holds; a job CUPS has finished
    /// (printed before the cancellation reached it, or cancelled already) is left.
    private func takeBackCancelled() async {
        guard !toTakeBack.isEmpty else { return }
        let queue = self.queue
        var unreachable: [(id: String, cupsId: Int)] = []
        for job in toTakeBack {
            let status: JobStatus
            do {
                status = try await lane.call { c throws(PrintError) in try c.job(printer: queue, id: job.cupsId) }
            } catch where error.kind == .serverUnreachable {
                unreachable.append(job)
                continue
            } catch {
                continue  // CUPS no longer knows it: nothing is left to print
            }
            guard !status.state.isFinal else { continue }
            do {
                try await lane.call { c throws(PrintError) in try c.cancel(printer: queue, id: job.cupsId) }
                await observer?(job.id, .cancelled, "cancelled in CUPS (\(queue)-\(job.cupsId)) before it printed")
            } catch {
                unreachable.append(job)
            }
        }
        toTakeBack = unreachable
    }

    private func dropStaleAnticipation() async {
        guard let anticipation = anticipated, ContinuousClock.now - anticipation.at > policy.anticipationLifetime else { return }
        anticipated = nil
        await cancel(anticipation.cupsJob)
    }

    private func cancel(_ cupsJob: Task<Int?, Never>) async {
        guard let id = await cupsJob.value else { return }
        let queue = self.queue
        _ = try? await lane.call { c throws(PrintError) in try c.cancel(printer: queue, id: id) }
    }

    /// The CUPS job created ahead for `id`, if any (nil also when creating it failed).
    private func takeAnticipated(_ id: String) async -> Int? {
        guard let anticipation = anticipated, anticipation.id == id else { return nil }
        anticipated = nil
        return await anticipation.cupsJob.value
    }

    private func submit(_ job: PrintJob) async throws -> Duration? {
        let request = job.request
        // Queued before this worker started: an earlier process may have handed it
        // to CUPS. (One anticipated here is in CUPS, and known.)
        if job.seq <= startSeq ?? 0, !checked.contains(request.id), anticipated?.id != request.id {
            switch try await lookUp(job) {
            case .adopted: return nil
            case .unanswered(let wait): return wait
            case .absent: checked.insert(request.id)
            }
        }
        let format: DocumentFormat
        let document: [UInt8]
        var renderedAhead = false
        do {
            if let bytes = request.document {
                format = DocumentFormat(LabelFormat(rawValue: request.format) ?? .zpl)
                document = bytes
            } else {
                let rendered = try await render(request)
                (format, document, renderedAhead) = (rendered.format, rendered.bytes, rendered.renderedAhead)
            }
        } catch {
            await abandon(request.id)
            return try await fail(job, "the label cannot be rendered: \(error)")
        }
        // Its order may have been cancelled while the label rendered (with a shared
        // store, through another packd): once in CUPS a raw queue prints it within
        // milliseconds, too fast to take back. A label rendered ahead was taken as
        // fast as this look would be: the job was read just before.
        if !renderedAhead, try await journal.printJob(id: request.id)?.state == .cancelled {
            await abandon(request.id)
            await observer?(request.id, .cancelled, "cancelled before it was sent")
            return nil
        }
        let attempts = job.attempts + 1
        let queue = self.queue
        let name = request.jobName
        let created = await takeAnticipated(request.id)
        let submitted: Result<Int, PrintError>
        do {
            submitted = .success(
                try await lane.call { c throws(PrintError) in
                    guard let created else { return try c.submit(printer: queue, jobName: name, format: format, document: document) }
                    try c.sendDocument(printer: queue, id: created, jobName: name, format: format, document: document)
                    return created
                })
        } catch {
            submitted = .failure(error)
        }
        switch submitted {
        case .success(let id):
            try await move(id: request.id, state: .sent, cupsJobId: id, attempts: attempts, error: nil, at: now())
            retries = 0
            // cupsd is single-threaded: asking about the job at once would compete
            // with it starting the job's backend.
            return policy.pollInterval
        case .failure(let error):
            switch error.kind {
            case .unsupportedFormat, .tooLarge:
                return try await fail(job, error.description, attempts: attempts)
            case .serverUnreachable:
                // Not the label's fault: the attempt does not count.
                try await requeue(job, attempts: job.attempts, error: error.description)
            default:
                if attempts >= policy.maxAttempts { return try await fail(job, error.description, attempts: attempts) }
                try await requeue(job, attempts: attempts, error: error.description)
            }
            await refreshStatus()
            return backoff()
        }
    }

    private enum Lookup {
        /// CUPS has it; the journal now says sent, with its CUPS id.
        case adopted
        /// CUPS provably does not have it (or had only a document-less shell, now
        /// cancelled): it may be submitted.
        case absent
        /// CUPS could not be asked; try again after the wait.
        case unanswered(Duration)
    }

    /// Asks CUPS for the job by its name, among the printer's jobs newer than the
    /// last one recorded, for a job a crash may have left in CUPS unrecorded.
    private func lookUp(_ job: PrintJob) async throws -> Lookup {
        let queue = self.queue
        let name = job.request.jobName
        let after = try await journal.lastCupsJobId(printer: printer)
        let found: JobStatus?
        do {
            found = try await lane.call { c throws(PrintError) in try c.job(printer: queue, named: name, after: after) }
        } catch {
            await refreshStatus()
            return .unanswered(backoff())
        }
        guard let found, found.state != .canceled, found.state != .aborted else { return .absent }
        if found.reasons.contains("job-incoming"), !found.state.isFinal {
            // Created but its document never arrived (killed mid-submission): it
            // would wait forever. Cancel it; the label goes again, whole.
            _ = try? await lane.call { c throws(PrintError) in try c.cancel(printer: queue, id: found.id) }
            return .absent
        }
        try await move(
            id: job.request.id, state: .sent, cupsJobId: found.id, attempts: max(job.attempts, 1), error: nil, at: now())
        return .adopted
    }

    /// A sent job CUPS no longer knows by its id.
    private func recover(_ job: PrintJob) async throws -> Duration? {
        switch try await lookUp(job) {
        case .adopted: return nil
        case .unanswered(let wait): return wait
        case .absent:
            try await requeue(job, attempts: job.attempts, error: job.lastError)
            return nil
        }
    }

    private func follow(_ job: PrintJob) async throws -> Duration? {
        guard let cupsId = job.cupsJobId else { return try await recover(job) }
        following = (job.request.id, cupsId)
        let queue = self.queue
        let state: JobStatus
        do {
            state = try await lane.call { c throws(PrintError) in try c.job(printer: queue, id: cupsId) }
        } catch where error.kind == .serverUnreachable {
            await refreshStatus()
            return backoff()
        } catch {
            // CUPS answers but no longer knows the job (its spool was lost): look up by name.
            return try await recover(job)
        }
        stalledBecause = state.stallReason
        switch state.state {
        case .completed:
            try await move(
                id: job.request.id, state: .completed, cupsJobId: cupsId, attempts: job.attempts, error: nil, at: now(),
                event: event(.labelPrinted, job, reason: nil))
            retries = 0
            // The printer printed: whatever it needed before, it has had.
            if let last = status, !last.conditions.isEmpty || !last.acceptingJobs { await refreshStatus() }
            return nil
        case .aborted, .canceled:
            let why = "CUPS \(state.state == .aborted ? "aborted" : "cancelled") the job (\(state.reasons.joined(separator: ", ")))"
            if job.attempts >= policy.maxAttempts { return try await fail(job, why, attempts: job.attempts) }
            try await requeue(job, attempts: job.attempts, error: why)
            return backoff()
        default:
            await refreshStatus(ifOlderThan: policy.statusInterval)
            // After cupsd is stopped mid-job it can come back with the job "pending,
            // job-printing" (or processing) on an idle printer "waiting for the job
            // to complete", with no backend left to complete it.
            let printerIdle = status.map { $0.state == .idle || $0.reasons.contains("cups-waiting-for-job-completed") } ?? false
            let printing = state.state == .processing || state.reasons.contains("job-printing")
            if printing, printingReported != job.request.id {
                printingReported = job.request.id
                await onPrinting?(job.request.id)
            }
            if printing, printerIdle {
                if let since = idleSince, since.job == job.request.id {
                    if ContinuousClock.now - since.at > policy.stuckAfter { return try await abandonStuck(job, cupsId: cupsId) }
                } else {
                    idleSince = (job.request.id, ContinuousClock.now)
                }
            } else {
                idleSince = nil
            }
            return nextLook(at: job.request.id)
        }
    }

    /// The wait before the next look at a job CUPS holds: doubling from
    /// `pollInterval` to `maxPollInterval`.
    private func nextLook(at id: String) -> Duration {
        let count = looks?.id == id ? looks!.count + 1 : 1
        looks = (id, count)
        var wait = policy.pollInterval
        for _ in 1..<min(count, 32) where wait < policy.maxPollInterval { wait *= 2 }
        return min(wait, policy.maxPollInterval)
    }

    /// CUPS says the job is printing but its printer is idle, and stays so: it
    /// lost track (cupsd stopped while the backend was finishing). The printer may
    /// well have the label, so it is not sent again: the CUPS job is cancelled so
    /// that it cannot print later, and the label is `failed` (label.failed, stays
    /// available to reprint) with a reason that says to check the parcel.
    private func abandonStuck(_ job: PrintJob, cupsId: Int) async throws -> Duration? {
        let queue = self.queue
        _ = try? await lane.call { c throws(PrintError) in try c.cancel(printer: queue, id: cupsId) }
        idleSince = nil
        return try await fail(
            job, "CUPS lost track of job \(queue)-\(cupsId) (printing on an idle printer); it may have printed: "
                + "check the parcel's label and reprint it if missing", attempts: job.attempts)
    }

    /// Journals a job's new state, then tells the observer.
    private func move(
        id: String, state: PrintJobState, cupsJobId: Int?, attempts: Int, error: String?, at time: Timestamp,
        event: OutboundEvent? = nil
    ) async throws {
        let applied = try await journal.updatePrintJob(
            id: id, state: state, cupsJobId: cupsJobId, attempts: attempts, error: error, at: time, event: event)
        if following?.id == id { following = nil }
        if applied, state == .sent, let cupsJobId { following = (id, cupsJobId) }
        guard applied else {
            // Cancelled while in our hands (its order was cancelled): if CUPS got it
            // just now, take it back before it prints.
            if state == .sent, let cupsJobId {
                let queue = self.queue
                _ = try? await lane.call { c throws(PrintError) in try c.cancel(printer: queue, id: cupsJobId) }
            }
            await observer?(id, .cancelled, "cancelled while being sent")
            return
        }
        await observer?(id, state, error)
    }

    /// Looks at CUPS for the printer's state (the station display), at most
    /// once per `interval`: an idle worker calls it between waits.
    public func refreshStatusIfStale(interval: Duration) async {
        // Called between jobs: no job of this worker waits in CUPS now.
        stalledBecause = nil
        await refreshStatus(ifOlderThan: interval)
    }

    private func refreshStatus(ifOlderThan interval: Duration) async {
        if let last = lastStatusAt, ContinuousClock.now - last < interval { return }
        await refreshStatus()
    }

    private func requeue(_ job: PrintJob, attempts: Int, error: String?) async throws {
        try await move(id: job.request.id, state: .queued, cupsJobId: nil, attempts: attempts, error: error, at: now())
    }

    private func fail(_ job: PrintJob, _ why: String, attempts: Int? = nil) async throws -> Duration? {
        try await move(
            id: job.request.id, state: .failed, cupsJobId: job.cupsJobId, attempts: attempts ?? job.attempts, error: why,
            at: now(), event: event(.labelFailed, job, reason: why))
        retries = 0
        return nil
    }

    private func event(_ type: EventType, _ job: PrintJob, reason: String?) -> OutboundEvent? {
        let time = now()
        return job.request.labelEvent(type, reason: reason, at: time, id: ids.next(at: time))
    }

    private func backoff() -> Duration {
        retries += 1
        var delay = policy.retryDelay
        for _ in 1..<min(retries, 16) where delay < policy.maxRetryDelay { delay *= 2 }
        return min(delay, policy.maxRetryDelay)
    }

    private func refreshStatus() async {
        lastStatusAt = .now
        let queue = self.queue
        status = try? await lane.call { c throws(PrintError) in try c.printer(queue) }
        await board?.update(printer: printer, status: status, stalledJob: stalledBecause)
    }
}
