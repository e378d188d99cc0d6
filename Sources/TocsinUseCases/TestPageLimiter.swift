import Foundation
import Synchronization
import TocsinCore

/// Test pages go out while the person waits, to any address they verified: at most one a minute per contact method
/// and ten an hour per person, so the button cannot be used to flood a phone or a webhook. Kept in memory: a
/// restart forgets, which is acceptable for limits measured in minutes (each instance counts its own).
public final class TestPageLimiter: Sendable {
    public static let perMethodInterval: TimeInterval = 60
    public static let perPersonPerHour = 10

    /// Per person, the test pages of the last hour: which method and when.
    private let sent = Mutex<[UUID: [(method: UUID, at: Date)]]>([:])

    public init() {}

    /// Counts a test page to `method` of `person` at `now`, or refuses it (429) saying when another may go.
    public func take(person: UUID, method: UUID, now: Date) throws {
        let hourAgo = now.addingTimeInterval(-3600)
        let refusal: (String, Int)? = sent.withLock { table in
            if table.count > 10_000 {
                // Nobody's old entries may grow the table without end: forget whatever left the hour.
                table = table.filter { ($0.value.last?.at ?? .distantPast) > hourAgo }
            }
            let recent = (table[person] ?? []).filter { $0.at > hourAgo }
            table[person] = recent.isEmpty ? nil : recent
            if let last = recent.last(where: { $0.method == method }), now.timeIntervalSince(last.at) < Self.perMethodInterval {
                let wait = Int((Self.perMethodInterval - now.timeIntervalSince(last.at)).rounded(.up))
                return ("a test page went to this contact method less than a minute ago; try again in \(max(1, wait)) seconds", max(1, wait))
            }
            if recent.count >= Self.perPersonPerHour, let first = recent.first {
                let wait = Int((3600 - now.timeIntervalSince(first.at)).rounded(.up))
                return ("\(Self.perPersonPerHour) test pages went out within the hour; try again in \(max(1, wait / 60 + 1)) minutes", max(1, wait))
            }
            table[person, default: []].append((method, now))
            return nil
        }
        if let (message, seconds) = refusal { throw DomainError.rateLimited(message, retryAfterSeconds: seconds) }
    }
}
