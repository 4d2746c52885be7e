// swift-tools-version: 6.1
// SPDX-License-Identifier: Apache-2.0
// packd: Copyright 2026 The packd authors, licensed under the Apache License 2.0 (LICENSE).
import Foundation
import PackageDescription

/// pkg-config's C flags for `packages`. packd compiles against the headers of
/// pango/cairo and poppler but loads the libraries only when it first renders
/// a label (CLazyLibraries); a systemLibrary with `pkgConfig` would also link
/// them, so every daemon would map them at start.
func pkgConfigCFlags(_ packages: [String]) -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["pkg-config", "--cflags"] + packages
    let output = Pipe()
    process.standardOutput = output
    guard (try? process.run()) != nil else { return [] }
    let flags = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return [] }
    return String(decoding: flags, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
}

/// Every Swift target gets these include paths, not only PackLabels: a debug
/// build (-enable-testing) makes PackLabels' internal imports visible to the
/// modules that import it, and they must then find the same headers.
let labelLibraryHeaders: [SwiftSetting] = [
    .unsafeFlags(pkgConfigCFlags(["pangocairo", "poppler-glib"]).flatMap { ["-Xcc", $0] })
]

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
] + labelLibraryHeaders

/// scripts/fuzz.sh sets PACKD_FUZZ_BUILD=1: the modules holding the decoders the
/// fuzz targets reach are then built with libFuzzer's coverage and
/// AddressSanitizer, and optimised (-O): the build is the debug build in .build,
/// so every other module (NIO, GRDB, the store, the API...) is the one the tests
/// were built with and is not compiled again (docs/fuzzing.md).
let fuzzBuild = ProcessInfo.processInfo.environment["PACKD_FUZZ_BUILD"] == "1"
let fuzzed: [SwiftSetting] = fuzzBuild ? [.unsafeFlags(["-sanitize=fuzzer,address", "-O"])] : []

let package = Package(
    name: "packd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "packd", targets: ["packd"]),
        .executable(name: "packd-bench", targets: ["PackBench"]),
        .executable(name: "packd-fuzz", targets: ["packd-fuzz"]),
        .library(name: "PackCore", targets: ["PackCore"]),
        .library(name: "PackStore", targets: ["PackStore"]),
        .library(name: "PackDevices", targets: ["PackDevices"]),
        .library(name: "PackLabels", targets: ["PackLabels"]),
        .library(name: "PackPrint", targets: ["PackPrint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // The domain: orders, codes, the scan engine. Pure; no I/O.
        .target(
            name: "PackCore",
            dependencies: [
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: strict + fuzzed
        ),
        // C shims for what Swift cannot import (variadic ioctls, _GNU_SOURCE calls).
        .target(name: "CPackdLinux"),
        .systemLibrary(name: "CXKBCommon", pkgConfig: "xkbcommon", providers: [.apt(["libxkbcommon-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .systemLibrary(name: "CUmockdev", pkgConfig: "umockdev-1.0", providers: [.apt(["libumockdev-dev"])]),
        // Headers only: the libraries are loaded on first use (CLazyLibraries);
        // their include paths come from labelLibraryHeaders.
        .systemLibrary(name: "CPangoCairo", providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CPoppler", providers: [.apt(["libpoppler-glib-dev"])]),
        // Trampolines that load libcups, pango/cairo and poppler on first call.
        // Compiled against the libraries' headers (their signatures), not linked to them.
        .target(
            name: "CLazyLibraries",
            cSettings: [.unsafeFlags(pkgConfigCFlags(["pangocairo", "poppler-glib"]))]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libzint ships no pkg-config file; the shim also reads its packed modules.
        .target(name: "CZint", linkerSettings: [.linkedLibrary("zint")]),
        // Label templates, layout and the printer-language encoders.
        .target(
            name: "PackLabels",
            dependencies: ["PackCore", "CPangoCairo", "CPoppler", "CZint", "CZlib", "CLazyLibraries"],
            // The bundled templates (templates/*.json, linked here: a resource
            // must be inside its target) are built into the binary.
            resources: [
                .embedInCode("Resources/sku-60x40.json"), .embedInCode("Resources/waybill-100x150.json"),
                .embedInCode("Resources/waybill-100x180.json"), .embedInCode("Resources/waybill-76x130.json"),
            ],
            swiftSettings: strict + fuzzed
        ),
        // libcups has no pkg-config file on Debian 12.
        .systemLibrary(name: "CCups", providers: [.apt(["libcups2-dev"])]),
        // CUPS destinations, jobs and printer state.
        .target(
            name: "PackPrint",
            dependencies: ["PackCore", "CCups", "CLazyLibraries"],
            swiftSettings: strict
        ),
        // Scanners: serial (termios), and later evdev and udev.
        .target(
            name: "PackDevices",
            dependencies: ["PackCore", "CPackdLinux", "CXKBCommon", "CUdev"],
            swiftSettings: strict + fuzzed
        ),
        // The journal: SQLite through GRDB.
        .target(
            name: "PackStore",
            dependencies: [
                "PackCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // The fleet's shared journal: one order book in PostgreSQL for many packd.
        .target(
            name: "PackFleet",
            dependencies: [
                "PackCore",
                "PackStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // HTTP routes: thin decode, one daemon operation, encode.
        .target(
            name: "PackAPI",
            dependencies: [
                "PackCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The station page is built into the binary (display/station.html,
            // linked here: a resource must be inside its target).
            resources: [.embedInCode("Resources/station.html")],
            swiftSettings: strict
        ),
        // The link to the ERP's core: outbound events delivered, the order feed pulled.
        .target(
            name: "PackCoreLink",
            dependencies: [
                "PackCore",
                "PackStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict + fuzzed
        ),
        // Configuration and wiring of the daemon's parts.
        .target(
            name: "PackDaemon",
            dependencies: [
                "PackCore",
                "PackStore",
                "PackCoreLink",
                "PackFleet",
                "PackDevices",
                "PackLabels",
                "PackPrint",
                "PackAPI",
                "CLazyLibraries",
                "CPackdLinux",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            // packd demo's orders and scans (samples/, linked here: a resource
            // must be inside its target) are built into the binary.
            resources: [.embedInCode("Resources/orders.json"), .embedInCode("Resources/scans.jsonl")],
            swiftSettings: strict + fuzzed
        ),
        // Command-line front end; everything it does lives in the libraries.
        .target(
            name: "PackCLI",
            dependencies: [
                "PackCore",
                "PackStore",
                "PackFleet",
                "PackDaemon",
                "PackDevices",
                "PackLabels",
                "PackPrint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `packd orders import` beside a running daemon goes through its API.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "packd",
            dependencies: ["PackCLI"],
            swiftSettings: strict
        ),
        // Fuzz targets: one input through each entry point for outside data
        // (scripts/fuzz.sh builds packd-fuzz with libFuzzer; tests replay the corpora).
        .target(
            name: "PackFuzzTargets",
            dependencies: ["PackCore", "PackCoreLink", "PackDaemon", "PackDevices", "PackLabels"],
            swiftSettings: strict + fuzzed
        ),
        .executableTarget(
            name: "packd-fuzz",
            dependencies: ["PackFuzzTargets", "CPackdLinux"],
            swiftSettings: strict + fuzzed + (fuzzBuild ? [.define("PACKD_FUZZING"), .unsafeFlags(["-parse-as-library"])] : []),
            linkerSettings: fuzzBuild ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []
        ),
        .executableTarget(
            name: "PackBench",
            dependencies: [
                "PackCore", "PackStore", "PackDaemon", "PackDevices", "PackLabels", "PackTestSupport", "CPackdLinux",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/PackBench",
            swiftSettings: strict
        ),
        // A umockdev testbed driven from stdin, for the hot-plug tests.
        .executableTarget(
            name: "packd-umockdev-harness",
            dependencies: ["CUmockdev"],
            path: "Tests/UmockdevHarness"
        ),
        // Scenario generators shared by the test targets.
        .target(
            name: "PackTestSupport",
            dependencies: ["PackCore", "PackPrint", "CPackdLinux"],
            path: "Tests/PackTestSupport",
            swiftSettings: strict
        ),
        // The `.requires(...)` trait: skipped where a tool is missing, failed under CI.
        .target(
            name: "PackTestRequirements",
            path: "Tests/PackTestRequirements",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackCoreTests",
            dependencies: [
                "PackCore",
                "PackTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackStoreTests",
            dependencies: [
                "PackCore",
                "PackTestSupport",
                "PackStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackDevicesTests",
            dependencies: ["PackDevices", "PackCore", "PackTestSupport", "CPackdLinux", "PackTestRequirements"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackLabelsTests",
            dependencies: ["PackLabels", "PackCore", "PackTestSupport"],
            exclude: ["Goldens"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackPrintTests",
            dependencies: ["PackPrint", "PackLabels", "PackCore", "PackTestSupport", "PackTestRequirements"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackDaemonTests",
            dependencies: ["PackDaemon", "PackCore", "PackStore", "PackDevices", "PackPrint", "PackTestSupport", "PackFuzzTargets", "PackTestRequirements"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackFleetTests",
            dependencies: ["PackFleet", "PackCore", "PackStore", "PackDaemon", "PackTestSupport", "PackTestRequirements"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackCoreLinkTests",
            dependencies: ["PackCoreLink", "PackCore", "PackStore", "PackTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "packdTests",
            dependencies: [
                "packd", "packd-umockdev-harness", "PackCLI", "PackDaemon", "PackAPI", "PackCore", "PackStore", "PackTestSupport",
                "PackTestRequirements",
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
