import Foundation
import PackFuzzTargets

#if PACKD_FUZZING
import CPackdLinux

// Built by scripts/fuzz.sh with -sanitize=fuzzer. SwiftPM points the program's
// entry at `packd_fuzz_main`, which hands over to libFuzzer's driver. The target
// comes from PACKD_FUZZ_TARGET, so one binary serves every target.
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("packd_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    selectTarget()
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) }
}

private func selectTarget() {
    let name = ProcessInfo.processInfo.environment["PACKD_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("packd-fuzz: set PACKD_FUZZ_TARGET to one of: \(known)\n".utf8))
        exit(2)
    }
    selected = target
}

// libFuzzer's runtime is linked whole, and its own main refers to this symbol:
// it must exist even though the driver above is handed the callback.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected?.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
/// Without the fuzzer: `packd-fuzz TARGET FILE...` runs files through a target
/// (a crash found by a fuzzing run, replayed in an ordinary build).
@main
struct FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: packd-fuzz TARGET FILE...   (targets: \(known))\n".utf8))
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("packd-fuzz: cannot read \(path)\n".utf8))
                exit(1)
            }
            target.run([UInt8](data))
            print("\(path): ok")
        }
    }
}
#endif
