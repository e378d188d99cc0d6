import Crypto
import Foundation
import TocsinCore

/// Links to iCalendar feeds, for a schedule or a person. A calendar app fetches them without signing in, so the
/// link itself is the key: `/calendar/{kind}/{id}/{token}.ics`, where the token is an HMAC of the subject and its
/// feed version under a key made once per installation. Revoking moves the version on, and every earlier link
/// stops working. No token is stored, so the link can be shown again whenever it is needed.
public struct CalendarFeeds: Sendable {
    public enum Kind: String, Sendable {
        case schedules, users
    }

    let store: any TocsinStore
    /// The address users reach this server at, without a trailing slash.
    let publicURL: String

    public init(store: any TocsinStore, publicURL: String) {
        self.store = store
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    private func key() async throws -> SymmetricKey {
        let text = try await store.instanceSecret("calendar-feed-key") {
            Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        }
        return SymmetricKey(data: Data(base64Encoded: text) ?? Data(text.utf8))
    }

    private func token(_ kind: Kind, _ id: UUID, version: Int) async throws -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(kind.rawValue):\(id.db):\(version)".utf8), using: try await key())
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public func url(_ kind: Kind, _ id: UUID) async throws -> String {
        try await link(kind, id, version: try await store.calendarFeedVersion(subjectID: id))
    }

    private func link(_ kind: Kind, _ id: UUID, version: Int) async throws -> String {
        publicURL + "/calendar/\(kind.rawValue)/\(id.db)/\(try await token(kind, id, version: version)).ics"
    }

    /// Links for many subjects with one read of their versions (a list of schedules).
    public func urls(_ kind: Kind, _ ids: [UUID]) async throws -> [UUID: String] {
        let versions = try await store.calendarFeedVersions(subjectIDs: ids)
        var links: [UUID: String] = [:]
        for id in ids {
            links[id] = try await link(kind, id, version: versions[id] ?? 0)
        }
        return links
    }

    public func revoke(_ kind: Kind, _ id: UUID) async throws -> String {
        _ = try await store.revokeCalendarFeed(subjectID: id)
        return try await url(kind, id)
    }

    public func accepts(_ kind: Kind, _ id: UUID, token: String) async throws -> Bool {
        let version = try await store.calendarFeedVersion(subjectID: id)
        return Secrets.constantTimeEquals(try await self.token(kind, id, version: version), token)
    }
}
