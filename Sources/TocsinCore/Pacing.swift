import Foundation

/// How often one contact method may be messaged: at most `count` messages per `window` for calls and SMS, and
/// for the channels that bundle, what comes for one person within `bundleWindow` of a message goes out together.
///
/// A person paged by five incidents in a minute gets one call naming all five, not five calls; a storm of
/// incidents costs a person at most three calls and five SMS a quarter hour. The first message always goes at
/// once: pacing only holds what follows it.
public struct Pacing: Sendable, Equatable {
    public struct Limit: Sendable, Equatable {
        public var count: Int
        public var window: TimeInterval

        public init(count: Int, window: TimeInterval) {
            self.count = count
            self.window = window
        }
    }

    /// At most this many messages per contact method in each window, by channel.
    public var limits: [ContactMethod.Kind: Limit]
    /// After a message to a contact method of a bundling channel, what follows for it within this time waits and
    /// goes as one message.
    public var bundleWindow: TimeInterval
    /// The most incidents one message carries, by channel (what does not fit goes in the next).
    public var bundleSizes: [ContactMethod.Kind: Int]

    public init(limits: [ContactMethod.Kind: Limit] = Pacing.defaultLimits, bundleWindow: TimeInterval = 60,
                bundleSizes: [ContactMethod.Kind: Int] = Pacing.defaultBundleSizes) {
        self.limits = limits
        self.bundleWindow = bundleWindow
        // One call's keypress acts on at most `maximumPerCall` incidents.
        self.bundleSizes = bundleSizes.merging([.voice: min(bundleSizes[.voice] ?? 1, Pacing.maximumPerCall)]) { _, capped in capped }
    }

    /// The most incidents one call reads (and its keypress acts on).
    public static let maximumPerCall = 5

    public static let defaultLimits: [ContactMethod.Kind: Limit] = [
        .voice: Limit(count: 3, window: 15 * 60),
        .sms: Limit(count: 5, window: 15 * 60),
    ]
    /// E-mail, SMS and calls bundle: they are what floods a person. Chat messages are rewritten in place (Slack) or
    /// carry one incident's buttons (Teams, push), and webhooks are read by programs: one message per incident.
    /// A call reads at most five titles; an SMS lists five in its two segments.
    public static let defaultBundleSizes: [ContactMethod.Kind: Int] = [.email: 20, .sms: 5, .voice: 5]

    /// Neither limits nor bundles (tests of other things, and the escape hatch).
    public static let none = Pacing(limits: [:], bundleWindow: 0, bundleSizes: [:])

    /// Whether `kind` is paced at all (a paced channel's claims look at what each method was sent recently).
    public func paces(_ kind: ContactMethod.Kind) -> Bool { limits[kind] != nil || bundles(kind) }

    public func bundles(_ kind: ContactMethod.Kind) -> Bool { (bundleSizes[kind] ?? 1) > 1 && bundleWindow > 0 }

    /// The most notifications one message of `kind` carries.
    public func bundleSize(_ kind: ContactMethod.Kind) -> Int { bundles(kind) ? max(1, bundleSizes[kind] ?? 1) : 1 }

    /// How far back sends matter.
    public func lookback(_ kind: ContactMethod.Kind) -> TimeInterval { max(limits[kind]?.window ?? 0, bundles(kind) ? bundleWindow : 0) }

    /// Why a message waits.
    public enum Reason: String, Sendable, Equatable, CaseIterable {
        /// A message went to the same method less than `bundleWindow` ago: this one waits to go with any others.
        case bundle
        /// The method had its `limit` of messages in the window.
        case throttle
    }

    public struct Hold: Sendable, Equatable {
        public var until: Date
        public var reason: Reason

        public init(until: Date, reason: Reason) {
            self.until = until
            self.reason = reason
        }
    }

    /// Whether a message of `kind` to a method that was sent messages at `sends` (any order; only those of the
    /// lookback matter) must wait at `now`, and until when. Nil: it goes now.
    public func hold(_ kind: ContactMethod.Kind, sends: [Date], now: Date) -> Hold? {
        // A send stamped after `now` (another instance's clock ahead of this one) counts as sent now.
        let recent = sends.map { min($0, now) }.filter { $0 > now.addingTimeInterval(-lookback(kind)) }.sorted(by: >)
        var hold: Hold?
        if let limit = limits[kind], limit.count > 0 {
            let inWindow = recent.filter { $0 > now.addingTimeInterval(-limit.window) }
            if inWindow.count >= limit.count {
                // Free again when the oldest of the last `count` sends leaves the window.
                hold = Hold(until: inWindow[limit.count - 1].addingTimeInterval(limit.window), reason: .throttle)
            }
        }
        if bundles(kind), let last = recent.first, last > now.addingTimeInterval(-bundleWindow) {
            let until = last.addingTimeInterval(bundleWindow)
            if hold.map({ until > $0.until }) ?? true { hold = Hold(until: until, reason: .bundle) }
        }
        return hold
    }

    /// What a person reads about a held message.
    public func explain(_ reason: Reason, kind: ContactMethod.Kind) -> String {
        switch reason {
        case .bundle:
            return "held to go with others: a message reached this \(kind.noun) less than \(Int(bundleWindow)) seconds before, and what comes within that time goes as one"
        case .throttle:
            let limit = limits[kind] ?? Limit(count: 0, window: 0)
            return "throttled: at most \(limit.count) \(kind.plural) in \(Int(limit.window / 60)) minutes to one \(kind.noun); what waits goes as one"
        }
    }
}

extension ContactMethod.Kind {
    /// What the address is, in a sentence.
    var noun: String {
        switch self {
        case .email: return "address"
        case .sms, .voice: return "number"
        case .slack, .teams, .push, .webhook: return "destination"
        }
    }

    /// What messages of this channel are called.
    var plural: String {
        switch self {
        case .email: return "e-mails"
        case .sms: return "SMS"
        case .voice: return "calls"
        case .slack: return "Slack messages"
        case .teams: return "Teams messages"
        case .push: return "push notifications"
        case .webhook: return "webhooks"
        }
    }
}
