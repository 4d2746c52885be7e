import Foundation
import Glibc

/// The bearer tokens of the API and the display page: read from the file the
/// configuration names (its first line), or made once in the state directory
/// with mode 0600 and kept there.
public enum APIToken {
    public struct TokenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The token, and whether it was just created (so the operator is told where).
    public static func resolve(file: String?, stateDirectory: String, defaultName: String) throws(TokenError) -> (token: String, path: String, created: Bool) {
        if let file {
            return (try read(file), file, false)
        }
        let path = (stateDirectory as NSString).appendingPathComponent(defaultName)
        if FileManager.default.fileExists(atPath: path) { return (try read(path), path, false) }
        let token = fresh()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            // Another packd made it meanwhile: use theirs.
            if errno == EEXIST { return (try read(path), path, false) }
            throw TokenError(description: "\(path): cannot be created: \(String(cString: strerror(errno)))")
        }
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == bytes.count else { throw TokenError(description: "\(path): could not be written") }
        return (token, path, true)
    }

    /// The token on the file's first line. packd's own tokens are at least 16
    /// characters; one an ERP issued (`core.token_file`) is whatever it is.
    static func read(_ path: String, minimumLength: Int = 16) throws(TokenError) -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 4096 else {
            throw TokenError(description: "\(path): cannot be read (missing, no permission, or over 4 KiB)")
        }
        let first = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let token = first.trimmingCharacters(in: .whitespaces)
        guard token.count >= max(1, minimumLength), token.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue! >= 0x21 }) else {
            throw TokenError(
                description: "\(path): the first line must be a token of at least \(max(1, minimumLength)) printable ASCII characters")
        }
        return token
    }

    /// 32 random bytes from the system's generator, as hex.
    static func fresh() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }
}
