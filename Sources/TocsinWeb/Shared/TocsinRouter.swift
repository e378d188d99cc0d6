import Foundation
import Hummingbird
import NIOCore
import TocsinCore
import TocsinUseCases

/// Builds the whole HTTP face: middleware, operations endpoints, the API and the pages.
public enum TocsinRouter {
    public static func build(_ env: WebEnvironment) -> (router: Router<TocsinRequestContext>, apiRoutes: RouteTable) {
        let router = Router(context: TocsinRequestContext.self)
        // Order matters: metrics outermost (sees the final status), then error mapping, then identification.
        router.add(middleware: HTTPMetricsMiddleware(metrics: env.metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(env: env))
        router.add(middleware: PageFormMiddleware())

        registerOperations(router, env)
        let table = RouteTable()
        APIRoutes(env: env).register(APIRegistrar(group: router.group("api/v1"), table: table))
        PagerDutyEndpoint(env: env).register(router)
        WebhookEndpoints(env: env).register(router)
        OpsgenieEndpoint(env: env).register(router)
        CalendarFeedEndpoint(env: env).register(router)
        ActionLinkPages(env: env).register(router)
        PhoneCallbacks(env: env).register(router)
        SlackCallbacks(env: env).register(router)
        PagingPages(env: env).register(router)
        EscalationPolicyPages(env: env).register(router)
        ContactMethodPages(env: env).register(router)
        AuthPages(env: env).register(router)
        CatalogPages(env: env).register(router)
        IncidentPages(env: env).register(router)
        AlertPages(env: env).register(router)
        IntegrationKeyPages(env: env).register(router)
        ProblemReports(env: env).registerPages(router)
        NoiseReports(env: env).registerPages(router)
        SilencePages(env: env).register(router)
        NoiseControlPages(env: env).register(router)
        SchedulePages(env: env).register(router)
        OnCallBurdenReports(env: env).registerPages(router)
        PeoplePages(env: env).register(router)
        return (router, table)
    }

    static func registerOperations(_ router: Router<TocsinRequestContext>, _ env: WebEnvironment) {
        router.get("/") { _, context in
            Response.seeOther(context.principal == nil ? "/login" : "/incidents")
        }
        // Process is up: answers without touching the database.
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        // Ready for traffic: the database answers.
        router.get("/readyz") { _, _ in
            do {
                try await env.store.ping()
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
            } catch {
                env.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }
        router.get("/metrics") { _, _ in
            let stats = env.databaseStats()
            env.metrics.gauge("db_connections_in_use", help: "Database connections running a query.").set(Double(stats.inUse))
            env.metrics.gauge("db_connections_idle", help: "Database connections ready for work.").set(Double(stats.idle))
            env.metrics.gauge("db_waiting_requests", help: "Callers waiting for a database connection.").set(Double(stats.waiting))
            var buffer: [UInt8] = []
            env.metrics.registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        router.get("/assets/tocsin.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css + Stylesheet.responseCSS + Stylesheet.pagingCSS)))
        }
    }
}
