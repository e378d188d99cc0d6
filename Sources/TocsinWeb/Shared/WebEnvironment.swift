import Foundation
import Logging
import TocsinCore
import TocsinUseCases

/// What the web layer is given by the composition root.
public struct WebEnvironment: Sendable {
    public var store: any TocsinStore
    public var now: @Sendable () -> Date
    /// The address users reach this server at, for links in pages, e-mails and the setup message.
    public var publicURL: String
    public var passwords: PasswordHasher
    public var sessionLifetime: TimeInterval
    public var signInThrottle: SignInThrottle
    public var eventRateLimiter: EventRateLimiter
    public var metrics: HTTPMetrics
    public var logger: Logger
    /// Checks the signature of Twilio's callbacks (SMS replies, keypresses); nil when Twilio is not configured.
    public var twilioAuthToken: String?
    /// Proves an SMS reply comes from the generic SMS gateway (`TOCSIN_SMS_GATEWAY_INBOUND_TOKEN`); nil: no such endpoint.
    public var gatewayInboundToken: String?
    /// Checks the signature of Slack's button presses; nil when Slack is not configured.
    public var slackSigningSecret: String?
    /// Tells the person who pressed a Slack button what came of it (through the interaction's response URL).
    public var slackRespond: (@Sendable (_ responseURL: String, _ text: String) async -> Void)?
    /// Carries contact-method verification codes.
    public var verificationCodes: any VerificationCodeSender = UndeliveredCodes()
    /// Carries test pages ("send me a test page").
    public var directNotes: any DirectNoteSender = UndeliveredNotes()
    /// Reports database pool use at scrape time.
    public var databaseStats: @Sendable () -> (inUse: Int, idle: Int, waiting: Int)

    public init(store: any TocsinStore, now: @escaping @Sendable () -> Date = { Date() }, publicURL: String,
                passwords: PasswordHasher = PasswordHasher(), sessionLifetime: TimeInterval = 7 * 24 * 3600,
                signInThrottle: SignInThrottle = SignInThrottle(), eventRateLimiter: EventRateLimiter = EventRateLimiter(), metrics: HTTPMetrics = HTTPMetrics(),
                logger: Logger, databaseStats: @escaping @Sendable () -> (inUse: Int, idle: Int, waiting: Int) = { (0, 0, 0) }) {
        self.store = store
        self.now = now
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.passwords = passwords
        self.sessionLifetime = sessionLifetime
        self.signInThrottle = signInThrottle
        self.eventRateLimiter = eventRateLimiter
        self.metrics = metrics
        self.logger = logger
        self.databaseStats = databaseStats
    }

    /// Cookies are marked Secure when users reach the server over HTTPS.
    public var secureCookies: Bool { publicURL.lowercased().hasPrefix("https://") }

    public func link(_ path: String) -> String { publicURL + path }

    // The application layer, over this environment's store and clock.
    public var accounts: Accounts { Accounts(store: store, passwords: passwords, now: now) }
    public var catalog: Catalog { Catalog(store: store, now: now) }
    public var incidents: Incidents { Incidents(store: store, now: now) }
    public var onCall: OnCallQueries { OnCallQueries(store: store) }
    public var calendarFeeds: CalendarFeeds { CalendarFeeds(store: store, publicURL: publicURL) }
    public var reports: Reports { Reports(store: store, now: now) }
    public var contactMethods: ContactMethods { ContactMethods(store: store, codes: verificationCodes, notes: directNotes, now: now) }
}
