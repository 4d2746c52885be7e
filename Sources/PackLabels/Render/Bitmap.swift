/// A 1-bit image, rows of bytes with the leftmost dot in the most significant bit
/// and 1 meaning ink: the layout ZPL `^GF`, PNG (inverted) and TSPL (inverted) use.
public struct Bitmap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let bytesPerRow: Int
    public var bits: [UInt8]

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        self.bytesPerRow = (width + 7) / 8
        self.bits = [UInt8](repeating: 0, count: bytesPerRow * height)
    }

    /// A bitmap whose every byte `fill` writes (no zeroing first: labels are
    /// large and rendered often).
    init(width: Int, height: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        self.width = width
        self.height = height
        self.bytesPerRow = (width + 7) / 8
        let count = bytesPerRow * height
        self.bits = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }

    public init(width: Int, height: Int, bits: [UInt8]) {
        precondition(bits.count == (width + 7) / 8 * height)
        self.width = width
        self.height = height
        self.bytesPerRow = (width + 7) / 8
        self.bits = bits
    }

    public func isInk(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < width, y < height else { return false }
        return bits[y * bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0
    }

    public mutating func setInk(x: Int, y: Int) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        bits[y * bytesPerRow + x / 8] |= 0x80 >> UInt8(x % 8)
    }

    public var inkCount: Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The part of the image from byte column `byteX` (8 dots each), `byteWidth`
    /// bytes wide, rows `y..<y+height`.
    func crop(byteX: Int, byteWidth: Int, y: Int, height: Int) -> Bitmap {
        var out = [UInt8](repeating: 0, count: byteWidth * height)
        bits.withUnsafeBufferPointer { src in
            for row in 0..<height {
                let from = (y + row) * bytesPerRow + byteX
                for i in 0..<byteWidth { out[row * byteWidth + i] = src[from + i] }
            }
        }
        return Bitmap(width: byteWidth * 8, height: height, bits: out)
    }
}
