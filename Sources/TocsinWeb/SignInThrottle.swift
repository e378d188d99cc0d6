import Foundation
import Synchronization
import TocsinCore

/// Limits failed sign-ins per e-mail address and per client address over a sliding window,
/// so passwords cannot be guessed at speed. Kept in memory: a restart forgets, which is acceptable
/// for a limit measured in minutes.
public final class SignInThrottle: Sendable {
    public struct Limits: Sendable {
        public var perAccount: Int
        public var perAddress: Int
        public var window: TimeInterval

        public init(perAccount: Int = 5, perAddress: Int = 20, window: TimeInterval = 15 * 60) {
            self.perAccount = perAccount
            self.perAddress = perAddress
            self.window = window
        }
    }

    public let limits: Limits
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Throws `rateLimited` when either key has used up its attempts.
    public func check(email: String, address: String, now: Date) throws {
        let cutoff = now.addingTimeInterval(-limits.window)
        let (account, client) = failures.withLock { table in
            (recent(&table, "account:" + email.lowercased(), cutoff), recent(&table, "address:" + address, cutoff))
        }
        var retry: Date?
        if account.count >= limits.perAccount { retry = account.first }
        if client.count >= limits.perAddress { retry = min(retry ?? .distantFuture, client.first ?? now) }
        if let retry {
            let seconds = max(1, Int((retry.addingTimeInterval(limits.window).timeIntervalSince(now)).rounded(.up)))
            throw DomainError.rateLimited("Too many failed sign-ins. Try again in \(seconds / 60 + 1) minutes.", retryAfterSeconds: seconds)
        }
    }

    public func recordFailure(email: String, address: String, now: Date) {
        failures.withLock { table in
            table["account:" + email.lowercased(), default: []].append(now)
            table["address:" + address, default: []].append(now)
            if table.count > 10_000 { table = table.filter { !($0.value.last.map { $0 < now.addingTimeInterval(-limits.window) } ?? true) } }
        }
    }

    public func recordSuccess(email: String) {
        _ = failures.withLock { $0.removeValue(forKey: "account:" + email.lowercased()) }
    }

    private func recent(_ table: inout [String: [Date]], _ key: String, _ cutoff: Date) -> [Date] {
        let kept = (table[key] ?? []).filter { $0 > cutoff }
        table[key] = kept.isEmpty ? nil : kept
        return kept
    }
}
