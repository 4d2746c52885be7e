import CPangoCairo
import CPoppler
import PackCore

/// A PDF opened with poppler, for drawing its first page onto a label.
final class PDFPages {
    private let document: OpaquePointer
    private let data: OpaquePointer

    init(bytes: [UInt8]) throws(LabelError) {
        try LabelLibraries.requirePDFReading()
        data = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(data, nil, &error) else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            g_error_free(error)
            g_bytes_unref(data)
            throw LabelError("document", "the PDF document cannot be read: \(message)")
        }
        self.document = document
        let pages = Int(poppler_document_get_n_pages(document))
        guard pages >= 1 else { throw LabelError("document", "the PDF document has no pages") }
        // A carrier's label is a page or two; thousands are not a label.
        guard pages <= InputLimits.pdfPages else {
            throw LabelError("document", "the PDF document has \(pages) pages; a label document has at most \(InputLimits.pdfPages)")
        }
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(document))
        g_bytes_unref(data)
    }

    func drawFirstPage(on cr: OpaquePointer, width: Double, height: Double) throws(LabelError) {
        guard let page = poppler_document_get_page(document, 0) else {
            throw LabelError("document", "the PDF document's first page cannot be read")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        var pageWidth = 0.0
        var pageHeight = 0.0
        poppler_page_get_size(page, &pageWidth, &pageHeight)
        guard pageWidth > 0, pageHeight > 0 else { throw LabelError("document", "the PDF page has no size") }
        Fitting.draw(width: pageWidth, height: pageHeight, into: (width, height), on: cr) {
            poppler_page_render_for_printing(page, cr)
        }
    }
}
