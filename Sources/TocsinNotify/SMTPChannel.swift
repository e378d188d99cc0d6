import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TocsinCore

/// Where e-mail goes: `TOCSIN_SMTP_URL` (`smtp://user:password@host:port`, STARTTLS when the server offers it;
/// `smtps://` for TLS from the first byte) and `TOCSIN_SMTP_FROM`.
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    /// TLS from the first byte (`smtps://`, usually port 465) rather than STARTTLS.
    public var implicitTLS: Bool
    public var from: String
    /// A PEM file of certificate authorities to trust instead of the system's (a relay with a private CA).
    public var trustRootsFile: String?

    public init(host: String, port: Int, username: String? = nil, password: String? = nil, implicitTLS: Bool = false, from: String,
                trustRootsFile: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.implicitTLS = implicitTLS
        self.from = from
        self.trustRootsFile = trustRootsFile
    }

    /// Reads the URL and the sender address, or says what is wrong with them.
    public static func parse(url: String, from: String?, trustRootsFile: String? = nil) throws -> SMTPSettings {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
              let host = components.host, !host.isEmpty else {
            throw DomainError.invalid("TOCSIN_SMTP_URL", "must look like smtp://user:password@mail.example.com:587 (or smtps:// for TLS from the start)")
        }
        let implicit = scheme == "smtps"
        let port = components.port ?? (implicit ? 465 : 587)
        guard (1...65535).contains(port) else { throw DomainError.invalid("TOCSIN_SMTP_URL", "has a port outside 1–65535") }
        guard let from = from?.trimmingCharacters(in: .whitespaces), !from.isEmpty, from.contains("@"),
              !from.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) else {
            throw DomainError.invalid("TOCSIN_SMTP_FROM", "must be the address pages are sent from, e.g. tocsin@example.com")
        }
        return SMTPSettings(host: host, port: port, username: components.user?.removingPercentEncoding,
                            password: components.password?.removingPercentEncoding, implicitTLS: implicit, from: from, trustRootsFile: trustRootsFile)
    }

    /// Credentials travel only inside TLS, except to this machine itself.
    var isLoopback: Bool { ["localhost", "127.0.0.1", "::1"].contains(host.lowercased()) }
}

/// E-mail pages over SMTP: STARTTLS whenever the server offers it (required before AUTH except on loopback), AUTH
/// PLAIN or LOGIN, a plain-text and an HTML part. A 4xx answer or a connection that fails is transient; a 5xx
/// (an unknown mailbox, a refused sender) fails the message at once.
public struct SMTPChannel: NotificationChannel {
    public let kind: ContactMethod.Kind = .email
    public let concurrency: Int
    let settings: SMTPSettings
    let timeout: Duration
    let now: @Sendable () -> Date

    public init(settings: SMTPSettings, concurrency: Int = 4, timeout: Duration = .seconds(30), now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.concurrency = concurrency
        self.timeout = timeout
        self.now = now
    }

    /// "550 5.1.1": the reply code and, when the server gave one, its enhanced status code (RFC 3463).
    static func codes(_ code: Int, _ text: String) -> String {
        let first = text.split(separator: " ").first.map(String.init) ?? ""
        let parts = first.split(separator: ".")
        let enhanced = parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
        return enhanced ? "\(code) \(first)" : "\(code)"
    }

    public func send(_ message: OutgoingMessage) async -> ChannelResult {
        await deliver(SMTPMessage.page(message, from: settings.from, date: now()), to: message.notification.address)
    }

    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult {
        await deliver(SMTPMessage.note(note, to: method, from: settings.from, date: now()), to: method.address)
    }

    func deliver(_ mail: String, to address: String) async -> ChannelResult {
        do {
            let answer = try await withDeadline(timeout) {
                try await SMTPSession(settings: settings).deliver(from: settings.from, to: address, data: mail)
            }
            return .sent(providerMessageID: answer)
        } catch let error as SMTPError {
            switch error {
            // The reply's codes only: its text often repeats the recipient's address, and the timeline is read by many.
            case .reply(let code, let text, let step) where (500..<600).contains(code):
                return .permanent("the mail server refused \(step): \(Self.codes(code, text))")
            case .reply(let code, let text, let step):
                return .transient("the mail server answered \(step) with \(Self.codes(code, text))")
            case .protocolError(let reason):
                return .transient(reason)
            case .insecure(let reason):
                return .permanent(reason)
            }
        } catch {
            return .transient("could not reach the mail server \(settings.host):\(settings.port): \(error)")
        }
    }
}

enum SMTPError: Error {
    /// The server answered `code` at `step` ("RCPT TO", "DATA", …).
    case reply(code: Int, text: String, step: String)
    case protocolError(String)
    /// Sending credentials in the clear was refused.
    case insecure(String)
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var description: String { "no answer in time" }
}

/// Runs `body`, giving up (and cancelling it) after `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DeadlineExceeded() }
        return first
    }
}

/// Splits what the server sends into lines (without the CRLF); a line longer than SMTP allows ends the session.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maximumLine = 4096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLine { throw SMTPError.protocolError("the mail server sent a line longer than SMTP allows") }
            return .needMoreData
        }
        guard let line = buffer.readString(length: newline - buffer.readerIndex + 1) else { return .needMoreData }
        // "\r\n" is one Character in Swift: dropping the last one takes the line end, whichever it was.
        context.fireChannelRead(wrapInboundOut(String(line.dropLast())))
        return .continue
    }
}

/// One conversation with the mail server, for one message.
struct SMTPSession {
    let settings: SMTPSettings

    func deliver(from: String, to: String, data: String) async throws -> String {
        let tls = try Self.tlsContext(settings)
        let serverName = Self.isIPAddress(settings.host) ? nil : settings.host
        let implicit = settings.implicitTLS
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicit {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            var secure = implicit

            func reply(_ step: String, expect: ClosedRange<Int>) async throws -> (code: Int, lines: [String]) {
                var text: [String] = []
                while let line = try await lines.next() {
                    guard line.count >= 3, let code = Int(line.prefix(3)) else {
                        throw SMTPError.protocolError("the mail server sent something that is not an SMTP reply")
                    }
                    text.append(String(line.dropFirst(4)))
                    guard line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" else {
                        guard expect.contains(code) else { throw SMTPError.reply(code: code, text: text.joined(separator: " "), step: step) }
                        return (code, text)
                    }
                    if text.count > 100 { throw SMTPError.protocolError("the mail server's reply to \(step) did not end") }
                }
                throw SMTPError.protocolError("the mail server closed the connection during \(step)")
            }
            func command(_ line: String, _ step: String, expect: ClosedRange<Int> = 250...259) async throws -> (code: Int, lines: [String]) {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await reply(step, expect: expect)
            }

            _ = try await reply("the greeting", expect: 220...220)
            var capabilities = try await command("EHLO tocsin", "EHLO").lines.map { $0.uppercased() }
            if !secure, capabilities.contains("STARTTLS") {
                _ = try await command("STARTTLS", "STARTTLS", expect: 220...220)
                try await channel.channel.pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
                secure = true
                capabilities = try await command("EHLO tocsin", "EHLO after STARTTLS").lines.map { $0.uppercased() }
            }
            if let user = settings.username {
                guard secure || settings.isLoopback else {
                    throw SMTPError.insecure("the mail server \(settings.host) offers no TLS; Tocsin will not send the SMTP password in the clear")
                }
                let password = settings.password ?? ""
                let mechanisms = capabilities.first { $0.hasPrefix("AUTH") }?.split(separator: " ").map(String.init) ?? []
                if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                    let token = Data("\0\(user)\0\(password)".utf8).base64EncodedString()
                    _ = try await command("AUTH PLAIN \(token)", "AUTH", expect: 235...235)
                } else {
                    _ = try await command("AUTH LOGIN", "AUTH", expect: 334...334)
                    _ = try await command(Data(user.utf8).base64EncodedString(), "AUTH", expect: 334...334)
                    _ = try await command(Data(password.utf8).base64EncodedString(), "AUTH", expect: 235...235)
                }
            }
            _ = try await command("MAIL FROM:<\(from)>", "MAIL FROM")
            _ = try await command("RCPT TO:<\(to)>", "RCPT TO")
            _ = try await command("DATA", "DATA", expect: 354...354)
            let accepted = try await command(Self.dotStuffed(data) + "\r\n.", "the message")
            _ = try? await command("QUIT", "QUIT", expect: 221...221)
            return accepted.lines.joined(separator: " ")
        }
    }

    static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = settings.trustRootsFile { configuration.trustRoots = .file(file) }
        return try NIOSSLContext(configuration: configuration)
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.allSatisfy { $0.isNumber || $0 == "." } || host.contains(":")
    }

    /// Lines that start with a dot get another, so none ends the message early (RFC 5321 4.5.2).
    static func dotStuffed(_ text: String) -> String {
        text.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}

/// The page as an e-mail: headers, then a plain-text and an HTML part, each base64 so no line is too long and no
/// byte is misread on the way.
enum SMTPMessage {
    /// One incident's part of a message: plain text and HTML (without the document around it).
    static func section(_ message: OutgoingMessage) -> (text: String, html: String) {
        let n = message.notification
        let you = message.recipientName.map { "\($0), you" } ?? "You"
        let (text, html): (String, String)
        switch n.purpose {
        case .page, .request, .exhausted:
            let links = message.actions.map { "\($0.action.label): \($0.url)" }.joined(separator: "\n")
            let buttons = message.actions.map { action in
                "<a href=\"\(escape(action.url))\" style=\"display:inline-block;padding:10px 18px;margin:0 8px 8px 0;border-radius:6px;"
                    + "background:\(action.action == .acknowledge ? "#b3261e" : "#444");color:#fff;text-decoration:none;font-weight:bold\">"
                    + "\(action.action.label)</a>"
            }.joined()
            text = """
                \(n.purpose.lead.map { "\($0.uppercased()).\n\n" } ?? "")\(you) are being paged for incident #\(message.incidentNumber):

                \(message.incidentTitle)

                \(links.isEmpty ? "" : links + "\n(each link asks once more before it acts; it works without signing in for \(Int(MessageAction.lifetime / 3600)) hours)\n\n")Open it: \(message.incidentURL)

                Acknowledging stops the escalation; resolving ends it.
                """
            html = """
                \(n.purpose.lead.map { "<p style=\"color:#b3261e;font-weight:bold\">\(escape($0.uppercased()))</p>" } ?? "")
                <p>\(escape(you)) are being paged for incident #\(message.incidentNumber):</p>
                <h2 style="margin:0.5em 0">\(escape(message.incidentTitle))</h2>
                <p>\(buttons)</p>
                <p><a href="\(escape(message.incidentURL))" style="font-weight:bold">Open incident #\(message.incidentNumber)</a></p>
                <p style="color:#555">Acknowledging stops the escalation; resolving ends it.</p>
                """
        case .taken:
            let detail = n.detail ?? "taken by someone else"
            text = """
                Incident #\(message.incidentNumber) was \(detail): you need not act on the page you got.

                \(message.incidentTitle)

                Open it: \(message.incidentURL)
                """
            html = """
                <p>Incident #\(message.incidentNumber) was <strong>\(escape(detail))</strong>: you need not act on the page you got.</p>
                <h2 style="margin:0.5em 0">\(escape(message.incidentTitle))</h2>
                <p><a href="\(escape(message.incidentURL))">Open incident #\(message.incidentNumber)</a></p>
                """
        }
        return (text, html)
    }

    static func page(_ message: OutgoingMessage, from: String, date: Date) -> String {
        let n = message.notification
        var (text, html) = section(message)
        if !message.bundle.isEmpty {
            // A bundle: one message naming every incident, each with its own links.
            let parts = message.all.map(section)
            text = "\(message.all.count) incidents for you, in one message:\n\n" + parts.map(\.text).joined(separator: "\n\n----\n\n")
            html = "<!doctype html><html><body style=\"font-family:sans-serif\"><p><strong>\(message.all.count) incidents for you</strong>, in one message:</p>"
                + parts.map(\.html).joined(separator: "<hr>") + "</body></html>"
        } else {
            html = "<!doctype html><html><body style=\"font-family:sans-serif\">\n" + html + "\n</body></html>"
        }
        let subject = message.bundle.isEmpty ? message.subject
            : "[Tocsin] \(message.all.count) incidents: " + message.all.map { "#\($0.incidentNumber) \($0.incidentTitle)" }.joined(separator: " · ")
        let boundary = "tocsin-\(n.id.db)"
        let headers = [
            "From: Tocsin <\(from)>",
            "To: <\(n.address)>",
            "Subject: \(encodedHeader(shortened(subject, to: 150)))",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(n.id.db)@tocsin>",
            "X-Tocsin-Incident: \(n.incidentID.db)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        func part(_ type: String, _ body: String) -> String {
            "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64Lines(body)
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + part("text/plain", text) + "\r\n" + part("text/html", html) + "\r\n--\(boundary)--"
    }

    /// A verification code or a test page, as one plain-text part.
    static func note(_ note: DirectNote, to method: ContactMethod, from: String, date: Date) -> String {
        let headers = [
            "From: Tocsin <\(from)>",
            "To: <\(method.address)>",
            "Subject: \(note.subject)",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(note.idPrefix)-\(method.id.db)-\(Int(date.timeIntervalSince1970))@tocsin>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + base64Lines(note.body)
    }

    /// At most `limit` characters, the cut marked: a subject stays well inside a mail line (998 bytes).
    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// A header value: as it is when it is printable ASCII, otherwise RFC 2047 base64 words of at most 45 bytes of
    /// text each (so no word passes 75 characters), folded onto continuation lines. Line breaks never pass.
    static func encodedHeader(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if flat.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) { return flat }
        var words: [String] = []
        var chunk = ""
        for character in flat {
            // Whole characters only, so no word splits one.
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ text: String) -> String {
        Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
