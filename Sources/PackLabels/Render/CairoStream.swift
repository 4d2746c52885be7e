import CPangoCairo

/// Bytes cairo writes (PDF, PNG) or reads (PNG), through its stream callbacks.
final class CairoStream {
    var bytes: [UInt8] = []
    var readOffset = 0

    init(bytes: [UInt8] = []) { self.bytes = bytes }

    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<CairoStream>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }

    static let read: cairo_read_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
        let source = Unmanaged<CairoStream>.fromOpaque(closure).takeUnretainedValue()
        let n = Int(length)
        guard source.readOffset + n <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
        source.bytes.withUnsafeBufferPointer { buffer in
            data.update(from: buffer.baseAddress! + source.readOffset, count: n)
        }
        source.readOffset += n
        return CAIRO_STATUS_SUCCESS
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
