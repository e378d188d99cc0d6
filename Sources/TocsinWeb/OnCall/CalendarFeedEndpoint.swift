import Foundation
import Hummingbird
import NIOCore
import TocsinCore
import TocsinUseCases

/// `GET /calendar/schedules/{id}/{token}.ics` and `GET /calendar/users/{id}/{token}.ics`: the final on-call timeline
/// (two weeks back, 90 days ahead) as an iCalendar feed. The token in the link is the only key; a wrong or
/// revoked one is a 404, the same as an unknown schedule, so links cannot be probed.
struct CalendarFeedEndpoint {
    let env: WebEnvironment
    static let past: TimeInterval = 14 * 86_400
    static let ahead: TimeInterval = 90 * 86_400
    /// Shifts up to this long keep a stable start and UID at the window's edge.
    static let lookBehind: TimeInterval = 62 * 86_400

    func register(_ router: Router<TocsinRequestContext>) {
        router.get("/calendar/:kind/:id/:file") { _, context in
            let notFound = DomainError.notFound("no such calendar")
            guard let kind = context.parameters.get("kind").flatMap(CalendarFeeds.Kind.init(rawValue:)),
                  let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                  let file = context.parameters.get("file"), file.hasSuffix(".ics"),
                  try await env.calendarFeeds.accepts(kind, id, token: String(file.dropLast(4)))
            else { throw notFound }
            let now = env.now()
            // Computed from further back and then cut to shifts that reach the window, so the first shift keeps its
            // real start (and its UID) from one fetch to the next.
            let (from, to) = (now.addingTimeInterval(-Self.past - Self.lookBehind), now.addingTimeInterval(Self.ahead))
            let windowStart = now.addingTimeInterval(-Self.past)
            let queries = env.onCall
            let calendar: ICalendar
            switch kind {
            case .schedules:
                guard let schedule = try await env.store.schedule(id: id) else { throw notFound }
                let entries = try await queries.timeline([schedule], from: from, to: to).filter { $0.end > windowStart }
                let names = try await Self.names(entries, env.store)
                calendar = ICalendar(name: "On call: \(schedule.name)", events: entries.map { entry in
                    ICalendar.Event(uid: Self.uid(entry), start: entry.start, end: entry.end,
                                    summary: "\(names[entry.userID] ?? "Someone") on call (\(schedule.name))",
                                    description: "Tocsin schedule \(schedule.name): \(env.link("/schedules/\(schedule.id.db)"))")
                })
            case .users:
                guard let user = try await env.store.user(id: id) else { throw notFound }
                let schedules = try await queries.schedules(ids: nil, userID: id, from: from, to: to)
                let entries = try await queries.timeline(schedules, userID: id, from: from, to: to).filter { $0.end > windowStart }
                calendar = ICalendar(name: "On call: \(user.name)", events: entries.map { entry in
                    ICalendar.Event(uid: Self.uid(entry), start: entry.start, end: entry.end, summary: "On call: \(entry.schedule.name)",
                                    description: "Tocsin schedule \(entry.schedule.name): \(env.link("/schedules/\(entry.schedule.id.db)"))")
                })
            }
            return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(string: calendar.render(stamp: now))))
        }
    }

    /// Stable across fetches, so a calendar updates a shift instead of duplicating it.
    static func uid(_ entry: OnCallEntry) -> String {
        "\(entry.schedule.id.db)-\(entry.userID.db)-\(Int(entry.start.timeIntervalSince1970))@tocsin"
    }

    static func names(_ entries: [OnCallEntry], _ store: any TocsinStore) async throws -> [UUID: String] {
        Dictionary(uniqueKeysWithValues: try await store.users(ids: Array(Set(entries.map(\.userID)))).map { ($0.id, $0.name) })
    }
}
