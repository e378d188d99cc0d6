import Crypto
import Foundation
import TocsinCore

/// Links in a notification that acknowledge, resolve or escalate its incident without signing in: the link itself is
/// the key. Each is for one incident, one person (the one paged, who is then the author on the timeline), one action
/// and one channel, and expires after `lifetime`:
///
///     /act/ack.email.<incident id>.<user id>.<expires, unix seconds>.<HMAC-SHA256, 128 bits, base64url>
///
/// The HMAC covers everything before it under a key made once per installation; nothing is stored per link. Opening
/// a link (GET) shows what it will do and one button; only the POST acts, so a mail scanner that fetches every link
/// in a message acknowledges nothing.
public struct ActionLinks: Sendable {
    public static let lifetime = MessageAction.lifetime
    /// Longer than any link this makes: the parser reads nothing bigger.
    static let maximumLength = 160

    let store: any TocsinStore
    /// Without a trailing slash.
    let publicURL: String

    public init(store: any TocsinStore, publicURL: String) {
        self.store = store
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// What a valid link lets its holder do.
    public struct Grant: Sendable, Equatable {
        public var action: IncidentAction
        /// The channel the link went out on ("email", "teams", "push"), for the timeline.
        public var channel: ContactMethod.Kind
        public var incidentID: UUID
        public var userID: UUID
        public var expiresAt: Date
    }

    public enum Verdict: Sendable, Equatable {
        case valid(Grant)
        /// Genuine, but too old: the holder must sign in.
        case expired(Grant)
        case invalid
    }

    static func code(_ action: IncidentAction) -> String {
        switch action {
        case .acknowledge: return "ack"
        case .resolve: return "res"
        case .escalate: return "esc"
        }
    }

    private func key() async throws -> SymmetricKey {
        let text = try await store.instanceSecret("action-link-key") {
            Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        }
        return SymmetricKey(data: Data(base64Encoded: text) ?? Data(text.utf8))
    }

    private static func mac(_ message: String, _ key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)
        return Data(Data(mac).prefix(16)).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public func token(_ grant: Grant) async throws -> String {
        let body = "\(Self.code(grant.action)).\(grant.channel.rawValue).\(grant.incidentID.db).\(grant.userID.db).\(Int(grant.expiresAt.timeIntervalSince1970))"
        return body + "." + Self.mac(body, try await key())
    }

    /// The links a page offers its recipient, valid from `now` for `lifetime`.
    public func actions(incidentID: UUID, userID: UUID, channel: ContactMethod.Kind, now: Date,
                        offering: [IncidentAction] = IncidentAction.allCases) async throws -> [MessageAction] {
        var links: [MessageAction] = []
        for action in offering {
            let grant = Grant(action: action, channel: channel, incidentID: incidentID, userID: userID, expiresAt: now.addingTimeInterval(Self.lifetime))
            links.append(MessageAction(action: action, url: publicURL + "/act/" + (try await token(grant))))
        }
        return links
    }

    /// Where a voice provider posts the key the person pressed: `/callbacks/voice/{token}`, the token granting
    /// the call's recipient every action (the key chooses one).
    public func voiceReplyURL(incidentID: UUID, userID: UUID, now: Date) async throws -> String {
        try await voiceReplyURL(incidentIDs: [incidentID], userID: userID, now: now) ?? ""
    }

    /// Where a call reading several incidents (a bundle) posts its keypress: one token per incident, joined by `~`,
    /// so the key acts on each. Nil without a person or an incident.
    public func voiceReplyURL(incidentIDs: [UUID], userID: UUID?, now: Date) async throws -> String? {
        guard let userID, !incidentIDs.isEmpty else { return nil }
        var tokens: [String] = []
        var seen = Set<UUID>()
        // Once per incident (a bundle can carry two pages of one), at most as many as a call reads.
        for incidentID in incidentIDs where seen.insert(incidentID).inserted && seen.count <= Self.maximumPerCall {
            tokens.append(try await token(Grant(action: .acknowledge, channel: .voice, incidentID: incidentID, userID: userID,
                                                expiresAt: now.addingTimeInterval(Self.lifetime))))
        }
        return publicURL + "/callbacks/voice/" + tokens.joined(separator: "~")
    }

    /// The most incidents one call's keypress acts on.
    public static let maximumPerCall = Pacing.maximumPerCall

    /// Reads a link's token. Anything malformed, forged or altered is `invalid`; the reason is not told apart, so
    /// tokens cannot be probed piece by piece.
    public func verify(_ token: String, now: Date) async throws -> Verdict {
        guard token.utf8.count <= Self.maximumLength else { return .invalid }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6,
              let action = IncidentAction.allCases.first(where: { Self.code($0) == parts[0] }),
              let channel = ContactMethod.Kind(rawValue: parts[1]),
              let incidentID = UUID(uuidString: parts[2]), let userID = UUID(uuidString: parts[3]),
              parts[4].utf8.count <= 12, parts[4].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let expires = Int(parts[4])
        else { return .invalid }
        let body = parts[0..<5].joined(separator: ".")
        guard Secrets.constantTimeEquals(Self.mac(body, try await key()), parts[5]) else { return .invalid }
        let grant = Grant(action: action, channel: channel, incidentID: incidentID, userID: userID,
                          expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)))
        return grant.expiresAt > now ? .valid(grant) : .expired(grant)
    }
}

extension ContactMethod.Kind {
    /// How a person acting through this channel is named on the timeline: "acknowledged by Ana Lima (e-mail link)".
    public var actionVia: String {
        switch self {
        case .email: return "e-mail link"
        case .sms: return "SMS"
        case .voice: return "phone call"
        case .slack: return "Slack"
        case .teams: return "Teams"
        case .push: return "push notification"
        case .webhook: return "webhook link"
        }
    }
}
