import Foundation
import Glibc
import PackTestSupport
import PackTestRequirements
import Testing

/// A core on https with a private CA (`core.ca_file`) and a bearer token
/// (`core.token_file`), as an ERP on the internet is reached.
@Suite(.offCooperativePool, .serialized)
struct CoreTLSTests {
    let dir = TempDirectory()

    /// A CA and a certificate for 127.0.0.1 signed by it, made with openssl.
    func makeCertificates() throws -> (ca: String, cert: String, key: String) {
        let script = """
            set -e
            cd '\(dir.path)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=packd test CA' 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
            """
        let p = try Process.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script])
        p.waitUntilExit(seconds: 60)
        guard p.terminationStatus == 0 else { throw HTTPClient.ClientError("openssl failed") }
        return (dir.sub("ca.pem"), dir.sub("server.pem"), dir.sub("server.key"))
    }

    /// The events the core took, from its data directory (it speaks https only).
    func received(_ core: ReferenceCore) -> [String] {
        let text = (try? String(contentsOfFile: "\(core.dataDir)/events.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    @Test(.timeLimit(.minutes(2)))
    func anHttpsCoreWithAPrivateCAIsReachedThroughCaFileWithTheToken() throws {
        let (ca, cert, key) = try makeCertificates()
        let token = dir.file("core.token", "s3cret-station-token\n")
        let core = try ReferenceCore(dataDir: dir.sub("core"), tokenFile: token, tls: (cert, key))
        #expect(core.url.hasPrefix("https://"))
        let config = CoreDeliveryTests.coreConfig(core, extra: "ca_file = \"\(ca)\"\ntoken_file = \"\(token)\"")
        let packd = try RunningPackd(dir: dir.sub("trusting"), config: config)
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...2))).status == 200)
        for i in 1...2 { try CoreDeliveryTests.ship(packd, order: i) }
        try CoreDeliveryTests.waitForOutbox(packd) { $0["delivered"] == 2 }
        #expect(received(core).count == 2)

        // Without the CA, the certificate is not trusted: nothing is sent, the events wait.
        let untrusting = try RunningPackd(
            dir: dir.sub("untrusting"), config: CoreDeliveryTests.coreConfig(core, extra: "token_file = \"\(token)\""))
        #expect(try untrusting.post("/v1/orders", TestOrder.batch(TestOrder.numbered(3...3))).status == 200)
        try CoreDeliveryTests.ship(untrusting, order: 3)
        try waitUntil("the untrusting packd logs its retry", seconds: 20) { untrusting.log.contains("events not delivered, retrying") }
        #expect(jsonObject(try untrusting.get("/v1/outbox"))["counts"].flatMap { $0 as? [String: Int] }?["pending"] == 1)
        #expect(received(core).count == 2)

        // A wrong token is refused by the core (401): the event waits (never a dead
        // letter: CoreDeliveryTests has the whole story), and doctor names it.
        let wrongToken = dir.file("wrong.token", "not-the-token\n")
        let refused = try RunningPackd(
            dir: dir.sub("refused"), config: CoreDeliveryTests.coreConfig(core, extra: "ca_file = \"\(ca)\"\ntoken_file = \"\(wrongToken)\""))
        #expect(try refused.post("/v1/orders", TestOrder.batch(TestOrder.numbered(4...4))).status == 200)
        try CoreDeliveryTests.ship(refused, order: 4)
        try refused.waitForMetric("packd_core_token_refused", equals: 1)
        #expect(jsonObject(try refused.get("/v1/outbox"))["counts"].flatMap { $0 as? [String: Int] }?["dead"] ?? 0 == 0)
        let doctor = try Packd.run(["doctor", "--config", refused.configPath])
        #expect(doctor.stdout.contains("FAIL core: the core at \(core.url) refuses packd's token (HTTP 401)"), "\(doctor.stdout)")
        #expect(received(core).count == 2)
    }
}
