import Foundation
import Testing
import TocsinCore
@testable import TocsinStorage
import TocsinTestSupport

/// Events that share one transaction must be decided as if they had come one by one: what an earlier event
/// changed (and the batch has not written yet) counts for the next.
@Suite("Ingestion batches")
struct IngestBatchTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("an incident opened earlier in the batch inhibits a dependent service's alert later in it", arguments: TestBackend.available)
    func inhibitionWithinBatch(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let db = Seed.service("Database", tier: 1)
            try await store.createService(db)
            let api = Seed.service("API", dependsOn: [db.id])
            try await store.createService(api)
            let outcomes = try await SQLStore.ingest([
                IngestRequest(events: [AlertEvent(action: .trigger, dedupKey: "down")], serviceID: db.id, integrationKeyID: nil, now: t0),
                IngestRequest(events: [AlertEvent(action: .trigger, dedupKey: "5xx")], serviceID: api.id, integrationKeyID: nil, now: t0),
            ], database: database)
            let incidentID = try #require(outcomes[0][0].incidentID)
            let incident = try #require(try await store.incident(id: incidentID))
            #expect(outcomes[1][0].incidentID == nil)
            let muted = try #require(try await store.alerts(AlertFilter(serviceID: api.id), page: PageRequest()).items.first)
            #expect(muted.mutedReason == "inhibited: Database, which this service depends on, has open incident #\(incident.number)")
        }
    }

    @Test("openings and resolutions earlier in the batch count toward flapping", arguments: TestBackend.available)
    func flappingWithinBatch(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("Flaky")
            try await store.createService(service)
            #expect(try await store.service(id: service.id)?.flapDetection == FlapDetection(changes: 4, windowMinutes: 15))
            let trigger = AlertEvent(action: .trigger, dedupKey: "k"), resolve = AlertEvent(action: .resolve, dedupKey: "k")
            let outcomes = try await store.ingest([trigger, resolve, trigger, resolve, trigger], serviceID: service.id,
                                                  integrationKeyID: nil, now: t0)
            #expect(outcomes[2].incidentID != nil, "the second opening is three changes: not yet flapping")
            #expect(outcomes[4].incidentID == nil, "the third opening is the fifth change in the window")
            let alert = try #require(try await store.alerts(AlertFilter(serviceID: service.id, status: .triggered), page: PageRequest()).items.first)
            #expect(alert.mutedReason?.hasPrefix("flapping: 5 state changes in 15 minutes") == true)
        }
    }
}
