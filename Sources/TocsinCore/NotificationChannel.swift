import Foundation

/// A message as a channel sends it: the page, the incident it is about, and the links that act on it.
public struct OutgoingMessage: Sendable, Equatable {
    public var notification: NotificationRecord
    public var incidentNumber: Int
    public var incidentTitle: String
    public var recipientName: String?
    /// The incident's page.
    public var incidentURL: String
    /// Webhooks: the key the message is signed with.
    public var signingSecret: String?
    /// Signed links that act on the incident without signing in (pages only), in the order they are offered.
    public var actions: [MessageAction]

    public init(notification: NotificationRecord, incidentNumber: Int, incidentTitle: String, recipientName: String?, incidentURL: String,
                signingSecret: String? = nil, actions: [MessageAction] = []) {
        self.signingSecret = signingSecret
        self.actions = actions
        self.notification = notification
        self.incidentNumber = incidentNumber
        self.incidentTitle = incidentTitle
        self.recipientName = recipientName
        self.incidentURL = incidentURL
    }

    /// One line for channels that carry little: "[Tocsin] #42 Checkout latency high", or for a notice that someone
    /// took it, "[Tocsin] #42 acknowledged by Ana Lima: Checkout latency high".
    public var subject: String {
        switch notification.purpose {
        case .page: return "[Tocsin] #\(incidentNumber) \(incidentTitle)"
        case .taken: return "[Tocsin] #\(incidentNumber) \(notification.detail ?? "taken"): \(incidentTitle)"
        }
    }

    /// The link for `action`, when the message carries one.
    public func link(_ action: IncidentAction) -> String? {
        actions.first { $0.action == action }?.url
    }
}

/// What a person can do to an incident straight from a notification.
public enum IncidentAction: String, Sendable, CaseIterable, Codable {
    case acknowledge, resolve, escalate

    public var label: String {
        switch self {
        case .acknowledge: return "Acknowledge"
        case .resolve: return "Resolve"
        case .escalate: return "Escalate"
        }
    }
}

/// A signed link that performs `action` for the person the message went to.
public struct MessageAction: Sendable, Equatable {
    /// How long a link works after its message was sent.
    public static let lifetime: TimeInterval = 24 * 3600
    public var action: IncidentAction
    public var url: String

    public init(action: IncidentAction, url: String) {
        self.action = action
        self.url = url
    }
}

/// What a provider answered.
public enum ChannelResult: Sendable, Equatable {
    case sent(providerMessageID: String?)
    /// Worth trying again (the provider is down, rate limited, timed out).
    case transient(String)
    /// Trying again will not help (a landline for SMS, an invalid address, a refusal).
    case permanent(String)
}

/// One way of sending (e-mail, SMS, Slack, …). Each channel has its own queue and its own concurrency, so a slow
/// or rate-limited one never holds the others up.
public protocol NotificationChannel: Sendable {
    var kind: ContactMethod.Kind { get }
    /// Messages sent at once.
    var concurrency: Int { get }
    func send(_ message: OutgoingMessage) async -> ChannelResult
}
