import CCups

extension CupsConnection {
    /// The largest document packd sends; a label is kilobytes, a carrier PDF a few
    /// hundred. Anything near this is a mistake, not a label.
    public static let maxDocumentBytes = 32 * 1024 * 1024

    static let jobAttributes = ["job-id", "job-name", "job-state", "job-state-reasons", "job-printer-state-message"]

    /// Submits a document as one job named `jobName` (packd records the name
    /// before submitting, so that after a crash it can ask CUPS whether the job
    /// exists). Returns the CUPS job id.
    public func submit(
        printer: String, jobName: String, format: DocumentFormat, document: [UInt8], options: [String: String] = [:]
    ) throws(PrintError) -> Int {
        try Self.checkDocument(printer: printer, document)
        let id = try createJob(printer: printer, jobName: jobName, format: format, options: options)
        try sendDocument(printer: printer, id: id, jobName: jobName, format: format, document: document)
        return id
    }

    /// The first half of `submit`: checks that the queue takes `format`, and
    /// creates the job, which waits for its document (`sendDocument`) and prints
    /// nothing until then. A job whose document never comes is cancelled by its
    /// creator, or by cupsd after its MultipleOperationTimeout.
    public func createJob(
        printer: String, jobName: String, format: DocumentFormat, options: [String: String] = [:]
    ) throws(PrintError) -> Int {
        try Self.checkName(printer)
        let queue = try self.printer(printer)
        guard queue.acceptingJobs else {
            throw PrintError(.notAccepting, printer: printer, "the queue is rejecting jobs (cupsaccept \(printer) to accept them)")
        }
        switch format {
        case .raw where !queue.isRaw && !queue.formats.contains("application/vnd.cups-raw"):
            throw PrintError(
                .unsupportedFormat, printer: printer,
                "the queue has a driver (\(queue.makeAndModel ?? "?")) and takes no raw ZPL/TSPL; use a raw queue (docs/printers.md)")
        case .pdf, .png:
            if queue.isRaw {
                throw PrintError(
                    .unsupportedFormat, printer: printer,
                    "the queue is raw: it would send the \(format == .pdf ? "PDF" : "PNG") bytes to the printer unconverted; send ZPL or TSPL")
            }
            if !queue.formats.contains(format.mimeType), !queue.formats.contains("application/octet-stream") {
                throw PrintError(.unsupportedFormat, printer: printer, "the queue does not take \(format.mimeType)")
            }
        default:
            break
        }
        var count: Int32 = 0
        var cupsOptions: UnsafeMutablePointer<cups_option_t>?
        for (name, value) in options { count = cupsAddOption(name, value, count, &cupsOptions) }
        defer { cupsFreeOptions(count, cupsOptions) }
        let id = cupsCreateJob(http, printer, jobName, count, cupsOptions)
        guard id > 0 else { throw Self.classify(printer: printer, status: cupsLastError()) }
        return Int(id)
    }

    /// The second half of `submit`: the job's one document, after which CUPS
    /// prints it. On failure the job is cancelled, so that it cannot print later
    /// nor wait for a document that will not come.
    public func sendDocument(
        printer: String, id: Int, jobName: String, format: DocumentFormat, document: [UInt8]
    ) throws(PrintError) {
        do {
            try Self.checkDocument(printer: printer, document)
        } catch {
            cupsCancelJob2(http, printer, Int32(id), 0)
            throw error
        }
        guard cupsStartDocument(http, printer, Int32(id), jobName, format.mimeType, 1) == HTTP_STATUS_CONTINUE else {
            let error = Self.classify(printer: printer, status: cupsLastError())
            cupsCancelJob2(http, printer, Int32(id), 0)
            throw error
        }
        let written = document.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cupsWriteRequestData(http, $0.baseAddress, $0.count) }
        }
        let finished = cupsFinishDocument(http, printer)
        guard written == HTTP_STATUS_CONTINUE, finished.rawValue < 0x0100 else {
            let error = Self.classify(printer: printer, status: cupsLastError())
            cupsCancelJob2(http, printer, Int32(id), 0)
            throw error
        }
    }

    static func checkDocument(printer: String, _ document: [UInt8]) throws(PrintError) {
        guard document.count <= maxDocumentBytes else {
            throw PrintError(
                .tooLarge, printer: printer,
                "the document is \(document.count) bytes; packd sends at most \(maxDocumentBytes)")
        }
        guard !document.isEmpty else { throw PrintError(.cups, printer: printer, "the document is empty") }
    }

    /// The job's state now.
    public func job(printer: String, id: Int) throws(PrintError) -> JobStatus {
        let response = try request(IPP_OP_GET_JOB_ATTRIBUTES, printer: printer) { request in
            ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", Int32(id))
            Self.requestAttributes(request, Self.jobAttributes)
        }
        guard let job = response.groups(tag: IPP_TAG_JOB).compactMap(Self.jobStatus).first else {
            throw PrintError(.cups, printer: printer, "CUPS has no job \(id)")
        }
        return job
    }

    /// The queue's jobs, finished ones too (as long as CUPS keeps their history),
    /// from job id `firstJobId` on: CUPS answers at most 500 jobs a request, so a
    /// lookup starts after the jobs known to be older.
    public func jobs(printer: String, firstJobId: Int = 1) throws(PrintError) -> [JobStatus] {
        let response = try request(IPP_OP_GET_JOBS, printer: printer) { request in
            ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", nil, "all")
            ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "first-job-id", Int32(max(1, firstJobId)))
            Self.requestAttributes(request, Self.jobAttributes)
        }
        return response.groups(tag: IPP_TAG_JOB).compactMap(Self.jobStatus)
    }

    /// The job packd submitted under `name`, if CUPS has it; `after` is a job id
    /// known to be older (the queue's last recorded job).
    public func job(printer: String, named name: String, after: Int = 0) throws(PrintError) -> JobStatus? {
        try jobs(printer: printer, firstJobId: after + 1).filter { $0.name == name }.max { $0.id < $1.id }
    }

    public func cancel(printer: String, id: Int) throws(PrintError) {
        guard cupsCancelJob2(http, printer, Int32(id), 0) == IPP_STATUS_OK else {
            throw Self.classify(printer: printer, status: cupsLastError())
        }
    }

    static func jobStatus(_ g: IPPResponse.Group) -> JobStatus? {
        guard let id = g.integer("job-id"), let state = g.integer("job-state").flatMap(JobStatus.State.init) else {
            return nil
        }
        return JobStatus(
            id: id, name: g.string("job-name") ?? "", state: state,
            reasons: g.strings("job-state-reasons").filter { $0 != "none" },
            message: g.string("job-printer-state-message").flatMap { $0.isEmpty ? nil : $0 })
    }
}
