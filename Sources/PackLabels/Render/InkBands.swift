/// Splits a label's raster into the rectangles that hold ink, so that ZPL and TSPL
/// send graphics for the text and rules only, not for a label's worth of white.
struct InkBand: Sendable, Equatable {
    /// Position in dots; `x` is a multiple of 8.
    var x: Int
    var y: Int
    var bitmap: Bitmap
}

extension Bitmap {
    /// Runs of rows with ink, joined when fewer than `gap` blank rows part them,
    /// each cropped to the byte columns its ink spans.
    func inkBands(gap: Int = 24) -> [InkBand] {
        var bands: [InkBand] = []
        var runStart: Int?
        var lastInk = -1
        var firstByte = Int.max
        var lastByte = -1
        func close() {
            guard let start = runStart else { return }
            let band = crop(byteX: firstByte, byteWidth: lastByte - firstByte + 1, y: start, height: lastInk - start + 1)
            bands.append(InkBand(x: firstByte * 8, y: start, bitmap: band))
            runStart = nil
            firstByte = Int.max
            lastByte = -1
        }
        bits.withUnsafeBufferPointer { buffer in
            for row in 0..<height {
                guard let (first, last) = Self.inkExtent(buffer, from: row * bytesPerRow, count: bytesPerRow) else {
                    continue
                }
                if runStart != nil, row - lastInk > gap { close() }
                if runStart == nil { runStart = row }
                lastInk = row
                firstByte = min(firstByte, first)
                lastByte = max(lastByte, last)
            }
        }
        close()
        return bands
    }

    /// The first and last byte with ink in a row, or nil for a blank row. Most
    /// rows of a label are mostly white, so it skips eight bytes at a time.
    private static func inkExtent(_ buffer: UnsafeBufferPointer<UInt8>, from base: Int, count: Int) -> (Int, Int)? {
        var i = 0
        while i + 8 <= count, UnsafeRawPointer(buffer.baseAddress! + base + i).loadUnaligned(as: UInt64.self) == 0 {
            i += 8
        }
        while i < count, buffer[base + i] == 0 { i += 1 }
        guard i < count else { return nil }
        var j = count - 1
        while j >= i + 8, UnsafeRawPointer(buffer.baseAddress! + base + j - 7).loadUnaligned(as: UInt64.self) == 0 {
            j -= 8
        }
        while buffer[base + j] == 0 { j -= 1 }
        return (i, j)
    }
}
