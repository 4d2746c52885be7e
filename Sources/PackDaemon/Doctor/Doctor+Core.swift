import PackCoreLink

extension Doctor {
    /// With a core configured: whether it answers packd, and takes its token.
    /// Asks for one order of the feed (`GET {url}/v1/orders?limit=1`), which
    /// changes nothing at the core.
    func core() async -> DoctorCheck? {
        guard config.coreMode == .remote || config.core.feed == .pull else { return nil }
        var settings: CoreLinkSettings
        do {
            guard let made = try CoreLinkService.settings(of: config) else {
                return .problem("core", "core.url is not set", fix: "set [core] url in the configuration")
            }
            settings = made
        } catch {
            return .problem("core", "\(error)", fix: "write the core's token on the first line of core.token_file (readable by packd)")
        }
        settings.connectTimeoutMs = 2_000
        settings.requestTimeoutMs = 3_000
        let client: CoreClient
        do {
            client = try CoreClient(settings: settings)
        } catch {
            return .problem("core", "cannot set up the connection to \(settings.url): \(error)", fix: "check core.ca_file")
        }
        let check = await ask(client, settings.url)
        await client.shutdown()
        return check
    }

    private func ask(_ client: CoreClient, _ url: String) async -> DoctorCheck {
        do {
            let response = try await client.getOrders(cursor: nil, limit: 1, maxBytes: 1 << 20)
            if response.status == 401 || response.status == 403 {
                return .problem(
                    "core", "the core at \(url) refuses packd's token (HTTP \(response.status))",
                    fix: "put the token the ERP issued for this station in core.token_file")
            }
            return .ok("core", "the core answers at \(url) (HTTP \(response.status))")
        } catch {
            return .problem(
                "core", "the core does not answer at \(url): \(error)",
                fix: "check [core] url, the network and that the ERP runs; stations keep packing and events wait meanwhile")
        }
    }
}
