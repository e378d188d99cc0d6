import Foundation
import Testing
import TocsinCore
import TocsinTestSupport
@testable import TocsinNotify

@Suite("SMTP channel")
struct SMTPChannelTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func page(to address: String, title: String = "Checkout <latency> high") -> OutgoingMessage {
        OutgoingMessage(notification: NotificationRecord(id: UUID(), incidentID: UUID(), userID: UUID(), contactMethodID: UUID(), channel: .email,
                                                         address: address, step: 0, status: .sending, dueAt: now, attempts: 1, providerMessageID: nil,
                                                         lastError: nil, createdAt: now, sentAt: nil),
                        incidentNumber: 7, incidentTitle: title, recipientName: "Pat", incidentURL: "https://tocsin.example.com/incidents/abc")
    }

    /// The decoded text of every base64 part of a message.
    func parts(_ message: String) -> [String] { SMTPSink.decodedParts(message) }

    @Test("a page is delivered as plain text and HTML, with the incident's link, its title escaped in the HTML")
    func plain() async throws {
        try await SMTPSink.run { sink in
            let channel = SMTPChannel(settings: SMTPSettings(host: "127.0.0.1", port: sink.port, from: "tocsin@example.com"), now: { now })
            let result = await channel.send(page(to: "pat@example.com", title: "Checkout <latency> high — café"))
            #expect(result == .sent(providerMessageID: "2.0.0 Ok: queued as SINK1"))
            let (text, envelope) = try sink.message(1)
            #expect(envelope["from"] as? String == "tocsin@example.com")
            #expect(envelope["to"] as? [String] == ["pat@example.com"])
            #expect(text.contains("Subject: =?UTF-8?B?"), "a non-ASCII subject is encoded")
            #expect(text.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000"))
            let decoded = parts(text)
            #expect(decoded.count == 2)
            #expect(decoded.first?.contains("Checkout <latency> high — café") == true)
            #expect(decoded.first?.contains("https://tocsin.example.com/incidents/abc") == true)
            #expect(decoded.last?.contains("Checkout &lt;latency&gt; high — café") == true)
            #expect(decoded.last?.contains("<latency>") == false)
        }
    }

    @Test("a refused mailbox fails at once; a busy one is tried again; a server that is down is tried again")
    func refusals() async throws {
        try await SMTPSink.run { sink in
            let channel = SMTPChannel(settings: SMTPSettings(host: "127.0.0.1", port: sink.port, from: "tocsin@example.com"), now: { now })
            #expect(await channel.send(page(to: "nobody@refused.example.com")) == .permanent("the mail server refused RCPT TO: 550 5.1.1"))
            #expect(await channel.send(page(to: "someone@busy.example.com")) == .transient("the mail server answered RCPT TO with 451 4.3.0"))
            #expect(sink.count() == 0)
        }
        let down = SMTPChannel(settings: SMTPSettings(host: "127.0.0.1", port: 1, from: "tocsin@example.com"), timeout: .seconds(5))
        guard case .transient = await down.send(page(to: "pat@example.com")) else {
            Issue.record("a server that is down should be a transient failure")
            return
        }
    }

    @Test("STARTTLS before AUTH: the password travels only inside TLS, and a wrong one fails the message")
    func starttlsAndAuth() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tocsin-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = (directory.appendingPathComponent("cert.pem").path, directory.appendingPathComponent("key.pem").path)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        try await SMTPSink.run(tls: (cert, key), user: ("relay", "s3cret pass")) { sink in
            let settings = try SMTPSettings.parse(url: "smtp://relay:s3cret%20pass@localhost:\(sink.port)", from: "tocsin@example.com", trustRootsFile: cert)
            #expect(settings.password == "s3cret pass")
            let channel = SMTPChannel(settings: settings, now: { now })
            let delivered = await channel.send(page(to: "pat@example.com"))
            guard case .sent = delivered else {
                Issue.record("not delivered over STARTTLS with AUTH: \(delivered)")
                return
            }
            let (_, envelope) = try sink.message(1)
            #expect(envelope["tls"] as? Bool == true)
            var wrong = settings
            wrong.password = "guess"
            guard case .permanent(let reason) = await SMTPChannel(settings: wrong, now: { now }).send(page(to: "pat@example.com")) else {
                Issue.record("a wrong password should fail the message")
                return
            }
            #expect(reason.hasPrefix("the mail server refused AUTH: 535"))
            // A certificate the relay's trust roots do not vouch for is not talked to.
            var untrusted = settings
            untrusted.trustRootsFile = nil
            guard case .transient = await SMTPChannel(settings: untrusted, now: { now }).send(page(to: "pat@example.com")) else {
                Issue.record("an untrusted certificate should not be accepted")
                return
            }
            #expect(sink.count() == 1)
        }
    }

    @Test("the settings say what is wrong with them", arguments: [
        ("http://mail.example.com", "tocsin@example.com", "TOCSIN_SMTP_URL"),
        ("smtp://mail.example.com:70000", "tocsin@example.com", "TOCSIN_SMTP_URL"),
        ("smtp://mail.example.com", "not an address", "TOCSIN_SMTP_FROM"),
        ("smtp://mail.example.com", "a@b.c>\r\nRCPT TO:<x@y.z", "TOCSIN_SMTP_FROM"),
    ])
    func badSettings(url: String, from: String, field: String) {
        #expect(throws: DomainError.self) { try SMTPSettings.parse(url: url, from: from) }
        do { _ = try SMTPSettings.parse(url: url, from: from) } catch DomainError.validation(let errors) {
            #expect(errors.map(\.field) == [field])
        } catch { Issue.record("\(error)") }
    }

    @Test("a long or non-ASCII subject is shortened and folded into encoded words of at most 75 characters")
    func subjects() {
        let long = String(repeating: "ü", count: 400)
        let header = SMTPMessage.encodedHeader(SMTPMessage.shortened(long, to: 150))
        let lines = header.components(separatedBy: "\r\n ")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = lines.map { Data(base64Encoded: String($0.dropFirst(10).dropLast(2))).flatMap { String(data: $0, encoding: .utf8) } ?? "" }.joined()
        #expect(decoded == String(repeating: "ü", count: 149) + "…")
        #expect(SMTPMessage.encodedHeader("plain\r\nBcc: x@y.z") == "plain  Bcc: x@y.z", "no line break reaches a header")
    }

    @Test("defaults: port 587 for smtp, 465 for smtps")
    func defaults() throws {
        #expect(try SMTPSettings.parse(url: "smtp://mail.example.com", from: "t@example.com").port == 587)
        let implicit = try SMTPSettings.parse(url: "smtps://u:p@mail.example.com", from: "t@example.com")
        #expect(implicit.port == 465 && implicit.implicitTLS && implicit.username == "u")
    }
}
