import Foundation
import TocsinCore

extension SQLStore: EscalationRepository {
    /// The policy as an escalation keeps it.
    private struct PolicySnapshot: Codable {
        var id: UUID
        var name: String
        var teamID: UUID
        var repeatCount: Int
        var levels: [LevelRecord]
    }

    static let discoveryCursor = "escalation_discovery"
    /// How far back an incident triggered again is looked for (longer than any outage the engine should catch up on).
    static let againWindow: TimeInterval = 86_400

    public func startEscalations(now: Date, limit: Int) async throws -> (started: [Escalation], more: Bool) {
        try await database.write { db in
            // The cursor row is locked (PostgreSQL) or the writer held (SQLite) until commit: another instance waits
            // here and then finds nothing new. Incident numbers are taken under the ingestion counter's lock, so an
            // incident numbered past the cursor never commits after one numbered further on.
            let lock: SQL = db.kind == .postgres ? " FOR UPDATE" : ""
            guard let cursor = try await db.raw("SELECT value FROM counters WHERE name = \(bind: Self.discoveryCursor)" + lock)
                .first(decodingColumn: "value", as: Int.self) else { return ([], false) }
            let hasPolicy: SQL = " " + """
                EXISTS (SELECT 1 FROM incident_services x JOIN services s ON s.id = x.service_id
                        WHERE x.incident_id = i.id AND s.escalation_policy_id IS NOT NULL)
                """
            // New incidents, read by number only (the one index that keeps this step small while a storm leaves many
            // incidents triggered), at most `limit` a call; whether each is triggered and paged for is read beside it.
            // `more` tells the engine to call again at once.
            let rows = try await db.raw("""
                SELECT i.id, i.number, i.status,
                    CASE WHEN
                """ + hasPolicy + " THEN 1 ELSE 0 END AS paged FROM incidents i WHERE i.number > \(bind: cursor) ORDER BY i.number LIMIT \(bind: max(1, limit))")
                .all()
            let last = try rows.last?.decode(column: "number", as: Int.self) ?? cursor
            let more = rows.count == max(1, limit)
            var triggered = try rows.filter {
                try $0.decode(column: "status", as: String.self) == IncidentStatus.triggered.rawValue && $0.decode(column: "paged", as: Int.self) == 1
            }.map { try $0.id("id") }
            // Incidents triggered again (a new alert after an acknowledgement, or reopened) after their escalation stopped
            // or ran out, or before it ever started: they escalate afresh, by the service's policy as it is now. Found
            // from their rare `retriggered`/`reopened` events of the last day (a partial index holds only those), not
            // by reading every triggered incident, which a storm makes many. CROSS JOIN keeps SQLite's planner to that
            // order (it would otherwise start from the triggered incidents); PostgreSQL plans it from its statistics.
            let again = try await db.raw("""
                SELECT DISTINCT i.id, i.number FROM incident_events v CROSS JOIN incidents i
                    LEFT JOIN incident_escalations e ON e.incident_id = i.id
                WHERE i.id = v.incident_id AND v.kind IN ('retriggered', 'reopened') AND v.at > \(bind: now.addingTimeInterval(-Self.againWindow))
                  AND i.status = \(bind: IncidentStatus.triggered.rawValue) AND i.number <= \(bind: cursor)
                  AND (e.incident_id IS NULL OR (e.state <> \(bind: Escalation.State.active.rawValue) AND v.at > e.updated_at))
                  AND
                """ + hasPolicy + " ORDER BY i.number LIMIT \(bind: max(1, limit))").all().map { try $0.id("id") }
            let restarted = Set(again)
            triggered += again
            guard !triggered.isEmpty || last != cursor else { return ([], false) }
            var policyOf: [UUID: UUID] = [:]
            var urgencyOf: [UUID: (rule: UrgencyRule, hours: WorkingHours?)] = [:]
            var severityOf: [UUID: IncidentSeverity] = [:]
            if !triggered.isEmpty {
                // An incident on several services escalates by the first of them (by id) that has a policy, with its urgency.
                for row in try await db.raw("""
                    SELECT x.incident_id, s.escalation_policy_id, s.urgency_rule, s.working_hours, i.severity
                    FROM incident_services x JOIN services s ON s.id = x.service_id JOIN incidents i ON i.id = x.incident_id
                    WHERE x.incident_id IN (\(binds: triggered.map(\.db))) AND s.escalation_policy_id IS NOT NULL ORDER BY s.id
                    """).all() {
                    let incident = try row.id("incident_id")
                    guard policyOf[incident] == nil else { continue }
                    policyOf[incident] = try row.id("escalation_policy_id")
                    let hours = try row.decode(column: "working_hours", as: String?.self) == nil ? nil : try Self.decodeJSON(WorkingHours.self, row, "working_hours")
                    urgencyOf[incident] = (UrgencyRule(rawValue: try row.decode(column: "urgency_rule", as: String.self)) ?? .high, hours)
                    severityOf[incident] = IncidentSeverity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .sev1
                }
            }
            var policies: [UUID: EscalationPolicy] = [:]
            let policyIDs = Array(Set(policyOf.values))
            if !policyIDs.isEmpty {
                for row in try await db.raw("SELECT * FROM escalation_policies WHERE id IN (\(binds: policyIDs.map(\.db)))").all() {
                    let policy = try Self.policy(from: row)
                    policies[policy.id] = policy
                }
            }
            // Whole rounds in a few statements, whatever their size (a storm's round is 500 incidents): each policy's
            // round-robin turns taken at once, the escalations inserted a chunk a statement, their events in one go.
            let paged: [(incident: UUID, policy: EscalationPolicy)] = triggered.compactMap { incident in
                policyOf[incident].flatMap { policies[$0] }.map { (incident, $0) }
            }
            var turns: [UUID: Int] = [:]
            for (policyID, incidents) in Dictionary(grouping: paged, by: \.policy.id).sorted(by: { $0.key.db < $1.key.db }) {
                // The counter ends at the last of these turns; a policy's first incident takes turn 0.
                let n = incidents.count
                let last = try await db.raw("""
                    INSERT INTO counters (name, value) VALUES (\(bind: "escalation_turn:" + policyID.db), \(bind: n - 1))
                    ON CONFLICT (name) DO UPDATE SET value = counters.value + \(bind: n) RETURNING value
                    """).first(decodingColumn: "value", as: Int.self) ?? n - 1
                for (index, item) in incidents.enumerated() { turns[item.incident] = last - n + 1 + index }
            }
            var snapshots: [UUID: String] = [:]
            for policy in policies.values { snapshots[policy.id] = try Self.snapshotText(policy) }
            let escalations = paged.map { incident, policy in
                // Low urgency outside the service's working hours waits for them.
                let (rule, hours) = urgencyOf[incident] ?? (.high, nil)
                let urgency = rule.urgency(for: severityOf[incident] ?? .sev1, at: now, workingHours: hours)
                var due = now
                if urgency == .low, let hours, let opening = hours.nextStart(after: now), opening > now { due = opening }
                return Escalation(incidentID: incident, policy: policy, dueAt: due, turn: turns[incident] ?? 0, startedAt: now, urgency: urgency)
            }
            // A restart replaces the finished escalation whole; a new incident never has one (the cursor is locked).
            var inserted = Set<UUID>()
            for (group, conflict) in [(escalations.filter { !restarted.contains($0.incidentID) }, SQL(unsafe: "ON CONFLICT (incident_id) DO NOTHING")),
                                      (escalations.filter { restarted.contains($0.incidentID) }, SQL(unsafe: """
                                          ON CONFLICT (incident_id) DO UPDATE SET policy_id = excluded.policy_id, policy = excluded.policy, step = 0,
                                              due_at = excluded.due_at, state = excluded.state, turn = excluded.turn, started_at = excluded.started_at,
                                              updated_at = excluded.updated_at, urgency = excluded.urgency
                                          """))] {
                for chunk in group.chunks(of: IngestTransaction.rowsPerStatement) {
                    let values = SQL.joined(chunk.map { e in
                        """
                        (\(bind: e.incidentID.db), \(bind: e.policy.id.db), \(bind: snapshots[e.policy.id] ?? ""), 0, \(bind: e.dueAt ?? now),
                         \(bind: Escalation.State.active.rawValue), \(bind: e.turn), \(bind: now), \(bind: now), \(bind: e.urgency.rawValue))
                        """
                    })
                    for row in try await db.raw("""
                        INSERT INTO incident_escalations (incident_id, policy_id, policy, step, due_at, state, turn, started_at, updated_at, urgency)
                        VALUES
                        """ + " " + values + " " + conflict + " RETURNING incident_id").all() {
                        inserted.insert(try row.id("incident_id"))
                    }
                }
            }
            var started: [Escalation] = []
            var events: [(incidentID: UUID, draft: IncidentEventDraft)] = []
            for escalation in escalations where inserted.contains(escalation.incidentID) {
                let incident = escalation.incidentID
                var payload: [String: JSONValue] = ["policy": .string(escalation.policy.name), "policy_id": .string(escalation.policy.id.db),
                                                    "urgency": .string(escalation.urgency.rawValue)]
                if let due = escalation.dueAt, due > now { payload["held_until"] = .string(ISO8601DateFormatter().string(from: due)) }
                if restarted.contains(incident) { payload["reason"] = .string("triggered again") }
                events.append((incident, IncidentEventDraft(kind: .escalationStarted, at: now, actor: .system, payload: payload)))
                started.append(escalation)
            }
            try await db.runWrites(Self.eventInserts(events))
            if last != cursor {
                try await db.raw("UPDATE counters SET value = \(bind: last) WHERE name = \(bind: Self.discoveryCursor)").run()
            }
            return (started, more)
        }
    }

    public func escalation(incidentID: UUID) async throws -> Escalation? {
        try await database.read { db in
            try await db.raw("SELECT * FROM incident_escalations WHERE incident_id = \(bind: incidentID.db)").first().map(Self.escalation(from:))
        }
    }

    public func nextEscalationDue() async throws -> Date? {
        try await database.read { db in
            try await db.raw("SELECT MIN(due_at) AS due FROM incident_escalations WHERE state = \(bind: Escalation.State.active.rawValue)")
                .first(decodingColumn: "due", as: Date?.self) ?? nil
        }
    }

    public func nextNotificationDue(channel: ContactMethod.Kind) async throws -> Date? {
        try await database.read { db in
            try await db.raw("""
                SELECT MIN(due_at) AS due FROM notifications WHERE channel = \(bind: channel.rawValue) AND status = \(bind: NotificationStatus.queued.rawValue)
                """).first(decodingColumn: "due", as: Date?.self) ?? nil
        }
    }

    public func dueEscalations(now: Date, limit: Int) async throws -> [Escalation] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM incident_escalations WHERE state = \(bind: Escalation.State.active.rawValue) AND due_at <= \(bind: now)
                ORDER BY due_at, incident_id LIMIT \(bind: max(1, limit))
                """).all().map(Self.escalation(from:))
        }
    }

    public func applyEscalationStep(_ step: EscalationStep, paging: EscalationPaging, now: Date) async throws -> EscalationStepResult {
        try await database.write { db in try await Self.apply(step, paging: paging, now: now, db) }
    }

    public func applyEscalationSteps(_ steps: [(step: EscalationStep, paging: EscalationPaging)], now: Date) async throws -> [EscalationStepResult] {
        guard !steps.isEmpty else { return [] }
        // PostgreSQL, whose writers run side by side: the chunk's incidents are locked first, in one statement, skipping
        // any another transaction holds; the steps of those locked are applied together. A transaction that never
        // waits for an incident's lock cannot deadlock with ingestion locking incidents in its own order. The steps
        // skipped (their incident busy) are applied a transaction each, waiting their turn; so is the chunk, should
        // its transaction fail.
        if database.kind == .postgres {
            var results = [EscalationStepResult?](repeating: nil, count: steps.count)
            do {
                results = try await database.write { db in try await Self.applyChunk(steps, now: now, db) }
            } catch {
                results = [EscalationStepResult?](repeating: nil, count: steps.count)
            }
            for (index, item) in steps.enumerated() where results[index] == nil {
                results[index] = try await applyEscalationStep(item.step, paging: item.paging, now: now)
            }
            return results.map { $0 ?? .superseded }
        }
        // SQLite, one writer: a burst of due steps costs one commit per chunk, not one each. Each step keeps its own
        // compare-and-set, so a step another pass took is skipped, not fired twice.
        return try await database.write { db in
            var results: [EscalationStepResult] = []
            for item in steps { results.append(try await Self.apply(item.step, paging: item.paging, now: now, db)) }
            return results
        }
    }

    private static func apply(_ step: EscalationStep, paging: EscalationPaging, now: Date, _ db: any DatabaseSession) async throws -> EscalationStepResult {
        guard let state = try await Self.incidentState(step.escalation.incidentID, db) else { return .superseded }
        let planned = Self.plan(step, paging: paging, status: state.status, now: now)
        // Only the pass that finds the escalation where it read it writes anything: a fencing check that makes each
        // step fire once however many instances run the engine.
        guard try await db.raw(planned.advance + " RETURNING incident_id").first() != nil else { return .superseded }
        try await db.runWrites(planned.rest)
        return planned.result
    }

    /// A step's writes, for an incident in `status`: the compare-and-set that moves the escalation on (or stops it, when
    /// the incident is no longer triggered), then the notifications it queues and the events that record it.
    static func plan(_ step: EscalationStep, paging: EscalationPaging, status: IncidentStatus, now: Date)
        -> (advance: SQL, rest: [SQL], result: EscalationStepResult) {
        let incidentID = step.escalation.incidentID
        func advance(to next: Escalation) -> SQL {
            """
            UPDATE incident_escalations SET step = \(bind: next.step), due_at = \(bind: next.dueAt), state = \(bind: next.state.rawValue),
                updated_at = \(bind: now)
            WHERE incident_id = \(bind: incidentID.db) AND step = \(bind: step.escalation.step) AND state = \(bind: Escalation.State.active.rawValue)
              AND started_at = \(bind: step.escalation.startedAt)
            """
        }
        guard status == .triggered else {
            var stopped = step.escalation
            stopped.state = .stopped
            stopped.dueAt = nil
            let events = Self.eventInserts([(incidentID, IncidentEventDraft(kind: .escalationStopped, at: now, actor: .system,
                                                                            payload: ["status": .string(status.rawValue)]))])
            return (advance(to: stopped), events, .stopped(status))
        }
        var writes: [SQL] = []
        var events: [(incidentID: UUID, draft: IncidentEventDraft)] = []
        let names = Dictionary(paging.paged.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let started = Int((step.escalation.startedAt.timeIntervalSince1970 * 1000).rounded())
        if let page = step.page {
            var payload: [String: JSONValue] = [
                "level": .string(String(page.levelIndex)), "round": .string(String(page.round)),
                "paged": .string(paging.paged.isEmpty ? "nobody" : paging.paged.map(\.name).joined(separator: ", ")),
            ]
            if !paging.unreachable.isEmpty { payload["unreachable"] = .string(paging.unreachable.joined(separator: ", ")) }
            events.append((incidentID, IncidentEventDraft(kind: .escalated, at: now, actor: .system, payload: payload)))
            for draft in paging.drafts {
                // One page per firing of a step (an incident triggered again escalates afresh; a responder may page a
                // level again), method and rule delay. The step's compare-and-set is what makes it fire once.
                let fired = Int((now.timeIntervalSince1970 * 1000).rounded())
                let key = "\(incidentID.db):\(started):\(step.escalation.step):\(fired):\(draft.contactMethod.id.db):\(draft.delayMinutes)"
                writes.append(Self.queueing(draft, incidentID: incidentID, step: step.escalation.step, purpose: .page, detail: nil, key: key, now: now))
                events.append((incidentID, IncidentEventDraft(kind: .notificationQueued, at: now, actor: .system, payload: [
                    "channel": .string(draft.contactMethod.kind.rawValue), "user": .string(names[draft.userID] ?? "?"),
                    "due_in_minutes": .string(String(draft.delayMinutes)),
                ])))
            }
        } else {
            var payload: [String: JSONValue] = ["policy": .string(step.escalation.policy.name)]
            if !paging.paged.isEmpty { payload["told"] = .string(paging.paged.map(\.name).joined(separator: ", ")) }
            events.append((incidentID, IncidentEventDraft(kind: .escalationExhausted, at: now, actor: .system, payload: payload)))
            // The owning team is told, loudly: each member by their own rules, until someone acts.
            for draft in paging.drafts {
                let key = "exhausted:\(incidentID.db):\(started):\(draft.contactMethod.id.db):\(draft.delayMinutes)"
                writes.append(Self.queueing(draft, incidentID: incidentID, step: step.escalation.step, purpose: .exhausted,
                                            detail: step.escalation.policy.name, key: key, now: now))
                events.append((incidentID, IncidentEventDraft(kind: .notificationQueued, at: now, actor: .system, payload: [
                    "channel": .string(draft.contactMethod.kind.rawValue), "user": .string(names[draft.userID] ?? "?"),
                    "purpose": .string(NotificationPurpose.exhausted.rawValue), "due_in_minutes": .string(String(draft.delayMinutes)),
                ])))
            }
        }
        return (advance(to: step.next), writes + Self.eventInserts(events), .fired)
    }

    /// A chunk of steps in one transaction on PostgreSQL: the incidents are locked in one statement, skipping any
    /// another transaction holds, with their statuses; the escalations are read under that lock, so each step's
    /// compare-and-set is decided here; then every write goes in one round trip. Nil for a step whose incident was busy.
    static func applyChunk(_ steps: [(step: EscalationStep, paging: EscalationPaging)], now: Date, _ db: any DatabaseSession) async throws
        -> [EscalationStepResult?] {
        let ids = Array(Set(steps.map(\.step.escalation.incidentID.db)))
        var statuses: [String: IncidentStatus] = [:]
        for row in try await db.raw("""
            SELECT id, status FROM incidents WHERE id IN (\(binds: ids)) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED
            """).all() {
            statuses[try row.decode(column: "id", as: String.self)] = IncidentStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .triggered
        }
        guard !statuses.isEmpty else { return steps.map { _ in nil } }
        var current: [String: (step: Int, state: String, startedAt: Date)] = [:]
        for row in try await db.raw("""
            SELECT incident_id, step, state, started_at FROM incident_escalations WHERE incident_id IN (\(binds: Array(statuses.keys)))
            ORDER BY incident_id FOR UPDATE SKIP LOCKED
            """).all() {
            current[try row.decode(column: "incident_id", as: String.self)] = (try row.decode(column: "step", as: Int.self),
                                                                                try row.decode(column: "state", as: String.self),
                                                                                try row.decode(column: "started_at", as: Date.self))
        }
        var results: [EscalationStepResult?] = []
        var writes: [SQL] = []
        var moved = Set<String>()
        for item in steps {
            let id = item.step.escalation.incidentID.db
            // Busy (another transaction holds the incident or its escalation): applied on its own afterwards, waiting its turn.
            guard let status = statuses[id], let row = current[id] else { results.append(nil); continue }
            // The compare-and-set, decided under the locks of the incident and its escalation.
            // A start time that reads back differently is left to the single step's own compare-and-set in SQL.
            guard row.startedAt == item.step.escalation.startedAt else { results.append(nil); continue }
            guard row.step == item.step.escalation.step, row.state == Escalation.State.active.rawValue, !moved.contains(id) else {
                results.append(.superseded)
                continue
            }
            moved.insert(id)
            let planned = Self.plan(item.step, paging: item.paging, status: status, now: now)
            writes.append(planned.advance)
            writes += planned.rest
            results.append(planned.result)
        }
        try await db.runWrites(writes)
        return results
    }
    public func escalateIncident(id: UUID, toLevel level: Int?, by actor: UUID, via: String?, now: Date) async throws -> Escalation {
        let escalation = try await database.write { db -> Escalation in
            guard let state = try await Self.incidentState(id, db) else { throw DomainError.notFound("incident \(id.db) not found") }
            guard state.status == .triggered else {
                throw DomainError.conflict("the incident is \(state.status.rawValue): escalation pages only while it is triggered")
            }
            guard let row = try await db.raw("SELECT * FROM incident_escalations WHERE incident_id = \(bind: id.db)" + forUpdate).first(),
                  case let current = try Self.escalation(from: row), current.state == .active else {
                throw DomainError.conflict("no escalation policy is paging this incident (its service has none, or it ran out)")
            }
            let levels = current.policy.levels.count
            var next = current
            if let level {
                guard (1...max(1, levels)).contains(level) else {
                    throw DomainError.invalid("level", "must be a level of the policy, from 1 to \(levels)")
                }
                // The chosen level of the pass the escalation is in (the last pass once it has paged every level).
                let round = min(current.step, max(0, current.stepCount - 1)) / max(1, levels)
                next.step = round * levels + (level - 1)
            } else {
                guard current.step < current.stepCount else {
                    throw DomainError.conflict("every level of the policy has been paged; name a level to page it again")
                }
            }
            next.dueAt = now
            guard try await db.raw("""
                UPDATE incident_escalations SET step = \(bind: next.step), due_at = \(bind: now), updated_at = \(bind: now)
                WHERE incident_id = \(bind: id.db) AND step = \(bind: current.step) AND state = \(bind: Escalation.State.active.rawValue)
                  AND started_at = \(bind: current.startedAt)
                RETURNING incident_id
                """).first() != nil else { throw DomainError.conflict("the escalation moved on meanwhile; try again") }
            let shown = next.step % max(1, levels) + 1
            for insert in Self.eventInserts([(id, IncidentEventDraft(kind: .escalationRequested, at: now, actor: .user(actor),
                                                                     payload: ["level": .string(String(shown))].merging(via.map { ["via": .string($0)] } ?? [:]) { a, _ in a }))]) {
                try await db.raw(insert).run()
            }
            return next
        }
        escalationWork.signal()
        return escalation
    }

    public func reassignIncident(id: UUID, policy: EscalationPolicy, to name: String, by actor: UUID, now: Date) async throws -> Escalation {
        let escalation = try await database.write { db -> Escalation in
            guard let state = try await Self.incidentState(id, db) else { throw DomainError.notFound("incident \(id.db) not found") }
            let (next, events): (IncidentState, [IncidentEventDraft])
            do {
                (next, events) = try IncidentTransitions.apply(.reassign(to: name), to: state, by: .user(actor), now: now)
            } catch {
                throw DomainError.conflict("the incident is resolved; reopen it first", field: "status")
            }
            try await Self.writeIncidentState(id, next, db)
            let turn = try await db.raw("""
                INSERT INTO counters (name, value) VALUES (\(bind: "escalation_turn:" + policy.id.db), 0)
                ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value
                """).first(decodingColumn: "value", as: Int.self) ?? 0
            let escalation = Escalation(incidentID: id, policy: policy, dueAt: now, turn: turn, startedAt: now)
            try await db.raw("""
                INSERT INTO incident_escalations (incident_id, policy_id, policy, step, due_at, state, turn, started_at, updated_at)
                VALUES (\(bind: id.db), \(bind: policy.id.db), \(bind: try Self.snapshotText(policy)), 0, \(bind: now),
                        \(bind: Escalation.State.active.rawValue), \(bind: turn), \(bind: now), \(bind: now))
                ON CONFLICT (incident_id) DO UPDATE SET policy_id = excluded.policy_id, policy = excluded.policy, step = 0,
                    due_at = excluded.due_at, state = excluded.state, turn = excluded.turn, started_at = excluded.started_at,
                    updated_at = excluded.updated_at, urgency = 'high'
                """).run()
            let started = IncidentEventDraft(kind: .escalationStarted, at: now, actor: .system,
                                             payload: ["policy": .string(policy.name), "policy_id": .string(policy.id.db), "reason": "reassigned"])
            for insert in Self.eventInserts((events + [started]).map { (id, $0) }) { try await db.raw(insert).run() }
            return escalation
        }
        escalationWork.signal()
        return escalation
    }

    public func addResponder(incidentID: UUID, userID: UUID, name: String, drafts: [NotificationDraft], by actor: UUID, now: Date) async throws {
        try await database.write { db in
            guard let state = try await Self.incidentState(incidentID, db) else { throw DomainError.notFound("incident \(incidentID.db) not found") }
            guard state.status != .resolved else { throw DomainError.conflict("the incident is resolved; reopen it first", field: "status") }
            var events: [(incidentID: UUID, draft: IncidentEventDraft)] = [(incidentID, IncidentEventDraft(
                kind: .responderAdded, at: now, actor: .user(actor),
                payload: ["user": .string(name), "user_id": .string(userID.db), "unreachable": .string(drafts.isEmpty ? "true" : "false")]))]
            let at = Int((now.timeIntervalSince1970 * 1000).rounded())
            for draft in drafts {
                try await Self.queue(draft, incidentID: incidentID, step: -1, purpose: .request, detail: nil,
                                     key: "request:\(incidentID.db):\(at):\(draft.contactMethod.id.db):\(draft.delayMinutes)", now: now, db)
                events.append((incidentID, IncidentEventDraft(kind: .notificationQueued, at: now, actor: .system, payload: [
                    "channel": .string(draft.contactMethod.kind.rawValue), "user": .string(name), "purpose": .string(NotificationPurpose.request.rawValue),
                    "due_in_minutes": .string(String(draft.delayMinutes)),
                ])))
            }
            for insert in Self.eventInserts(events) { try await db.raw(insert).run() }
        }
    }

    /// One outbox row; a repeat of its `key` is ignored (the write that queued it already happened).
    static func queue(_ draft: NotificationDraft, incidentID: UUID, step: Int, purpose: NotificationPurpose, detail: String?, key: String, now: Date,
                      _ db: any DatabaseSession) async throws {
        try await db.raw(queueing(draft, incidentID: incidentID, step: step, purpose: purpose, detail: detail, key: key, now: now)).run()
    }

    /// The insert that queues one outbox row.
    static func queueing(_ draft: NotificationDraft, incidentID: UUID, step: Int, purpose: NotificationPurpose, detail: String?, key: String,
                         now: Date) -> SQL {
        queueing(userID: draft.userID, methodID: draft.contactMethod.id, channel: draft.contactMethod.kind.rawValue, address: draft.contactMethod.address,
                 dueAt: draft.dueAt, incidentID: incidentID, step: step, purpose: purpose, detail: detail, key: key, now: now)
    }

    /// The insert that queues one outbox row for a method known by its parts; a repeat of its `key` is ignored.
    static func queueing(userID: UUID, methodID: UUID, channel: String, address: String, dueAt: Date, incidentID: UUID, step: Int,
                         purpose: NotificationPurpose, detail: String?, key: String, now: Date) -> SQL {
        """
        INSERT INTO notifications (id, incident_id, user_id, contact_method_id, channel, address, step, dedupe_key, status, due_at,
                                   created_at, updated_at, purpose, detail)
        VALUES (\(bind: UUID.timeOrdered(at: now).db), \(bind: incidentID.db), \(bind: userID.db), \(bind: methodID.db),
                \(bind: channel), \(bind: address), \(bind: step), \(bind: key),
                \(bind: NotificationStatus.queued.rawValue), \(bind: dueAt), \(bind: now), \(bind: now), \(bind: purpose.rawValue), \(bind: detail))
        ON CONFLICT (dedupe_key) DO NOTHING
        """
    }

    /// The names of `ids` (people not found are left out), in one query.
    static func userNames(_ ids: [UUID?], _ db: any DatabaseSession) async throws -> [UUID: String] {
        let wanted = Array(Set(ids.compactMap { $0?.db }))
        guard !wanted.isEmpty else { return [:] }
        var names: [UUID: String] = [:]
        for row in try await db.raw("SELECT id, name FROM users WHERE id IN (\(binds: wanted))").all() {
            names[try row.id("id")] = try row.decode(column: "name", as: String.self)
        }
        return names
    }

    // MARK: The outbox

    public func claimNotifications(channel: ContactMethod.Kind, now: Date, limit: Int, lease: TimeInterval, pacing: Pacing) async throws -> [ClaimedNotification] {
        try await database.write { db in
            // Due and waiting, or claimed by a sender whose lease ran out. On PostgreSQL rows another sender is
            // claiming right now are skipped rather than waited for.
            let skip: SQL = db.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            var rows: [String] = []
            // On a paced channel a round may hold every candidate (moving them later): then the next are looked at.
            for _ in 0..<20 {
                // Two reads, each walking the queue's index in order and stopping at the limit: one query with an OR
                // of the two would gather and sort every due row each time, and a burst of thousands makes that the cost
                // of every claim. Messages stuck with a sender that stopped answering come first.
                let stuck = try await db.raw("""
                    SELECT id, contact_method_id, status FROM notifications
                    WHERE channel = \(bind: channel.rawValue) AND status = \(bind: NotificationStatus.sending.rawValue) AND due_at <= \(bind: now)
                      AND claimed_until <= \(bind: now)
                    ORDER BY due_at, id LIMIT \(bind: max(1, limit))
                    """ + skip).all()
                let due = stuck.count >= max(1, limit) ? [] : try await db.raw("""
                    SELECT id, contact_method_id, status FROM notifications
                    WHERE channel = \(bind: channel.rawValue) AND status = \(bind: NotificationStatus.queued.rawValue) AND due_at <= \(bind: now)
                    ORDER BY due_at, id LIMIT \(bind: max(1, limit) - stuck.count)
                    """ + skip).all()
                let candidates = stuck + due
                guard !candidates.isEmpty else { return [] }
                guard pacing.paces(channel) else {
                    rows = try candidates.map { try $0.decode(column: "id", as: String.self) }
                    break
                }
                let paced = try await Self.pace(candidates, channel: channel, pacing: pacing, now: now, db)
                rows = paced.claim
                // Nothing claimed: the next candidates, unless nothing moved either (every method busy with another claim).
                if !rows.isEmpty || !paced.progressed || candidates.count < max(1, limit) { break }
            }
            guard !rows.isEmpty else { return [] }
            let claim = UUID()
            try await db.raw("""
                UPDATE notifications SET status = \(bind: NotificationStatus.sending.rawValue), claim = \(bind: claim.db),
                    claimed_until = \(bind: now.addingTimeInterval(lease)), attempts = attempts + 1, updated_at = \(bind: now),
                    rendered_at = (SELECT i.updated_at FROM incidents i WHERE i.id = notifications.incident_id)
                WHERE id IN (\(binds: rows))
                """).run()
            return try await db.raw("""
                SELECT n.*, i.number AS incident_number, i.title AS incident_title, i.status AS incident_status, i.severity AS incident_severity,
                    i.created_at AS incident_created_at, e.started_at AS escalation_started_at, u.name AS user_name,
                    c.signing_secret AS signing_secret,
                    CASE WHEN c.id IS NOT NULL AND c.verified_at IS NOT NULL AND c.address = n.address AND n.user_id IS NOT NULL
                         THEN 1 ELSE 0 END AS method_current
                FROM notifications n JOIN incidents i ON i.id = n.incident_id LEFT JOIN users u ON u.id = n.user_id
                    LEFT JOIN contact_methods c ON c.id = n.contact_method_id LEFT JOIN incident_escalations e ON e.incident_id = n.incident_id
                WHERE n.id IN (\(binds: rows)) AND n.claim = \(bind: claim.db) ORDER BY n.due_at, n.id
                """).all().map { row in
                ClaimedNotification(notification: try Self.notification(from: row), claim: claim,
                                    incidentNumber: try row.decode(column: "incident_number", as: Int.self),
                                    incidentTitle: try row.decode(column: "incident_title", as: String.self),
                                    incidentStatus: IncidentStatus(rawValue: try row.decode(column: "incident_status", as: String.self)) ?? .triggered,
                                    userName: try row.decode(column: "user_name", as: String?.self),
                                    signingSecret: try row.decode(column: "signing_secret", as: String?.self),
                                    methodCurrent: try row.decode(column: "method_current", as: Int.self) == 1,
                                    incidentSeverity: IncidentSeverity(rawValue: try row.decode(column: "incident_severity", as: String.self)),
                                    incidentOpenedAt: try row.decode(column: "incident_created_at", as: Date.self),
                                    escalationStartedAt: try row.decode(column: "escalation_started_at", as: Date?.self))
            }
        }
    }

    /// Of a paced channel's due candidates, the ids to claim now: per contact method, either every due message of it
    /// (up to the bundle size, to go as one), or none, holding them all until pacing lets the method have another
    /// message (each held message says why, once on its incident's timeline). A message stuck with a sender that
    /// stopped answering is taken over as it is (it may have gone already).
    static func pace(_ candidates: [Row], channel: ContactMethod.Kind, pacing: Pacing, now: Date, _ db: any DatabaseSession) async throws
        -> (claim: [String], progressed: Bool) {
        var claim: [String] = []
        var methods: [String] = []
        let candidateIDs = try candidates.map { try $0.decode(column: "id", as: String.self) }
        for (row, id) in zip(candidates, candidateIDs) {
            let method = try row.decode(column: "contact_method_id", as: String?.self)
            if let method, try row.decode(column: "status", as: String.self) == NotificationStatus.queued.rawValue {
                if !methods.contains(method) { methods.append(method) }
            } else {
                claim.append(id)
            }
        }
        if db.kind == .postgres, !methods.isEmpty {
            // One claim at a time per contact method, across instances: what it was sent is then what the next sees. A
            // method another transaction holds is left for the next round: waiting for it could deadlock with that
            // claim (holding rows of this one), or with the method's deletion (whose foreign keys touch its rows).
            let free = Set(try await db.raw("""
                SELECT id FROM contact_methods WHERE id IN (\(binds: methods.sorted())) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED
                """).all(decodingColumn: "id", as: String.self))
            methods = methods.filter { free.contains($0) }
        }
        let skip: SQL = db.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        var held = false
        for method in methods {
            // Messages to it that went (or are going) recently: bundled ones rode along in another's message, and the
            // rows of one claim in flight are one message.
            var sends: [Date] = []
            var inFlight: [String: Date] = [:]
            for row in try await db.raw("""
                SELECT COALESCE(sent_at, updated_at) AS at, claim, status FROM notifications
                WHERE contact_method_id = \(bind: method) AND bundle_id IS NULL AND id NOT IN (\(binds: candidateIDs))
                  AND ((status = \(bind: NotificationStatus.sent.rawValue) AND sent_at > \(bind: now.addingTimeInterval(-pacing.lookback(channel))))
                       OR status = \(bind: NotificationStatus.sending.rawValue))
                """).all() {
                let at = try row.decode(column: "at", as: Date.self)
                if try row.decode(column: "status", as: String.self) == NotificationStatus.sending.rawValue,
                   let claim = try row.decode(column: "claim", as: String?.self) {
                    inFlight[claim] = min(inFlight[claim] ?? at, at)
                } else {
                    sends.append(at)
                }
            }
            sends += inFlight.values
            // Every due message of the method, held by this transaction (those another claim holds are skipped).
            let due = try await db.raw("""
                SELECT id, incident_id, user_id, hold_reason FROM notifications
                WHERE contact_method_id = \(bind: method) AND channel = \(bind: channel.rawValue) AND status = \(bind: NotificationStatus.queued.rawValue)
                  AND due_at <= \(bind: now)
                ORDER BY due_at, id
                """ + skip).all()
            let dueIDs = try due.map { try $0.decode(column: "id", as: String.self) }
            guard let hold = pacing.hold(channel, sends: sends, now: now) else {
                // One message: up to the bundle size (one where the channel does not bundle).
                claim += dueIDs.prefix(pacing.bundleSize(channel))
                continue
            }
            held = held || !dueIDs.isEmpty
            let reason = pacing.explain(hold.reason, kind: channel)
            for chunk in dueIDs.chunks(of: 1000) {
                try await db.raw("""
                    UPDATE notifications SET due_at = \(bind: hold.until), hold_reason = \(bind: reason), updated_at = \(bind: now)
                    WHERE id IN (\(binds: Array(chunk)))
                    """).run()
            }
            // The timeline hears of a message's first hold (or a new reason), not of every pass that keeps it waiting.
            let fresh = try due.filter { try $0.decode(column: "hold_reason", as: String?.self) != reason }
            let names = try await Self.userNames(try fresh.map { try $0.optionalID("user_id") }, db)
            let until = ISO8601DateFormatter().string(from: hold.until)
            let events: [(UUID, IncidentEventDraft)] = try fresh.map { row in
                (try row.id("incident_id"), IncidentEventDraft(kind: .notificationHeld, at: now, actor: .system, payload: [
                    "channel": .string(channel.rawValue), "user": .string(try row.optionalID("user_id").flatMap { names[$0] } ?? "a removed user"),
                    "notification_id": .string(try row.decode(column: "id", as: String.self)), "reason": .string(reason), "until": .string(until),
                ]))
            }
            try await db.runWrites(Self.eventInserts(events))
        }
        return (claim, held || !claim.isEmpty)
    }

    public func finishNotification(id: UUID, claim: UUID, outcome: DeliveryOutcome, now: Date) async throws -> Bool {
        try await finishNotifications([(id, claim, outcome)], now: now)[0]
    }

    public func finishNotifications(_ outcomes: [(id: UUID, claim: UUID, outcome: DeliveryOutcome)], now: Date) async throws -> [Bool] {
        guard !outcomes.isEmpty else { return [] }
        // A sender's whole batch in one transaction, recorded at the channel's pace, not a commit each. On PostgreSQL
        // this takes no incident lock a state change holds (events refer to their incident with a key-share lock,
        // which `FOR NO KEY UPDATE` does not block), so it cannot deadlock with ingestion; should it fail anyway, the
        // sender records each outcome on its own.
        return try await database.write { db in try await Self.finish(outcomes, now: now, db) }
    }

    /// Records outcomes, each fenced by its claim (false where the claim was lost), in a few statements whatever their
    /// number: the rows still held are read (and locked) at once, the names for the timeline at once, and every update
    /// and event then goes in one round trip (PostgreSQL) or one statement each (SQLite).
    private static func finish(_ outcomes: [(id: UUID, claim: UUID, outcome: DeliveryOutcome)], now: Date, _ db: any DatabaseSession) async throws -> [Bool] {
        let lock: SQL = db.kind == .postgres ? " ORDER BY id FOR UPDATE" : ""
        var held: [String: (claim: String, incidentID: UUID, channel: String, userID: UUID?)] = [:]
        for row in try await db.raw("""
            SELECT id, claim, incident_id, channel, user_id FROM notifications
            WHERE id IN (\(binds: outcomes.map(\.id.db))) AND status = \(bind: NotificationStatus.sending.rawValue)
            """ + lock).all() {
            held[try row.decode(column: "id", as: String.self)] = (try row.decode(column: "claim", as: String?.self) ?? "", try row.id("incident_id"),
                                                                  try row.decode(column: "channel", as: String.self), try row.optionalID("user_id"))
        }
        let mine = outcomes.map { held[$0.id.db]?.claim == $0.claim.db }
        let names = try await Self.userNames(outcomes.indices.filter { mine[$0] }.map { held[outcomes[$0].id.db]?.userID }, db)
        var leads: [String: Int] = [:]
        let bundles = Set(outcomes.compactMap { item -> String? in if case .bundled(let lead, _) = item.outcome { return lead.db } else { return nil } })
        if !bundles.isEmpty {
            for row in try await db.raw("""
                SELECT n.id, i.number FROM notifications n JOIN incidents i ON i.id = n.incident_id WHERE n.id IN (\(binds: Array(bundles)))
                """).all() {
                leads[try row.decode(column: "id", as: String.self)] = try row.decode(column: "number", as: Int.self)
            }
        }
        var writes: [SQL] = []
        var events: [(incidentID: UUID, draft: IncidentEventDraft)] = []
        for (index, item) in outcomes.enumerated() where mine[index] {
            guard let row = held[item.id.db] else { continue }
            let status: NotificationStatus
            var dueAt: Date?
            var providerID: String?
            var error: String?
            var bundle: UUID?
            var event: (IncidentEventKind, String?)
            switch item.outcome {
            case .sent(let provider):
                (status, providerID, event) = (.sent, provider, (.notificationSent, nil))
            case .bundled(let lead, let provider):
                (status, providerID, event, bundle) = (.sent, provider, (.notificationSent, nil), lead)
            case .retry(let reason, let at):
                (status, dueAt, error, event) = (.queued, at, reason, (.notificationFailed, reason + "; trying again"))
            case .failed(let reason):
                (status, error, event) = (.failed, reason, (.notificationFailed, reason))
            case .cancelled(let reason):
                (status, error, event) = (.cancelled, reason, (.notificationCancelled, reason))
            }
            writes.append("""
                UPDATE notifications SET status = \(bind: status.rawValue), claim = NULL, claimed_until = NULL,
                    due_at = COALESCE(\(bind: dueAt), due_at), provider_message_id = COALESCE(\(bind: providerID), provider_message_id),
                    last_error = \(bind: error), updated_at = \(bind: now), bundle_id = \(bind: bundle?.db),
                    sent_at = \(bind: status == .sent ? now : nil)
                WHERE id = \(bind: item.id.db) AND claim = \(bind: item.claim.db)
                """)
            var payload: [String: JSONValue] = ["channel": .string(row.channel), "user": .string(row.userID.flatMap { names[$0] } ?? "a removed user"),
                                                "notification_id": .string(item.id.db)]
            if let reason = event.1 { payload["reason"] = .string(reason) }
            if let bundle, let lead = leads[bundle.db] { payload["bundled_with"] = .string("#\(lead)") }
            events.append((row.incidentID, IncidentEventDraft(kind: event.0, at: now, actor: .system, payload: payload)))
        }
        try await db.runWrites(writes + Self.eventInserts(events))
        return mine
    }

    /// Queues a notice for everyone already paged for the incident (each contact method a page went out on, but not
    /// by phone call: nobody is rung to be told they need not answer; nor on Slack, where the page itself is rewritten
    /// to say who took it), but the person who took it, saying who did:
    /// run in the transaction that acknowledged or resolved it.
    /// `actor` nil: the incident's integration or its alerts took it (`name` says which, "integration Prometheus").
    static func queueTakenNotices(incidentID: UUID, takenBy actor: UUID?, name byName: String? = nil, what: String, via: String?, now: Date,
                                  _ db: any DatabaseSession) async throws {
        let notActor: SQL = actor.map { " AND n.user_id <> \(bind: $0.db)" } ?? ""
        let rows = try await db.raw("""
            SELECT DISTINCT n.user_id, n.contact_method_id, n.channel, n.address, u.name AS user_name FROM notifications n JOIN users u ON u.id = n.user_id
            WHERE n.incident_id = \(bind: incidentID.db) AND n.purpose <> \(bind: NotificationPurpose.taken.rawValue)
              AND n.status IN (\(bind: NotificationStatus.sent.rawValue), \(bind: NotificationStatus.sending.rawValue))
              AND n.contact_method_id IS NOT NULL
              AND n.channel NOT IN (\(bind: ContactMethod.Kind.voice.rawValue), \(bind: ContactMethod.Kind.slack.rawValue))
            """ + notActor + " ORDER BY n.user_id, n.contact_method_id").all()
        guard !rows.isEmpty else { return }
        var name = byName ?? "someone"
        if let actor, let person = try await db.raw("SELECT name FROM users WHERE id = \(bind: actor.db)").first(decodingColumn: "name", as: String.self) {
            name = person
        }
        let detail = "\(what) by \(name)" + (via.map { " (\($0))" } ?? "")
        let at = Int((now.timeIntervalSince1970 * 1000).rounded())
        var writes: [SQL] = []
        var events: [(incidentID: UUID, draft: IncidentEventDraft)] = []
        for row in rows {
            let method = try row.id("contact_method_id")
            let channel = try row.decode(column: "channel", as: String.self)
            writes.append(Self.queueing(userID: try row.id("user_id"), methodID: method, channel: channel, address: try row.decode(column: "address", as: String.self),
                                        dueAt: now, incidentID: incidentID, step: -1, purpose: .taken, detail: detail,
                                        key: "taken:\(incidentID.db):\(at):\(method.db)", now: now))
            events.append((incidentID, IncidentEventDraft(kind: .notificationQueued, at: now, actor: .system, payload: [
                "channel": .string(channel), "user": .string(try row.decode(column: "user_name", as: String.self)),
                "purpose": .string(NotificationPurpose.taken.rawValue),
            ])))
        }
        try await db.runWrites(writes + Self.eventInserts(events))
    }

    public func staleChatMessages(channel: ContactMethod.Kind, now: Date, window: TimeInterval, limit: Int) async throws -> [StaleChatMessage] {
        try await database.read { db in
            try await db.raw("""
                SELECT n.id, n.provider_message_id, n.rendered_at, n.incident_id, i.updated_at, i.number, i.title, i.severity, i.status,
                    a.name AS acknowledged_name, r.name AS resolved_name
                FROM notifications n JOIN incidents i ON i.id = n.incident_id
                    LEFT JOIN users a ON a.id = i.acknowledged_by LEFT JOIN users r ON r.id = i.resolved_by
                WHERE n.channel = \(bind: channel.rawValue) AND n.status = \(bind: NotificationStatus.sent.rawValue)
                  AND n.purpose <> \(bind: NotificationPurpose.taken.rawValue) AND n.due_at > \(bind: now.addingTimeInterval(-window))
                  AND n.provider_message_id IS NOT NULL AND (n.rendered_at IS NULL OR n.rendered_at < i.updated_at)
                ORDER BY n.due_at, n.id LIMIT \(bind: max(1, limit))
                """).all().map { row in
                StaleChatMessage(notificationID: try row.id("id"), messageID: try row.decode(column: "provider_message_id", as: String.self),
                                 renderedAt: try row.decode(column: "rendered_at", as: Date?.self), updatedAt: try row.decode(column: "updated_at", as: Date.self),
                                 incidentID: try row.id("incident_id"), number: try row.decode(column: "number", as: Int.self),
                                 title: try row.decode(column: "title", as: String.self),
                                 severity: IncidentSeverity(rawValue: try row.decode(column: "severity", as: String.self)),
                                 status: IncidentStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .triggered,
                                 acknowledgedBy: try row.decode(column: "acknowledged_name", as: String?.self),
                                 resolvedBy: try row.decode(column: "resolved_name", as: String?.self))
            }
        }
    }

    public func markChatMessageRendered(id: UUID, renderedAt: Date) async throws -> Bool {
        try await database.write { db in
            // Only forward: a slower pass that rendered an older state does not mark a newer one as shown.
            try await db.raw("""
                UPDATE notifications SET rendered_at = \(bind: renderedAt)
                WHERE id = \(bind: id.db) AND (rendered_at IS NULL OR rendered_at < \(bind: renderedAt)) RETURNING id
                """).first() != nil
        }
    }

    public func pagingHealth(now: Date, grace: TimeInterval) async throws -> PagingHealth {
        try await database.read { db in
            let late = now.addingTimeInterval(-grace)
            let steps = try await db.raw("""
                SELECT COUNT(*) AS n, MIN(due_at) AS oldest FROM incident_escalations
                WHERE state = \(bind: Escalation.State.active.rawValue) AND due_at < \(bind: late)
                """).first()
            var health = PagingHealth()
            health.overdueSteps = try steps?.decode(column: "n", as: Int.self) ?? 0
            if let oldest = try steps?.decode(column: "oldest", as: Date?.self) { health.oldestStepLateness = now.timeIntervalSince(oldest) }
            // Each channel's queue is read through its index (channel, status, due_at).
            for kind in ContactMethod.Kind.allCases {
                let queued = try await db.count("""
                    SELECT COUNT(*) AS n FROM notifications WHERE channel = \(bind: kind.rawValue) AND status = \(bind: NotificationStatus.queued.rawValue)
                      AND due_at < \(bind: late)
                    """)
                if queued > 0 { health.overdueQueued[kind] = queued }
                health.stuckSending += try await db.count("""
                    SELECT COUNT(*) AS n FROM notifications WHERE channel = \(bind: kind.rawValue) AND status = \(bind: NotificationStatus.sending.rawValue)
                      AND claimed_until < \(bind: late)
                    """)
            }
            return health
        }
    }

    public func waitingNotifications(page: PageRequest) async throws -> Page<WaitingNotification> {
        try await database.read { db in
            let waiting: SQL = "n.status IN (\(bind: NotificationStatus.queued.rawValue), \(bind: NotificationStatus.sending.rawValue))"
            let total = try await db.count("SELECT COUNT(*) AS n FROM notifications n WHERE " + waiting)
            let rows = try await db.raw("""
                SELECT n.*, i.number AS incident_number, i.title AS incident_title, u.name AS user_name
                FROM notifications n JOIN incidents i ON i.id = n.incident_id LEFT JOIN users u ON u.id = n.user_id WHERE
                """ + " " + waiting + " ORDER BY n.due_at, n.id LIMIT \(literal: page.limit) OFFSET \(literal: page.offset)").all()
            return Page(items: try rows.map { row in
                WaitingNotification(notification: try Self.notification(from: row), incidentNumber: try row.decode(column: "incident_number", as: Int.self),
                                    incidentTitle: try row.decode(column: "incident_title", as: String.self),
                                    userName: try row.decode(column: "user_name", as: String?.self),
                                    claimedUntil: try row.decode(column: "claimed_until", as: Date?.self))
            }, total: total, request: page)
        }
    }

    public func incident(number: Int) async throws -> Incident? {
        guard let id = try await database.read({ db in
            try await db.raw("SELECT id FROM incidents WHERE number = \(bind: number)").first().map { try $0.id("id") }
        }) else { return nil }
        return try await incident(id: id)
    }

    public func verifiedContactMethods(kind: ContactMethod.Kind, address: String) async throws -> [ContactMethod] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM contact_methods WHERE kind = \(bind: kind.rawValue) AND address = \(bind: address) AND verified_at IS NOT NULL
                ORDER BY created_at, id
                """).all().map(Self.contactMethod(from:))
        }
    }

    public func pagesSent(userIDs: [UUID]?, from: Date, to: Date, limit: Int) async throws -> [PageSent] {
        try await database.read { db in
            var query: SQL = """
                SELECT n.user_id, n.incident_id, n.sent_at, COALESCE(n.bundle_id, n.id) AS message_id, i.acknowledged_by, i.acknowledged_at
                FROM notifications n JOIN incidents i ON i.id = n.incident_id
                WHERE n.status = \(bind: NotificationStatus.sent.rawValue) AND n.purpose <> \(bind: NotificationPurpose.taken.rawValue)
                  AND n.user_id IS NOT NULL AND n.sent_at >= \(bind: from) AND n.sent_at < \(bind: to)
                """
            if let userIDs {
                guard !userIDs.isEmpty else { return [] }
                query = query + " AND n.user_id IN (\(binds: userIDs.map(\.db)))"
            }
            return try await db.raw(query + " ORDER BY n.sent_at, n.id LIMIT \(literal: max(1, limit))").all().map { row in
                PageSent(userID: try row.id("user_id"), incidentID: try row.id("incident_id"), sentAt: try row.decode(column: "sent_at", as: Date.self),
                         messageID: try row.id("message_id"), acknowledgedBy: try row.optionalID("acknowledged_by"),
                         acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self))
            }
        }
    }

    public func recordDeliveryReport(providerMessageID: String, channel: ContactMethod.Kind?, failure: String?, now: Date) async throws -> Int {
        try await database.write { db in
            let only: SQL = channel.map { " AND channel = \(bind: $0.rawValue)" } ?? ""
            let rows: [Row]
            if let failure {
                rows = try await db.raw("""
                    UPDATE notifications SET last_error = \(bind: failure), updated_at = \(bind: now)
                    WHERE provider_message_id = \(bind: providerMessageID) AND status = \(bind: NotificationStatus.sent.rawValue)
                      AND delivered_at IS NULL AND (last_error IS NULL OR last_error <> \(bind: failure))
                    """ + only + " RETURNING id, incident_id, channel, user_id").all()
            } else {
                rows = try await db.raw("""
                    UPDATE notifications SET delivered_at = \(bind: now), last_error = NULL, updated_at = \(bind: now)
                    WHERE provider_message_id = \(bind: providerMessageID) AND status = \(bind: NotificationStatus.sent.rawValue) AND delivered_at IS NULL
                    """ + only + " RETURNING id, incident_id, channel, user_id").all()
            }
            let names = try await Self.userNames(try rows.map { try $0.optionalID("user_id") }, db)
            var events: [(UUID, IncidentEventDraft)] = []
            for row in rows {
                let name = try row.optionalID("user_id").flatMap { names[$0] }
                var payload: [String: JSONValue] = ["channel": .string(try row.decode(column: "channel", as: String.self)), "user": .string(name ?? "a removed user"),
                                                    "notification_id": .string(try row.decode(column: "id", as: String.self))]
                if let failure { payload["reason"] = .string(failure) }
                events.append((try row.id("incident_id"), IncidentEventDraft(kind: failure == nil ? .notificationDelivered : .notificationUndelivered,
                                                                            at: now, actor: .system, payload: payload)))
            }
            try await db.runWrites(Self.eventInserts(events))
            return rows.count
        }
    }

    public func notifications(incidentID: UUID) async throws -> [NotificationRecord] {
        try await database.read { db in
            guard try await db.count("SELECT COUNT(*) AS n FROM incidents WHERE id = \(bind: incidentID.db)") == 1 else {
                throw DomainError.notFound("incident \(incidentID.db) not found")
            }
            return try await db.raw("SELECT * FROM notifications WHERE incident_id = \(bind: incidentID.db) ORDER BY created_at, due_at, id").all()
                .map(Self.notification(from:))
        }
    }

    static func snapshotText(_ policy: EscalationPolicy) throws -> String {
        try json(PolicySnapshot(id: policy.id, name: policy.name, teamID: policy.teamID, repeatCount: policy.repeatCount,
                                levels: policy.levels.map(LevelRecord.init)))
    }

    static func escalation(from row: Row) throws -> Escalation {
        let snapshot = try decodeJSON(PolicySnapshot.self, row, "policy")
        let startedAt = try row.decode(column: "started_at", as: Date.self)
        let policy = EscalationPolicy(id: snapshot.id, name: snapshot.name, teamID: snapshot.teamID, repeatCount: snapshot.repeatCount,
                                      levels: try snapshot.levels.map { try $0.level() }, createdAt: startedAt, updatedAt: startedAt)
        return Escalation(incidentID: try row.id("incident_id"), policy: policy, step: try row.decode(column: "step", as: Int.self),
                          dueAt: try row.decode(column: "due_at", as: Date?.self),
                          state: Escalation.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .stopped,
                          turn: try row.decode(column: "turn", as: Int.self), startedAt: startedAt,
                          urgency: Urgency(rawValue: try row.decode(column: "urgency", as: String.self)) ?? .high)
    }

    static func notification(from row: Row) throws -> NotificationRecord {
        let channel = try row.decode(column: "channel", as: String.self)
        guard let kind = ContactMethod.Kind(rawValue: channel) else {
            throw RowDecodingError(column: "channel", message: "holds an unknown channel \(channel)")
        }
        return NotificationRecord(
            id: try row.id("id"), incidentID: try row.id("incident_id"), userID: try row.optionalID("user_id"),
            contactMethodID: try row.optionalID("contact_method_id"), channel: kind, address: try row.decode(column: "address", as: String.self),
            step: try row.decode(column: "step", as: Int.self),
            status: NotificationStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            dueAt: try row.decode(column: "due_at", as: Date.self), attempts: try row.decode(column: "attempts", as: Int.self),
            providerMessageID: try row.decode(column: "provider_message_id", as: String?.self),
            lastError: try row.decode(column: "last_error", as: String?.self), createdAt: try row.decode(column: "created_at", as: Date.self),
            sentAt: try row.decode(column: "sent_at", as: Date?.self),
            purpose: NotificationPurpose(rawValue: try row.decode(column: "purpose", as: String.self)) ?? .page,
            detail: try row.decode(column: "detail", as: String?.self), holdReason: try row.decode(column: "hold_reason", as: String?.self),
            bundleID: try row.optionalID("bundle_id"), deliveredAt: try row.decode(column: "delivered_at", as: Date?.self))
    }
}
