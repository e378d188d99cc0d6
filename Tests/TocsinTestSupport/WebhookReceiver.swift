import Foundation
import Hummingbird
import Logging
import Synchronization

/// A real HTTP server on 127.0.0.1 that answers webhooks as told and keeps what it received.
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public var headers: [String: String]
        public var body: String
    }

    public let received = Mutex<[Received]>([])
    public let status = Mutex<Int>(200)

    public init() {}

    /// Runs `body` with the receiver's base URL, then stops it.
    public func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            self.received.withLock { $0.append(Received(headers: headers, body: String(buffer: buffer))) }
            return Response(status: .init(code: self.status.withLock { $0 }))
        }
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

