import Foundation
import Logging
import TocsinCore

/// Rewrites sent chat messages (Slack) when their incident changes, however it changed (a button, a link, the API,
/// its alerts resolving), so the message never offers "Acknowledge" on an incident someone already has. Each pass
/// reads the messages of the last `window` whose incident moved on since they were written, rewrites each, and
/// records what it now shows. A message the chat refuses to change (deleted, too old) is left as it is.
public struct ChatMessageRefresher: Sendable {
    public static let window: TimeInterval = 7 * 86_400
    static let perPass = 50

    let store: any TocsinStore
    let channel: any ChatMessageUpdater
    let publicURL: String
    let logger: Logger

    public init(store: any TocsinStore, channel: any ChatMessageUpdater, publicURL: String, logger: Logger) {
        self.store = store
        self.channel = channel
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.logger = logger
    }

    public static func view(_ message: StaleChatMessage, publicURL: String) -> ChatIncidentView {
        let line: String?
        switch message.status {
        case .triggered: line = nil
        case .acknowledged: line = "Acknowledged" + (message.acknowledgedBy.map { " by \($0)" } ?? "")
        case .resolved: line = "Resolved" + (message.resolvedBy.map { " by \($0)" } ?? "")
        }
        return ChatIncidentView(incidentID: message.incidentID, number: message.number, title: message.title, severity: message.severity,
                                status: message.status, statusLine: line, url: "\(publicURL)/incidents/\(message.incidentID.db)")
    }

    /// One pass; returns how many messages it rewrote.
    @discardableResult
    public func run(now: Date) async throws -> Int {
        let stale = try await store.staleChatMessages(channel: channel.kind, now: now, window: Self.window, limit: Self.perPass)
        var rewritten = 0
        for message in stale {
            switch await channel.update(messageID: message.messageID, Self.view(message, publicURL: publicURL)) {
            case .sent:
                rewritten += 1
                _ = try await store.markChatMessageRendered(id: message.notificationID, renderedAt: message.updatedAt)
            case .permanent(let reason):
                logger.notice("a chat message could not be rewritten; it stays as it was", metadata: ["notification_id": "\(message.notificationID.db)",
                                                                                                  "reason": "\(reason)"])
                _ = try await store.markChatMessageRendered(id: message.notificationID, renderedAt: message.updatedAt)
            case .transient, .rateLimited:
                // Tried again next pass.
                break
            }
        }
        return rewritten
    }
}

extension ChatMessageRefresher: PeriodicJob {
    public var name: String { "chat message refresher: \(channel.kind.rawValue)" }
    public var interval: Duration { .seconds(2) }
    public func runOnce(now: Date) async throws { try await run(now: now) }
}
