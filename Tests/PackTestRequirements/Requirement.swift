import Foundation
public import Testing

/// What a test needs of the machine (root, cupsd, chromium, PostgreSQL 15...).
///
/// Where it is missing the test is skipped, as `.enabled(if:)` would, except in
/// CI (`CI=true`): there it fails, naming what was missing. A skip in CI would
/// let a run pass without proving what it was meant to prove; `.ci/run`
/// installs everything these tests need, so under CI a missing tool is a fault
/// of the machine or of the script, and must be seen (docs/testing.md).
public struct Requirement: TestTrait, SuiteTrait {
    public let comments: [Comment]
    let isMet: @Sendable () -> Bool

    public var isRecursive: Bool { false }

    public func prepare(for test: Test) async throws {
        guard !isMet() else { return }
        let what = comments.map(\.rawValue).joined(separator: "; ")
        if TestRun.isCI { throw RequirementMissing(test: test.name, what: what) }
        try await ConditionTrait.disabled(Comment(rawValue: what)).prepare(for: test)
    }
}

/// The error that fails a test whose requirement is missing under CI.
public struct RequirementMissing: Error, CustomStringConvertible {
    public let test: String
    public let what: String
    public var description: String {
        "\(test) cannot run here (\(what)); with CI=true a test that cannot run fails instead of being skipped"
    }
}

public enum TestRun {
    /// CI services set CI=true; `.ci/run` sets it too.
    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
}

extension Trait where Self == Requirement {
    /// `@Suite(.requires(PrivateCups.available, "needs root and cupsd"))`
    public static func requires(_ isMet: @autoclosure @escaping @Sendable () -> Bool, _ what: Comment) -> Self {
        Requirement(comments: [what], isMet: isMet)
    }
}
