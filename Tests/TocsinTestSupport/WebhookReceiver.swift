import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP server on 127.0.0.1 that answers webhooks as told and keeps what it received.
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public var headers: [String: String]
        public var body: String
        public var path: String = "/hook"
        public var method: String = "POST"
    }

    public let received = Mutex<[Received]>([])
    /// The status every request gets, unless `answers` names its path.
    public let status = Mutex<Int>(200)
    /// A `Retry-After` header sent with every answer that is not a 2xx (a rate limit asking to wait).
    public let retryAfter = Mutex<String?>(nil)
    /// Per path (without the query): the status and JSON body to answer with (a provider's reply).
    public let answers = Mutex<[String: (status: Int, body: String)]>([:])

    public init() {}

    /// Runs `body` with the receiver's base URL, then stops it.
    public func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let path = request.uri.path
            self.received.withLock {
                $0.append(Received(headers: headers, body: String(buffer: buffer), path: path, method: request.method.rawValue))
            }
            var extra = HTTPFields()
            if let wait = self.retryAfter.withLock({ $0 }) { extra[HTTPField.Name("Retry-After")!] = wait }
            if let answer = self.answers.withLock({ $0[path] }) {
                var fields: HTTPFields = [.contentType: "application/json"]
                if !(200..<300).contains(answer.status) { fields.append(contentsOf: extra) }
                return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
            }
            let code = self.status.withLock { $0 }
            return Response(status: .init(code: code), headers: (200..<300).contains(code) ? [:] : extra)
        }
        router.post("/", use: handler)
        router.post("/**", use: handler)
        router.put("/**", use: handler)
        let port = Mutex<Int?>(nil)
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var waited = 0
            while port.withLock({ $0 }) == nil, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            guard let bound = port.withLock({ $0 }) else { throw CancellationError() }
            try await body("http://127.0.0.1:\(bound)")
            group.cancelAll()
        }
    }
}


extension WebhookReceiver {
    /// Waits up to `seconds` for at least `count` requests (to `path`, when given), and returns those received.
    public func wait(for count: Int, path: String? = nil, seconds: Double = 10) async throws -> [Received] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            let got = received.withLock { $0 }.filter { path == nil || $0.path == path }
            if got.count >= count || ContinuousClock.now > deadline { return got }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
