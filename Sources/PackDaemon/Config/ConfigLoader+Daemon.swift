import Foundation
import PackAPI
import PackCore
import TOMLKit

/// The daemon's own sections: `[api]`, `[display]`, `[core]`'s link keys, `[store]`
/// and `[retention]` (contracts.md section 6).
extension TableReader {
    func daemonSections(_ root: TOMLTable, into config: inout PackConfig) throws(ConfigError) {
        if let api = try table(root, "api", at: "") {
            try onlyKeys(api, ["listen", "token_file", "max_body_mb"], at: "api")
            if let listen = try string(api, "listen", at: "api") {
                guard let address = ListenAddress.parse(listen) else {
                    throw error("api.listen", "must be HOST:PORT (\"127.0.0.1:7780\") or unix:/PATH, not \"\(listen)\"")
                }
                config.api.listen = address
            }
            config.api.tokenFile = try path(api, "token_file", at: "api")
            if let mb = try int(api, "max_body_mb", at: "api", range: 1...1024) { config.api.maxBodyBytes = mb << 20 }
        }
        if let display = try table(root, "display", at: "") {
            try onlyKeys(display, ["token_file", "language"], at: "display")
            config.display.tokenFile = try path(display, "token_file", at: "display")
            if let language = try string(display, "language", at: "display") {
                guard ["zh-CN", "en"].contains(language) else {
                    throw error("display.language", "must be \"zh-CN\" or \"en\", not \"\(language)\"")
                }
                config.display.language = language
            }
        }
        if let store = try table(root, "store", at: "") {
            try onlyKeys(store, ["backend", "url", "password_file", "node", "timeout_ms", "connections"], at: "store")
            if let connections = try int(store, "connections", at: "store", range: 4...100) { config.store.connections = connections }
            if let timeout = try int(store, "timeout_ms", at: "store", range: 100...120_000) { config.store.timeoutMs = timeout }
            if let backend = try string(store, "backend", at: "store") {
                guard let b = StoreSettings.Backend(rawValue: backend) else {
                    throw error("store.backend", "must be \"sqlite\" or \"postgres\", not \"\(backend)\"")
                }
                config.store.backend = b
            }
            config.store.url = try string(store, "url", at: "store")
            config.store.passwordFile = try path(store, "password_file", at: "store")
            if let node = try string(store, "node", at: "store") {
                // It travels in every notification as "node, newline, order id".
                guard !node.isEmpty, node.count <= 64, !node.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw error("store.node", "must be 1 to 64 characters, none of them a control character")
                }
                config.store.node = node
            }
            if config.store.backend == .postgres, config.store.url == nil {
                throw error("store.url", "is required when store.backend is \"postgres\"")
            }
        }
        if let retention = try table(root, "retention", at: "") {
            try onlyKeys(retention, ["book_hours", "journal_days", "shipped_memory_days"], at: "retention")
            if let hours = try int(retention, "book_hours", at: "retention", range: 1...24 * 365) { config.retention.bookHours = hours }
            if let days = try int(retention, "journal_days", at: "retention", range: 1...3650) { config.retention.journalDays = days }
            if let days = try int(retention, "shipped_memory_days", at: "retention", range: 1...36_500) {
                config.retention.shippedMemoryDays = days
            }
        }
    }

    func core(_ core: TOMLTable) throws(ConfigError) -> CoreSettings {
        var settings = CoreSettings()
        if let url = try string(core, "url", at: "core") {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw error("core.url", "must be an http:// or https:// URL, not \"\(url)\"")
            }
            settings.url = url
        }
        settings.tokenFile = try path(core, "token_file", at: "core")
        if let feed = try string(core, "feed", at: "core") {
            guard let f = CoreSettings.Feed(rawValue: feed) else {
                throw error("core.feed", "must be \"none\" or \"pull\", not \"\(feed)\"")
            }
            settings.feed = f
        }
        settings.link.pollIntervalMs = try int(core, "poll_interval_ms", at: "core", range: 100...3_600_000) ?? settings.link.pollIntervalMs
        settings.caFile = try path(core, "ca_file", at: "core")
        settings.link.connectTimeoutMs = try int(core, "connect_timeout_ms", at: "core", range: 100...600_000) ?? settings.link.connectTimeoutMs
        settings.link.requestTimeoutMs = try int(core, "request_timeout_ms", at: "core", range: 100...600_000) ?? settings.link.requestTimeoutMs
        settings.link.batchSize = try int(core, "batch_size", at: "core", range: 1...10_000) ?? settings.link.batchSize
        settings.link.lingerMs = try int(core, "linger_ms", at: "core", range: 0...60_000) ?? settings.link.lingerMs
        if let rate = try int(core, "max_requests_per_second", at: "core", range: 0...100_000) {
            settings.link.maxRequestsPerSecond = Double(rate)
        }
        settings.link.backoffBaseMs = try int(core, "backoff_base_ms", at: "core", range: 10...600_000) ?? settings.link.backoffBaseMs
        settings.link.backoffMaxMs = try int(core, "backoff_max_ms", at: "core", range: 10...3_600_000) ?? settings.link.backoffMaxMs
        if settings.link.backoffMaxMs < settings.link.backoffBaseMs {
            throw error("core.backoff_max_ms", "must be at least core.backoff_base_ms (\(settings.link.backoffBaseMs))")
        }
        settings.link.feedPageSize = try int(core, "feed_page_size", at: "core", range: 1...InputLimits.ordersPerRequest) ?? settings.link.feedPageSize
        if settings.feed == .pull, settings.url == nil {
            throw error("core.url", "is required when core.feed is \"pull\"")
        }
        return settings
    }

    /// An absolute path.
    func path(_ t: TOMLTable, _ key: String, at: String) throws(ConfigError) -> String? {
        guard let p = try string(t, key, at: at) else { return nil }
        guard p.hasPrefix("/") else { throw error("\(at).\(key)", "must be an absolute path, not \"\(p)\"") }
        return p
    }
}
