import Foundation

/// aiosmtpd on 127.0.0.1 (`Tests/support/smtp_sink.py`), started for one test and stopped after it.
public struct SMTPSink: Sendable {
    public let port: Int
    public let directory: URL

    public static func run<T>(tls: (cert: String, key: String)? = nil, user: (String, String)? = nil, _ body: (SMTPSink) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tocsin-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let portFile = directory.appendingPathComponent("port")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("support/smtp_sink.py")
        var arguments = ["python3", script.path, "--port-file", portFile.path, "--dir", directory.path, "--seconds", "120"]
        if let tls { arguments += ["--cert", tls.cert, "--key", tls.key] }
        if let user { arguments += ["--user", user.0, "--password", user.1] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        for _ in 0..<100 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return try await body(SMTPSink(port: port, directory: directory))
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SinkDidNotStart()
    }

    /// The n-th message received (1-based) and its envelope.
    public func message(_ n: Int) throws -> (text: String, envelope: [String: Any]) {
        let text = try String(contentsOf: directory.appendingPathComponent("\(n).eml"), encoding: .utf8)
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("\(n).json"))) as? [String: Any] ?? [:]
        return (text, envelope)
    }

    public func count() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }.count
    }
}


public struct SinkDidNotStart: Error, CustomStringConvertible {
    public var description: String { "the SMTP sink did not start (is aiosmtpd installed? python3 -m pip install aiosmtpd)" }
}

extension SMTPSink {
    /// Waits up to `seconds` for the n-th message (1-based).
    public func wait(for n: Int, seconds: Double = 10) async throws -> (text: String, envelope: [String: Any]) {
        for _ in 0..<Int(seconds * 50) where count() < n { try await Task.sleep(for: .milliseconds(20)) }
        // The envelope is written just after the message: read until it is whole.
        for _ in 0..<50 {
            if let whole = try? message(n), !whole.envelope.isEmpty { return whole }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try message(n)
    }

    /// The decoded text of a message's parts (each base64, as Tocsin writes them), so a test can read links in it.
    public static func decodedParts(_ message: String) -> [String] {
        message.components(separatedBy: "\r\n\r\n").dropFirst().compactMap { chunk -> String? in
            let base64 = chunk.components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: "") ?? ""
            return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
        }
    }
}
