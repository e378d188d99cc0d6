import Foundation
import TocsinCore

/// How a person is reached, in words: "At once by push and e-mail, after 5 minutes by SMS, after 10 by voice".
enum ReachText {
    static func kind(_ kind: ContactMethod.Kind) -> String {
        switch kind {
        case .email: return "e-mail"
        case .sms: return "SMS"
        case .voice: return "voice call"
        case .slack: return "Slack"
        case .teams: return "Microsoft Teams"
        case .push: return "push"
        case .webhook: return "webhook"
        }
    }

    /// The pages a person's rules queue for one incident, as one sentence; nil when there are none.
    static func sentence(_ pages: [NotificationDraft]) -> String? {
        phrase(pages).map { $0.prefix(1).uppercased() + $0.dropFirst() }
    }

    /// The same, to follow a name: "at once by push and e-mail, after 5 minutes by SMS".
    static func phrase(_ pages: [NotificationDraft]) -> String? {
        guard !pages.isEmpty else { return nil }
        let delays = Set(pages.map(\.delayMinutes)).sorted()
        var saidMinutes = false
        let parts = delays.map { delay -> String in
            var seen = Set<String>()
            let kinds = pages.filter { $0.delayMinutes == delay }.map { kind($0.contactMethod.kind) }.filter { seen.insert($0).inserted }
            let how = "by " + list(kinds)
            if delay == 0 { return "at once " + how }
            defer { saidMinutes = true }
            return saidMinutes ? "after \(delay) \(how)" : "after \(delay) minute\(delay == 1 ? "" : "s") \(how)"
        }
        return parts.joined(separator: ", ")
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    /// "0 min", or "0 min, again at 35 and 70 min" when the policy repeats.
    static func minutes(_ firesAt: [Int]) -> String {
        guard let first = firesAt.first else { return "" }
        let again = firesAt.dropFirst().map(String.init)
        return again.isEmpty ? "at \(first) min" : "at \(first) min, again at \(list(Array(again))) min"
    }
}
