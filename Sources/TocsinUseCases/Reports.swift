import Foundation
import TocsinCore

/// Hours on call per person over a period, and who carries more than their share.
public struct OnCallBurdenReport: Sendable {
    public var from: Date
    public var to: Date
    public var rows: [(user: User, burden: OnCallBurden)]
    public var overloaded: Set<UUID>
    public var meanHours: Double
    /// Pages each listed person received in the period (no entry: none).
    public var pages: [UUID: PageLoad] = [:]
    /// More messages were sent in the period than the report reads (`Reports.pagesRead`): the page counts are a floor.
    public var pagesCut = false

    /// A person's pages per shift (nil without shifts).
    public func pagesPerShift(_ row: (user: User, burden: OnCallBurden)) -> Double? {
        row.burden.shifts > 0 ? Double(pages[row.user.id]?.pages ?? 0) / Double(row.burden.shifts) : nil
    }

    /// Everyone listed together.
    public var totalPages: PageLoad {
        rows.reduce(PageLoad(userID: UUID())) { sum, row in
            let p = pages[row.user.id] ?? PageLoad(userID: row.user.id)
            return PageLoad(userID: sum.userID, pages: sum.pages + p.pages, night: sum.night + p.night,
                            outsideWorkingHours: sum.outsideWorkingHours + p.outsideWorkingHours, incidents: sum.incidents + p.incidents,
                            acknowledged: sum.acknowledged + p.acknowledged)
        }
    }

    /// Everyone listed together: the team's load when a team was asked for.
    public var total: OnCallBurden {
        rows.reduce(OnCallBurden(userID: UUID(), onCall: 0, outsideWorkingHours: 0, night: 0, weekend: 0, shifts: 0)) { sum, row in
            OnCallBurden(userID: sum.userID, onCall: sum.onCall + row.burden.onCall,
                         outsideWorkingHours: sum.outsideWorkingHours + row.burden.outsideWorkingHours,
                         night: sum.night + row.burden.night, weekend: sum.weekend + row.burden.weekend, shifts: sum.shifts + row.burden.shifts)
        }
    }
}

/// Problem reports filed by people, and the reports read by people (on-call burden, alert noise): assembled here
/// from storage and the core's calculations, for the API and the pages alike.
public struct Reports: Sendable {
    let store: any TocsinStore
    let now: @Sendable () -> Date

    /// The longest period the noise report covers, and the most alerts it reads for one answer.
    public static let noiseMaximumDays = 92
    public static let noiseMaximumAlerts = 200_000
    /// The most messages the burden report reads for one answer (beyond: the counts are marked as cut).
    public static let pagesRead = 200_000

    public init(store: any TocsinStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// Files a person's problem report on a service: it opens an incident, joins an open one, or is muted (and says why).
    public func fileProblem(_ report: ProblemReport, serviceID: UUID, by person: UUID) async throws -> IngestOutcome {
        guard try await store.service(id: serviceID) != nil else { throw DomainError.notFound("service \(serviceID.db) not found") }
        return try await store.ingest(report.event(id: UUID()), serviceID: serviceID, integrationKeyID: nil, reportedBy: person, now: now())
    }

    /// Everyone with on-call time in the period, or a team's members (with or without time).
    public func onCallBurden(teamID: UUID?, from: Date, to: Date) async throws -> OnCallBurdenReport {
        let queries = OnCallQueries(store: store)
        var people: Set<UUID>? = nil
        if let teamID {
            guard let team = try await store.team(id: teamID) else { throw DomainError.notFound("team \(teamID.db) not found") }
            people = Set(team.memberIDs)
        }
        let entries = try await queries.timeline(try await queries.allSchedules(), from: from, to: to)
            .filter { people?.contains($0.userID) ?? true }
        // Pages count too: someone paged without a schedule (named in a policy, asked to respond) carries load as well.
        let sent = try await store.pagesSent(userIDs: people.map { Array($0) }, from: from, to: to, limit: Self.pagesRead + 1)
        let users = try await store.users(ids: Array((people ?? []).union(entries.map(\.userID)).union(sent.map(\.userID))))
        let zones = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.timeZone) })
        let burdens = OnCallBurden.compute(spans: entries.map { OnCallSpan(userID: $0.userID, start: $0.start, end: $0.end) },
                                           people: zones, from: from, to: to)
        let loads = PageLoad.compute(Array(sent.prefix(Self.pagesRead)), people: zones, from: from, to: to)
        let byID = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0) })
        let rows = burdens.compactMap { b in byID[b.userID].map { (user: $0, burden: b) } }
            .sorted { ($0.burden.onCall, $1.user.name.lowercased()) > ($1.burden.onCall, $0.user.name.lowercased()) }
        let mean = burdens.isEmpty ? 0 : burdens.reduce(0) { $0 + $1.onCall } / Double(burdens.count) / 3600
        return OnCallBurdenReport(from: from, to: to, rows: rows, overloaded: OnCallBurden.overloaded(burdens), meanHours: mean,
                                  pages: loads, pagesCut: sent.count > Self.pagesRead)
    }

    /// Alert noise per service and the noisiest dedup keys over [from, to), days counted in `timeZone`.
    public func noise(serviceID: UUID?, from: Date, to: Date, timeZone: String) async throws -> NoiseReport {
        let facts = try await store.alertFacts(serviceID: serviceID, from: from, to: to, limit: Self.noiseMaximumAlerts)
        return NoiseReport.compute(facts, from: from, to: to, timeZone: TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!)
    }
}
