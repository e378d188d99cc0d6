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

    /// Counts an attempt as failed until `recordSuccess` says otherwise, so attempts sent in parallel
    /// cannot all pass while the password checks run. Throws `rateLimited` when either key is used up.
    public func begin(email: String, address: String, now: Date) throws {
        let cutoff = now.addingTimeInterval(-limits.window)
        let (account, client): ([Date], [Date]) = failures.withLock { table in
            if table.count > 10_000 {
                // Failures alone must not grow the table without end: forget whatever left the window.
                table = table.filter { ($0.value.last ?? .distantPast) > cutoff }
            }
            let account = recent(&table, "account:" + email.lowercased(), cutoff)
            let client = recent(&table, "address:" + address, cutoff)
            if account.count < limits.perAccount && client.count < limits.perAddress {
                table["account:" + email.lowercased(), default: []].append(now)
                table["address:" + address, default: []].append(now)
            }
            return (account, client)
        }
        var retry: Date?
        if account.count >= limits.perAccount { retry = account.first }
        if client.count >= limits.perAddress { retry = min(retry ?? .distantFuture, client.first ?? now) }
        if let retry {
            let seconds = max(1, Int((retry.addingTimeInterval(limits.window).timeIntervalSince(now)).rounded(.up)))
            throw DomainError.rateLimited("Too many failed sign-ins. Try again in \(seconds / 60 + 1) minutes.", retryAfterSeconds: seconds)
        }
    }

    /// A successful sign-in clears the account's failures and takes back this attempt from the address.
    public func recordSuccess(email: String, address: String, now: Date) {
        failures.withLock { table in
            table.removeValue(forKey: "account:" + email.lowercased())
            if var attempts = table["address:" + address], let last = attempts.lastIndex(of: now) {
                attempts.remove(at: last)
                table["address:" + address] = attempts.isEmpty ? nil : attempts
            }
            if table.count > 10_000 {
                let cutoff = now.addingTimeInterval(-limits.window)
                table = table.filter { ($0.value.last ?? .distantPast) > cutoff }
            }
        }
    }

    private func recent(_ table: inout [String: [Date]], _ key: String, _ cutoff: Date) -> [Date] {
        let kept = (table[key] ?? []).filter { $0 > cutoff }
        table[key] = kept.isEmpty ? nil : kept
        return kept
    }
}
