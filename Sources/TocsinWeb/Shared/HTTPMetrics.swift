import Foundation
import Hummingbird
import Prometheus
import Synchronization

/// Request counts by route and status, and a latency histogram, kept in a registry of our own
/// (no global metrics state, so tests and several apps in one process do not collide).
public struct HTTPMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The counter and histogram of each method, route and status, looked up in the registry once: asking the
    /// registry builds and hashes the label set every time, a few percent of an ingested event.
    private let handles = HandleCache()

    private final class HandleCache: Sendable {
        struct Key: Hashable {
            var method: String
            var route: String
            var status: Int
        }
        let table = Mutex<[Key: (Counter, DurationHistogram)]>([:])
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
    ]

    func record(method: String, route: String, status: Int, duration: Duration) {
        let key = HandleCache.Key(method: method, route: route, status: status)
        let (counter, histogram) = handles.table.withLock { table in
            if let found = table[key] { return found }
            let made = (
                registry.makeCounter(
                    descriptor: .init(namespace: "tocsin", metricName: "http_requests", unitName: "total",
                                      helpText: "HTTP requests answered, by route and status."),
                    labels: [("method", method), ("route", route), ("status", String(status))]),
                registry.makeDurationHistogram(
                    descriptor: .init(namespace: "tocsin", metricName: "http_request_duration", unitName: "seconds",
                                      helpText: "Time to answer HTTP requests."),
                    labels: [("method", method), ("route", route)],
                    buckets: Self.latencyBuckets))
            table[key] = made
            return made
        }
        counter.increment()
        histogram.record(duration)
    }

    func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: .init(namespace: "tocsin", metricName: name, unitName: "", helpText: help), labels: labels)
    }
}

/// Outermost middleware, so it sees the status the error middleware chose.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = TocsinRequestContext
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            // The route pattern, not the path, keeps the label set small.
            let route = context.endpointPath ?? "unmatched"
            metrics.record(method: request.method.rawValue, route: route, status: status, duration: ContinuousClock.now - start)
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
