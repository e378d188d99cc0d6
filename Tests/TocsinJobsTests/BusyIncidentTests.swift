import Foundation
import Logging
import Testing
import TocsinCore
import TocsinJobs
import TocsinStorage
import TocsinTestSupport

@Suite("Steps of busy incidents")
struct BusyIncidentTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a step whose incident another transaction holds fires once that transaction lets go, and only once", arguments: TestBackend.available)
    func heldIncident(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let story = EscalationStoryTests()
            let w = try await story.world(database)
            let engine = EscalationEngine(store: w.store, logger: Logger(label: "test"))
            let incident = try await story.trigger(w, "busy", at: t0)
            try await engine.run(now: t0)
            // Another transaction holds the incident (an acknowledgement being written, ingestion rolling it up) while
            // its second level falls due: on PostgreSQL the engine's chunk skips it and the step waits its turn alone.
            let holding = Task {
                try await database.write { db in
                    let lock: SQL = db.kind == .postgres ? " FOR NO KEY UPDATE" : ""
                    try await db.execute("SELECT id FROM incidents WHERE id = \(bind: incident.db)" + lock) { _ in }
                    try await Task.sleep(for: .milliseconds(400))
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            try await engine.run(now: t0.addingTimeInterval(300))
            try await holding.value
            try await engine.run(now: t0.addingTimeInterval(301))
            let events = try await w.store.incidentTimeline(incidentID: incident, page: PageRequest(limit: 200)).items
            #expect(events.filter { $0.kind == .escalated }.map { $0.at.timeIntervalSince(t0) } == [0, 300])
            #expect(try await w.store.notifications(incidentID: incident).filter { $0.step == 1 }.map(\.channel) == [.sms], "Sam paged once")
        }
    }
}
