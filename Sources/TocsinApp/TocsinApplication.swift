import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TocsinCore
import TocsinJobs
import TocsinNotify
import TocsinStorage
import TocsinUseCases
import TocsinWeb

/// The composition root: one function builds the server for both `tocsin serve` and the tests.
public enum TocsinApplication {
    public static func makeLogger(_ config: AppConfig) -> Logger {
        var logger = Logger(label: "tocsin")
        logger.logLevel = config.logLevel
        return logger
    }

    /// Opens the database and brings its schema up to date.
    public static func openDatabase(_ config: AppConfig, logger: Logger) async throws -> Database {
        let database = try await Database.open(try config.databaseLocation(), logger: logger)
        do {
            try await Migrator(database: database).migrate(logger: logger)
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    /// The HTTP application over an open, migrated database. The database closes after the server has stopped.
    public static func build(config: AppConfig, database: Database, logger: Logger,
                             now: @escaping @Sendable () -> Date = { Date() },
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        make(config: config, database: database, logger: logger, now: now, onServerRunning: onServerRunning).application
    }

    /// The application with its environment and API route table: `tocsin serve` and the tests build it here,
    /// so the tests run the same services (the background jobs among them) as the server.
    public static func make(config: AppConfig, database: Database, logger: Logger,
                            now: @escaping @Sendable () -> Date = { Date() },
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> (application: some ApplicationProtocol, env: WebEnvironment, routes: RouteTable) {
        var env = makeEnvironment(config: config, database: database, logger: logger, now: now)
        // Paging: the escalation engine, and one sender per channel, each with its own queue.
        var channels: [any NotificationChannel] = [WebhookChannel(now: now, destinations: config.destinations)]
        if let smtp = config.smtp {
            channels.append(SMTPChannel(settings: smtp, now: now))
        } else {
            channels.append(UnavailableChannel(kind: .email, reason: "e-mail is not configured on this Tocsin (TOCSIN_SMTP_URL and TOCSIN_SMTP_FROM)"))
        }
        if config.phoneProviders.isEmpty {
            for kind in [ContactMethod.Kind.sms, .voice] {
                channels.append(UnavailableChannel(kind: kind, reason: "\(kind.rawValue) is not configured on this Tocsin (TOCSIN_TWILIO_* or a gateway)"))
            }
        } else {
            let providers: [any PhoneProvider] = config.phoneProviders.map { settings in
                switch settings {
                case .twilio(let twilio): return TwilioProvider(settings: twilio, statusCallback: env.publicURL + "/callbacks/twilio/status")
                case .gateway(let sms, let voice): return GatewayProvider(sms: sms, voice: voice)
                }
            }
            channels.append(PhoneChannel(kind: .sms, providers: providers))
            channels.append(PhoneChannel(kind: .voice, providers: providers))
        }
        var refreshers: [ChatMessageRefresher] = []
        if let slack = config.slack {
            let channel = SlackChannel(settings: slack)
            channels.append(channel)
            refreshers.append(ChatMessageRefresher(store: env.store, channel: channel, publicURL: env.publicURL, logger: logger))
        } else {
            channels.append(UnavailableChannel(kind: .slack, reason: "Slack is not configured on this Tocsin (TOCSIN_SLACK_TOKEN and TOCSIN_SLACK_SIGNING_SECRET)"))
        }
        channels.append(TeamsChannel(destinations: config.destinations))
        channels.append(NtfyChannel(token: config.ntfyToken, tokenServer: config.ntfyServer, destinations: config.destinations))
        // Verification codes and test pages go out by the same channels.
        env.verificationCodes = ChannelCodeSender(channels: channels, logger: logger)
        env.directNotes = ChannelNoteSender(channels: channels)
        let (router, routes) = TocsinRouter.build(env)
        let observer = PagingMetrics(registry: env.metrics.registry)
        let senders = channels.map {
            NotificationDispatcher(store: env.store, channel: $0, publicURL: env.publicURL, logger: logger, wakeup: Wakeup(), observer: observer,
                                   clock: now, pacing: config.pacing)
        }
        // Woken by ingestion when an incident opens, and waking the senders when it queues pages: the first page
        // leaves in milliseconds, not at the next tick.
        let engine = EscalationEngine(store: env.store, logger: logger, wakeup: (env.store as? SQLStore)?.escalationWork,
                                      senders: senders.compactMap(\.wakeup), clock: now)
        let watchdog = PagingWatchdog(store: env.store, observer: observer, logger: logger)
        let jobs = JobService(jobs: [HandoffRecorder(store: env.store, logger: logger), engine, watchdog] + senders + refreshers, now: now, logger: logger)
        var application = Application(
            router: router,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "tocsin"),
            // Stopped in reverse order: the jobs before the database closes.
            services: [DatabaseService(database: database), jobs],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? config.port) },
            logger: logger
        )
        application.beforeServerStarts { await jobs.firstPass() }
        return (application, env, routes)
    }

    public static func makeEnvironment(config: AppConfig, database: Database, logger: Logger,
                                       now: @escaping @Sendable () -> Date = { Date() }) -> WebEnvironment {
        var env = WebEnvironment(
            store: SQLStore(database: database), now: now, publicURL: config.effectivePublicURL,
            passwords: PasswordHasher(cost: config.bcryptCost), logger: logger,
            databaseStats: { let s = database.stats; return (s.inUse, s.idle, s.waiting) }
        )
        env.twilioAuthToken = config.twilioAuthToken
        env.gatewayInboundToken = config.gatewayInboundToken
        if let slack = config.slack {
            env.slackSigningSecret = slack.signingSecret
            let channel = SlackChannel(settings: slack)
            env.slackRespond = { url, text in await channel.respond(responseURL: url, text: text) }
        }
        return env
    }
}

/// Keeps the database open while the server runs and closes it once the server has shut down
/// (the service group stops services in reverse order, so this one goes last).
struct DatabaseService: ServiceLifecycle.Service {
    let database: Database

    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}
