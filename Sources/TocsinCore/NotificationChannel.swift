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

    public init(notification: NotificationRecord, incidentNumber: Int, incidentTitle: String, recipientName: String?, incidentURL: String,
                signingSecret: String? = nil) {
        self.signingSecret = signingSecret
        self.notification = notification
        self.incidentNumber = incidentNumber
        self.incidentTitle = incidentTitle
        self.recipientName = recipientName
        self.incidentURL = incidentURL
    }

    /// One line for channels that carry little: "[Tocsin] #42 Checkout latency high".
    public var subject: String { "[Tocsin] #\(incidentNumber) \(incidentTitle)" }
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
