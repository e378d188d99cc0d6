import Foundation
import Testing
import TocsinCore
import TocsinStorage
import TocsinTestSupport

@Suite("Ingestion conformance")
struct IngestConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func trigger(_ key: String, severity: AlertSeverity = .critical, summary: String = "Disk full") -> AlertEvent {
        AlertEvent(action: .trigger, dedupKey: key, summary: summary, source: "db-1", severity: severity)
    }

    @Test("an alert fires, repeats, is acknowledged and resolved; its incident follows", arguments: TestBackend.available)
    func lifecycle(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("Ledger", tier: 1)
            try await store.createService(service)

            let first = try await store.ingest(trigger("disk"), serviceID: service.id, integrationKeyID: nil, now: t0)
            #expect(first.decision == .open)
            let incidentID = try #require(first.incidentID)
            var incident = try #require(try await store.incident(id: incidentID))
            #expect(incident.number == 1 && incident.status == .triggered && incident.severity == .sev1)
            #expect(incident.serviceIDs == [service.id] && incident.title == "Disk full" && incident.alertCount == 1)

            let again = try await store.ingest(trigger("disk", severity: .error, summary: "Disk 98% full"), serviceID: service.id,
                                               integrationKeyID: nil, now: t0.addingTimeInterval(60))
            #expect(again.decision == .repeatOccurrence && again.alertID == first.alertID)
            let alert = try #require(try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).items.first)
            #expect(alert.occurrences == 2 && alert.summary == "Disk 98% full" && alert.lastSeenAt == t0.addingTimeInterval(60))
            #expect(alert.firstSeenAt == t0)

            let ack = try await store.ingest(AlertEvent(action: .acknowledge, dedupKey: "disk"), serviceID: service.id, integrationKeyID: nil,
                                             now: t0.addingTimeInterval(120))
            #expect(ack.decision == .acknowledge)
            incident = try #require(try await store.incident(id: incidentID))
            #expect(incident.status == .acknowledged && incident.acknowledgedAt == t0.addingTimeInterval(120))

            _ = try await store.ingest(AlertEvent(action: .resolve, dedupKey: "disk"), serviceID: service.id, integrationKeyID: nil,
                                       now: t0.addingTimeInterval(300))
            incident = try #require(try await store.incident(id: incidentID))
            #expect(incident.status == .resolved && incident.resolvedAt == t0.addingTimeInterval(300))

            // After resolve, the same key opens a new alert and a new incident.
            let reopened = try await store.ingest(trigger("disk"), serviceID: service.id, integrationKeyID: nil, now: t0.addingTimeInterval(600))
            #expect(reopened.decision == .open && reopened.alertID != first.alertID)
            #expect(try await store.incident(id: try #require(reopened.incidentID))?.number == 2)
            #expect(try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).total == 2)
        }
    }

    @Test("acknowledge and resolve for unknown keys are dropped without writing", arguments: TestBackend.available)
    func unknownKeys(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("API")
            try await store.createService(service)
            let outcome = try await store.ingest(AlertEvent(action: .resolve, dedupKey: "never-seen"), serviceID: service.id,
                                                 integrationKeyID: nil, now: t0)
            #expect(outcome.decision == .ignore("no open alert has the dedup key never-seen"))
            #expect(try await store.incidents(IncidentFilter(), page: PageRequest()).total == 0)
        }
    }

    @Test("the same key on two services is two alerts", arguments: TestBackend.available)
    func keysArePerService(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let a = Seed.service("A"), b = Seed.service("B")
            try await store.createService(a)
            try await store.createService(b)
            _ = try await store.ingest(trigger("cpu"), serviceID: a.id, integrationKeyID: nil, now: t0)
            _ = try await store.ingest(trigger("cpu"), serviceID: b.id, integrationKeyID: nil, now: t0)
            #expect(try await store.alerts(AlertFilter(), page: PageRequest()).total == 2)
            #expect(try await store.incidents(IncidentFilter(serviceID: a.id), page: PageRequest()).total == 1)
        }
    }

    @Test("many simultaneous triggers with one key make one alert", arguments: TestBackend.available)
    func concurrentDedup(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("Busy")
            try await store.createService(service)
            try await withThrowingTaskGroup(of: IngestOutcome.self) { group in
                for _ in 0..<20 { group.addTask { try await store.ingest(trigger("storm"), serviceID: service.id, integrationKeyID: nil, now: t0) } }
                try await group.waitForAll()
            }
            let alerts = try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest())
            #expect(alerts.total == 1)
            #expect(alerts.items.first?.occurrences == 20)
            #expect(try await store.incidents(IncidentFilter(), page: PageRequest()).total == 1)
        }
    }

    @Test("concurrent senders share transactions: each sees the ones before it, and a failing one fails alone", arguments: TestBackend.available)
    func groupCommit(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var service = Seed.service("Storm", tier: 1)
            service.alertGrouping = .timeWindow(minutes: 10)
            try await store.createService(service)
            let (missing, serviceID) = (UUID(), service.id)
            let results = await withTaskGroup(of: (Int, Result<IngestOutcome, any Error>).self) { group in
                for i in 0..<60 {
                    group.addTask {
                        // Every fifth sender names a service that does not exist: its events cannot be placed.
                        let target = i % 5 == 0 ? missing : serviceID
                        do {
                            return (i, .success(try await store.ingest(trigger("k\(i)"), serviceID: target, integrationKeyID: nil, now: t0)))
                        } catch {
                            return (i, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            var incidents = Set<UUID>()
            for (i, result) in results {
                switch result {
                case .success(let outcome):
                    #expect(i % 5 != 0)
                    incidents.insert(try #require(outcome.incidentID))
                case .failure(let error):
                    #expect(i % 5 == 0)
                    #expect(error as? DomainError == .notFound("service \(missing.uuidString.lowercased()) not found"))
                }
            }
            #expect(incidents.count == 1, "the storm joined one incident even when its alerts shared a transaction")
            #expect(try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).total == 48)
            #expect(try await store.alerts(AlertFilter(), page: PageRequest()).total == 48, "nothing of the failed senders was written")
            #expect(try await store.incident(id: try #require(incidents.first))?.alertCount == 48)
        }
    }

    @Test("one batch that opens, resolves and reopens a key keeps both alerts and both incidents apart", arguments: TestBackend.available)
    func reopenWithinBatch(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var service = Seed.service("Flicker")
            service.alertGrouping = .timeWindow(minutes: 10)
            try await store.createService(service)
            let outcomes = try await store.ingest([
                trigger("k"), AlertEvent(action: .acknowledge, dedupKey: "k"), AlertEvent(action: .resolve, dedupKey: "k"),
                trigger("k", summary: "Disk full again"), trigger("k"), trigger("other"),
            ], serviceID: service.id, integrationKeyID: nil, now: t0)
            #expect(outcomes.map(\.decision) == [.open, .acknowledge, .resolve, .open, .repeatOccurrence, .open])
            let first = try #require(outcomes[0].incidentID)
            let second = try #require(outcomes[3].incidentID)
            #expect(first != second, "the first incident was resolved, so the reopened key cannot join it")
            #expect(outcomes[5].incidentID == second, "the window joins the newest open incident, opened in the same batch")
            #expect(try await store.incident(id: first)?.status == .resolved)
            #expect(try await store.incident(id: second)?.alertCount == 2)
            let alerts = try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).items
            let k = alerts.filter { $0.dedupKey == "k" }.sorted { $0.occurrences < $1.occurrences }
            #expect(k.map(\.status) == [.resolved, .triggered])
            #expect(k.map(\.occurrences) == [1, 2])
            #expect(k.last?.summary == "Disk full")
            let numbers = try await store.incidents(IncidentFilter(), page: PageRequest()).items.map(\.number).sorted()
            #expect(numbers == [1, 2])
            // The counter was written with the batch: the next incident gets the next number.
            let next = try await store.ingest(trigger("later"), serviceID: service.id, integrationKeyID: nil, now: t0.addingTimeInterval(3600))
            #expect(try await store.incident(id: try #require(next.incidentID))?.number == 3)
        }
    }

    @Test("a responder acknowledges then resolves an incident with its alerts", arguments: TestBackend.available)
    func incidentActions(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("Checkout", tier: 2)
            try await store.createService(service)
            let opened = try await store.ingest(trigger("5xx", severity: .warning), serviceID: service.id, integrationKeyID: nil, now: t0)
            let id = try #require(opened.incidentID)
            #expect(try await store.incident(id: id)?.severity == .sev3)
            let acked = try await store.setIncidentStatus(id: id, to: .acknowledged, by: nil, now: t0.addingTimeInterval(30))
            #expect(acked.status == .acknowledged)
            await #expect(throws: DomainError.self) { try await store.setIncidentStatus(id: id, to: .acknowledged, by: nil, now: t0) }
            let resolved = try await store.setIncidentStatus(id: id, to: .resolved, by: nil, now: t0.addingTimeInterval(90))
            #expect(resolved.status == .resolved && resolved.resolvedAt == t0.addingTimeInterval(90))
            let alert = try #require(try await store.alerts(AlertFilter(incidentID: id), page: PageRequest()).items.first)
            #expect(alert.status == .resolved && alert.acknowledgedAt == t0.addingTimeInterval(30))
        }
    }

    @Test("change events are kept per service and found by time", arguments: TestBackend.available)
    func changes(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("API")
            try await store.createService(service)
            let deploy = ChangeRecord(id: UUID(), serviceID: service.id, summary: "Deployed v2", source: "ci", occurredAt: t0,
                                      details: ["commit": "abc"], links: [AlertLink(href: "https://ci.example.com/1")], createdAt: t0)
            try await store.recordChange(deploy, integrationKeyID: nil)
            #expect(try await store.changes(serviceIDs: [service.id], from: t0.addingTimeInterval(-3600), to: t0) == [deploy])
            #expect(try await store.changes(serviceIDs: [service.id], from: t0.addingTimeInterval(1), to: t0.addingTimeInterval(60)).isEmpty)
        }
    }
}

@Suite("Grouping conformance")
struct GroupingConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a time window gathers a storm into one incident whose severity rises with its worst alert", arguments: TestBackend.available)
    func window(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var service = Seed.service("Storefront", tier: 1)
            service.alertGrouping = .timeWindow(minutes: 10)
            try await store.createService(service)
            #expect(try await store.service(id: service.id)?.alertGrouping == .timeWindow(minutes: 10))
            let a = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "a", summary: "Slow pages", severity: .warning),
                                           serviceID: service.id, integrationKeyID: nil, now: t0)
            let b = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "b", summary: "Errors", severity: .critical),
                                           serviceID: service.id, integrationKeyID: nil, now: t0.addingTimeInterval(120))
            #expect(a.incidentID == b.incidentID)
            let incidentID = try #require(a.incidentID)
            let incident = try #require(try await store.incident(id: incidentID))
            #expect(incident.alertCount == 2 && incident.severity == .sev1 && incident.title == "Slow pages")
            let joined = try #require(try await store.alerts(AlertFilter(incidentID: incident.id), page: PageRequest()).items.first { $0.dedupKey == "b" })
            #expect(joined.groupingReason == "arrived within 10 minutes of incident #1 opening")

            let late = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "c"), serviceID: service.id, integrationKeyID: nil,
                                              now: t0.addingTimeInterval(900))
            #expect(late.incidentID != a.incidentID, "outside the window a new incident opens")
            // Resolving one alert of two leaves the incident open.
            _ = try await store.ingest(AlertEvent(action: .resolve, dedupKey: "a"), serviceID: service.id, integrationKeyID: nil, now: t0.addingTimeInterval(950))
            #expect(try await store.incident(id: incident.id)?.status == .triggered)
        }
    }

    @Test("label grouping joins alerts with the same values only", arguments: TestBackend.available)
    func labels(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var service = Seed.service("Kubernetes")
            service.alertGrouping = .sharedLabels(["alertname", "cluster"])
            try await store.createService(service)
            func fire(_ key: String, _ labels: [String: String]) async throws -> UUID? {
                try await store.ingest(AlertEvent(action: .trigger, dedupKey: key, labels: labels), serviceID: service.id,
                                       integrationKeyID: nil, now: t0).incidentID
            }
            let first = try await fire("p1", ["alertname": "CrashLoop", "cluster": "eu", "pod": "p1"])
            let second = try await fire("p2", ["alertname": "CrashLoop", "cluster": "eu", "pod": "p2"])
            let other = try await fire("p3", ["alertname": "CrashLoop", "cluster": "us", "pod": "p3"])
            #expect(first == second && first != other)
            #expect(try await store.incidents(IncidentFilter(serviceID: service.id), page: PageRequest()).total == 2)
        }
    }
}

@Suite("Noise control conformance")
struct NoiseControlConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a silenced alert is kept with its reason and opens no incident until the silence ends", arguments: TestBackend.available)
    func silence(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("Batch")
            try await store.createService(service)
            let silence = Silence(id: UUID(), serviceID: service.id, matchers: [AlertMatcher(name: "job", op: .equal, value: "nightly")],
                                  startsAt: t0, endsAt: t0.addingTimeInterval(600), createdBy: nil, comment: "rerun in progress", createdAt: t0)
            try await store.createSilence(silence)
            #expect(try await store.silences(activeAt: t0.addingTimeInterval(1)) == [silence])
            let event = AlertEvent(action: .trigger, dedupKey: "n", summary: "Nightly job failed", labels: ["job": "nightly"])
            let muted = try await store.ingest(event, serviceID: service.id, integrationKeyID: nil, now: t0.addingTimeInterval(60))
            #expect(muted.incidentID == nil)
            let alert = try #require(try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).items.first)
            #expect(alert.mutedReason == "silenced: rerun in progress" && alert.incidentID == nil)

            _ = try await store.expireSilence(id: silence.id, now: t0.addingTimeInterval(120))
            let again = try await store.ingest(event, serviceID: service.id, integrationKeyID: nil, now: t0.addingTimeInterval(180))
            #expect(again.incidentID != nil, "once the silence is over, the still-firing alert opens its incident")
            let after = try #require(try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).items.first)
            #expect(after.mutedReason == nil && after.occurrences == 2)
        }
    }

    @Test("maintenance mutes its service; an open incident on a dependency inhibits its dependents", arguments: TestBackend.available)
    func maintenanceAndInhibition(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let db = Seed.service("Database", tier: 1)
            try await store.createService(db)
            let api = Seed.service("API", dependsOn: [db.id])
            try await store.createService(api)
            try await store.createMaintenanceWindow(MaintenanceWindow(id: UUID(), serviceID: db.id, name: "Failover drill",
                                                                      schedule: .once(start: t0, end: t0.addingTimeInterval(300)), createdAt: t0))
            let drill = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "replica-lag"), serviceID: db.id, integrationKeyID: nil,
                                               now: t0.addingTimeInterval(10))
            #expect(drill.incidentID == nil)
            #expect(try await store.maintenanceWindows(serviceID: db.id).count == 1)

            let outage = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "down", summary: "Database down"), serviceID: db.id,
                                                integrationKeyID: nil, now: t0.addingTimeInterval(400))
            let outageID = try #require(outage.incidentID)
            let number = try #require(try await store.incident(id: outageID)?.number)
            let symptom = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "5xx"), serviceID: api.id, integrationKeyID: nil,
                                                 now: t0.addingTimeInterval(420))
            #expect(symptom.incidentID == nil)
            let alert = try #require(try await store.alerts(AlertFilter(serviceID: api.id), page: PageRequest()).items.first)
            #expect(alert.mutedReason == "inhibited: Database, which this service depends on, has open incident #\(number)")
        }
    }
}

@Suite("Flapping conformance")
struct FlappingConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("an alert that keeps opening and resolving stops opening incidents until it settles", arguments: TestBackend.available)
    func flapping(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var service = Seed.service("Health check")
            service.flapDetection = FlapDetection(changes: 3, windowMinutes: 10)
            try await store.createService(service)
            #expect(try await store.service(id: service.id)?.flapDetection == FlapDetection(changes: 3, windowMinutes: 10))
            var incidents: [UUID?] = []
            for minute in [0, 1, 2, 3] {
                let at = t0.addingTimeInterval(Double(minute) * 120)
                incidents.append(try await store.ingest(AlertEvent(action: .trigger, dedupKey: "ping"), serviceID: service.id, integrationKeyID: nil, now: at).incidentID)
                _ = try await store.ingest(AlertEvent(action: .resolve, dedupKey: "ping"), serviceID: service.id, integrationKeyID: nil, now: at.addingTimeInterval(60))
            }
            #expect(incidents[0] != nil && incidents[1] != nil)
            #expect(incidents[2] == nil && incidents[3] == nil, "the third opening within ten minutes is flapping")
            let muted = try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).items.compactMap(\.mutedReason)
            #expect(muted.first?.hasPrefix("flapping: ") == true)

            // Stable for longer than the window: it pages again.
            let later = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "ping"), serviceID: service.id, integrationKeyID: nil,
                                               now: t0.addingTimeInterval(3600))
            #expect(later.incidentID != nil)
        }
    }
}

@Suite("Event rule conformance")
struct EventRuleConformanceTests {
    @Test("edits of one rule list made at the same moment each keep the others' changes", arguments: TestBackend.available)
    func concurrentEdits(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let service = Seed.service("Edited")
            try await store.createService(service)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let rule = EventRule(id: UUID(), conditions: [AlertMatcher(name: "n", op: .equal, value: String(i))], action: .drop)
                        _ = try await store.updateEventRules(serviceID: service.id, now: Date()) { $0 + [rule] }
                    }
                }
                try await group.waitForAll()
            }
            #expect(Set(try await store.eventRules(serviceID: service.id).map { $0.conditions[0].value }) == Set((0..<20).map(String.init)))
        }
    }

    @Test("rules are stored in order and act on ingestion: drop, set severity, route", arguments: TestBackend.available)
    func rules(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let shared = Seed.service("Shared monitoring"), db = Seed.service("Database", tier: 1)
            try await store.createService(shared)
            try await store.createService(db)
            let rules = [
                EventRule(id: UUID(), conditions: [AlertMatcher(name: "env", op: .equal, value: "dev")], action: .drop),
                EventRule(id: UUID(), conditions: [AlertMatcher(name: "component", op: .equal, value: "postgres")], action: .route(db.id)),
                EventRule(id: UUID(), conditions: [AlertMatcher(name: "severity", op: .equal, value: "info")], action: .setSeverity(.warning)),
            ]
            try await store.replaceEventRules(rules, serviceID: shared.id, now: Date())
            #expect(try await store.eventRules(serviceID: shared.id).map(\.action) == rules.map(\.action))
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let dropped = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "x", labels: ["env": "dev"]), serviceID: shared.id,
                                                 integrationKeyID: nil, now: now)
            #expect(dropped.decision == .ignore("dropped by event rule 1") && dropped.alertID == nil)
            _ = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "pg", component: "postgres"), serviceID: shared.id, integrationKeyID: nil, now: now)
            #expect(try await store.alerts(AlertFilter(serviceID: db.id), page: PageRequest()).items.map(\.dedupKey) == ["pg"])
            _ = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "i", severity: .info), serviceID: shared.id, integrationKeyID: nil, now: now)
            #expect(try await store.alerts(AlertFilter(serviceID: shared.id), page: PageRequest()).items.map(\.severity) == [.warning])
            // A routed resolve finds the routed alert.
            _ = try await store.ingest(AlertEvent(action: .resolve, dedupKey: "pg", component: "postgres"), serviceID: shared.id, integrationKeyID: nil, now: now)
            #expect(try await store.alerts(AlertFilter(serviceID: db.id), page: PageRequest()).items.first?.status == .resolved)
        }
    }
}

@Suite("Ingestion regressions")
struct IngestionRegressionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a resolve that carries only the key finds the alert a route rule sent elsewhere", arguments: TestBackend.available)
    func routedResolve(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let a = Seed.service("Shared"), b = Seed.service("Team B")
            try await store.createService(a)
            try await store.createService(b)
            try await store.replaceEventRules([
                EventRule(id: UUID(), conditions: [AlertMatcher(name: "team", op: .equal, value: "b")], action: .route(b.id)),
                EventRule(id: UUID(), conditions: [AlertMatcher(name: "env", op: .notEqual, value: "prod")], action: .drop),
            ], serviceID: a.id, now: t0)
            let stamped = try await database.read { db in try await db.raw("SELECT created_at FROM event_rules").all(decodingColumn: "created_at", as: Date.self) }
            #expect(stamped == [t0, t0], "rows are stamped with the clock passed in, not the wall clock")
            _ = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "k", labels: ["team": "b", "env": "prod"]), serviceID: a.id,
                                       integrationKeyID: nil, now: t0)
            // The resolve has no labels: the drop rule (env != prod) must not swallow it, and it must reach Team B.
            let resolved = try await store.ingest(AlertEvent(action: .resolve, dedupKey: "k"), serviceID: a.id, integrationKeyID: nil, now: t0)
            #expect(resolved.decision == .resolve)
            #expect(try await store.alerts(AlertFilter(serviceID: b.id), page: PageRequest()).items.first?.status == .resolved)
        }
    }

    @Test("NUL characters from senders are stripped, on PostgreSQL too", arguments: TestBackend.available)
    func nul(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var service = Seed.service("Odd sender")
            service.alertGrouping = .sharedLabels(["host"])
            try await store.createService(service)
            _ = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "k\u{0}1", summary: "bad\u{0}byte", labels: ["host": "a\u{0}b"]),
                                       serviceID: service.id, integrationKeyID: nil, now: t0)
            let alert = try #require(try await store.alerts(AlertFilter(serviceID: service.id), page: PageRequest()).items.first)
            #expect(alert.summary == "badbyte" && alert.dedupKey == "k1" && alert.labels["host"] == "ab")
        }
    }

    @Test("a new alert joining an acknowledged incident triggers it again; a worse repeat raises its severity", arguments: TestBackend.available)
    func joinAndRaise(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            var service = Seed.service("Web", tier: 3)
            service.alertGrouping = .timeWindow(minutes: 30)
            try await store.createService(service)
            let first = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "a", severity: .warning), serviceID: service.id,
                                               integrationKeyID: nil, now: t0)
            let id = try #require(first.incidentID)
            _ = try await store.setIncidentStatus(id: id, to: .acknowledged, by: nil, now: t0.addingTimeInterval(60))
            _ = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "b", severity: .warning), serviceID: service.id,
                                       integrationKeyID: nil, now: t0.addingTimeInterval(120))
            #expect(try await store.incident(id: id)?.status == .triggered)
            #expect(try await store.incident(id: id)?.severity == .sev4)
            _ = try await store.ingest(AlertEvent(action: .trigger, dedupKey: "a", severity: .critical), serviceID: service.id,
                                       integrationKeyID: nil, now: t0.addingTimeInterval(180))
            #expect(try await store.incident(id: id)?.severity == .sev2, "critical on tier 3")
        }
    }
}
