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
            ], database: database, settingsCache: IngestSettingsCache())
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

    /// The `ingest_settings` counter that tells ingestion its kept settings are stale.
    private func settingsVersion(_ database: Database) async throws -> Int64 {
        try #require(try await database.read { db in
            try await db.raw("SELECT value FROM counters WHERE name = 'ingest_settings'").first(decodingColumn: "value", as: Int64.self)
        })
    }

    @Test("every change to what ingestion reads about services moves the settings version, whoever makes it", arguments: TestBackend.available)
    func settingsVersionMoves(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var version = try await settingsVersion(database)
            func expectMoved(_ what: Comment) async throws {
                let now = try await settingsVersion(database)
                #expect(now > version, what)
                version = now
            }
            let db = Seed.service("Database")
            try await store.createService(db)
            try await expectMoved("a new service")
            var api = Seed.service("API", dependsOn: [db.id])
            try await store.createService(api)
            try await expectMoved("a service with a dependency")
            api.tier = 1
            try await store.updateService(api)
            try await expectMoved("a service's tier")
            let silence = Silence(id: UUID(), serviceID: api.id, matchers: [AlertMatcher(name: "job", op: .equal, value: "x")],
                                  startsAt: t0, endsAt: t0.addingTimeInterval(600), createdBy: nil, comment: "c", createdAt: t0)
            try await store.createSilence(silence)
            try await expectMoved("a silence")
            _ = try await store.expireSilence(id: silence.id, now: t0.addingTimeInterval(1))
            try await expectMoved("an expired silence")
            let window = MaintenanceWindow(id: UUID(), serviceID: api.id, name: "drill", schedule: .once(start: t0, end: t0.addingTimeInterval(60)),
                                           createdAt: t0)
            try await store.createMaintenanceWindow(window)
            try await expectMoved("a maintenance window")
            try await store.deleteMaintenanceWindow(id: window.id, serviceID: api.id)
            try await expectMoved("a deleted maintenance window")
            try await store.replaceEventRules([EventRule(id: UUID(), conditions: [AlertMatcher(name: "dedup_key", op: .equal, value: "c")], action: .drop)], serviceID: api.id, now: t0)
            try await expectMoved("event rules")
            // Another process writing plain SQL is seen too: the database counts, not this store.
            try await database.write { db in try await db.raw("DELETE FROM service_dependencies WHERE service_id = \(bind: api.id.db)").run() }
            try await expectMoved("a dependency removed by hand")
            try await store.deleteService(id: api.id)
            try await expectMoved("a deleted service")
        }
    }

    @Test("settings kept between batches give way to changes made through another store on the same database", arguments: TestBackend.available)
    func keptSettingsFollowOtherWriters(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let ingesting = SQLStore(database: database)
            // Another instance or the CLI: its own store, so nothing in the ingesting one hears of its changes.
            let other = SQLStore(database: database)
            let service = Seed.service("Checkout")
            try await other.createService(service)
            let first = try await ingesting.ingest(AlertEvent(action: .trigger, dedupKey: "a"), serviceID: service.id, integrationKeyID: nil, now: t0)
            #expect(first.incidentID != nil)

            try await other.createMaintenanceWindow(MaintenanceWindow(id: UUID(), serviceID: service.id, name: "Deploy",
                                                                      schedule: .once(start: t0, end: t0.addingTimeInterval(600)), createdAt: t0))
            let during = try await ingesting.ingest(AlertEvent(action: .trigger, dedupKey: "b"), serviceID: service.id, integrationKeyID: nil,
                                                    now: t0.addingTimeInterval(60))
            #expect(during.incidentID == nil, "the window made elsewhere mutes the next batch")

            try await other.replaceEventRules([EventRule(id: UUID(), conditions: [AlertMatcher(name: "dedup_key", op: .equal, value: "c")], action: .drop)], serviceID: service.id, now: t0)
            let dropped = try await ingesting.ingest(AlertEvent(action: .trigger, dedupKey: "c"), serviceID: service.id, integrationKeyID: nil,
                                                     now: t0.addingTimeInterval(700))
            guard case .ignore = dropped.decision else {
                Issue.record("the drop rule made elsewhere applies to the next batch, got \(dropped.decision)")
                return
            }

            try await other.deleteService(id: service.id)
            await #expect(throws: (any Error).self, "a service deleted elsewhere is not served from what was kept") {
                _ = try await ingesting.ingest(AlertEvent(action: .trigger, dedupKey: "d"), serviceID: service.id, integrationKeyID: nil,
                                               now: t0.addingTimeInterval(800))
            }
        }
    }

    @Test("kept settings are served only at their version and to batches no earlier than they were read for")
    func settingsCacheBounds() {
        let cache = IngestSettingsCache()
        let service = UUID()
        let settings = IngestSettings(name: "S", tier: 2, severityOverrides: [:], flaps: nil, grouping: .perAlert, rules: [], silences: [],
                                      windows: [], dependencies: [], inhibitReports: false)
        cache.keep(settings, of: service, version: 7, earliest: t0)
        #expect(cache.settings(of: service, version: 7, earliest: t0.addingTimeInterval(5))??.name == "S")
        #expect(cache.settings(of: service, version: 8, earliest: t0.addingTimeInterval(5)) == nil, "another version reads again")
        #expect(cache.settings(of: service, version: 7, earliest: t0.addingTimeInterval(-5)) == nil,
                "a batch earlier than the read may need a silence that had ended by then")
        cache.keep(nil, of: service, version: 8, earliest: t0)
        let missing = cache.settings(of: service, version: 8, earliest: t0)
        #expect(missing != nil && missing! == nil, "a missing service is kept as missing")
        #expect(cache.settings(of: UUID(), version: 8, earliest: t0) == nil)
    }

    @Test("on PostgreSQL a storm refreshes the planner's statistics itself: after 1,000 events, then after twice as many",
          arguments: TestBackend.available)
    func plannerStatistics(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let statistics = PlannerStatistics(database: database)
            statistics.applied(events: PlannerStatistics.firstThreshold - 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(statistics.refreshes == 0, "not yet")
            statistics.applied(events: 1)
            guard database.kind == .postgres else {
                try await Task.sleep(for: .milliseconds(200))
                #expect(statistics.refreshes == 0, "SQLite plans without statistics")
                return
            }
            for _ in 0..<100 where statistics.refreshes == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(statistics.refreshes == 1)
            // Finished is not enough: PostgreSQL must have taken it.
            let analyzed = try await database.read { db in
                try await db.raw("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'alerts'").first(decodingColumn: "last_analyze", as: Date?.self)
            }
            #expect(analyzed != nil, "alerts was analyzed")
            statistics.applied(events: PlannerStatistics.firstThreshold)
            try await Task.sleep(for: .milliseconds(300))
            #expect(statistics.refreshes == 1, "the next refresh waits for twice as many events")
            statistics.applied(events: PlannerStatistics.firstThreshold)
            for _ in 0..<100 where statistics.refreshes == 1 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(statistics.refreshes == 2)

            // Ingestion counts what it commits.
            let store = SQLStore(database: database)
            let service = Seed.service("Storm")
            try await store.createService(service)
            let storm = (0..<PlannerStatistics.firstThreshold).map { AlertEvent(action: .trigger, dedupKey: "k\($0)") }
            _ = try await store.ingest(storm, serviceID: service.id, integrationKeyID: nil, now: t0)
            for _ in 0..<100 where store.batcher.statistics.refreshes == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(store.batcher.statistics.refreshes == 1)
        }
    }

    @Test("a key resolved early in a large batch and opened again at its end keeps one open alert, in both databases",
          arguments: TestBackend.available)
    func resolvedAndReopenedAcrossChunks(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("Queue")
            try await store.createService(service)
            // Muted, so resolving it rolls no incident up and writes nothing early: it waits for the batch's end.
            try await store.createSilence(Silence(id: UUID(), serviceID: service.id, matchers: [AlertMatcher(name: "dedup_key", op: .equal, value: "k0")],
                                                  startsAt: t0, endsAt: t0.addingTimeInterval(3_600), createdBy: nil, comment: "noisy", createdAt: t0))
            let first = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "k0"), serviceID: service.id, integrationKeyID: nil,
                                               now: t0.addingTimeInterval(1))
            // The resolved alert lands in the first chunk of rows written, the new one for the same key in the second.
            let storm = (0..<IngestTransaction.rowsPerStatement).map { AlertEvent(action: .trigger, dedupKey: "x\($0)") }
            let outcomes = try await store.ingest([AlertEvent(action: .resolve, dedupKey: "k0")] + storm + [AlertEvent(action: .trigger, dedupKey: "k0")],
                                                  serviceID: service.id, integrationKeyID: nil, now: t0.addingTimeInterval(2))
            #expect(outcomes.first?.alertID == first.alertID)
            let again = try #require(outcomes.last?.alertID)
            #expect(again != first.alertID)
            let alerts = try await store.alerts(AlertFilter(serviceID: service.id, muted: true), page: PageRequest()).items.filter { $0.dedupKey == "k0" }
            #expect(alerts.count == 2)
            #expect(alerts.first { $0.id == first.alertID }?.status == .resolved)
            #expect(alerts.first { $0.id == again }?.status == .triggered)
        }
    }
}
