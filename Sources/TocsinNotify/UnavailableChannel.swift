import Foundation
import TocsinCore

/// A channel Tocsin cannot send by here: not configured (e-mail without `TOCSIN_SMTP_URL`) or not built yet. Its pages
/// fail at once, saying so on the incident's timeline, rather than waiting unseen in the queue.
public struct UnavailableChannel: NotificationChannel {
    public let kind: ContactMethod.Kind
    public let concurrency = 1
    let reason: String

    public init(kind: ContactMethod.Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public func send(_ message: OutgoingMessage) async -> ChannelResult { .permanent(reason) }
    public func sendNote(_ note: DirectNote, to method: ContactMethod) async -> ChannelResult { .permanent(reason) }
}
