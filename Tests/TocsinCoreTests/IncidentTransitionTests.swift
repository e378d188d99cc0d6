import Foundation
import Testing
@testable import TocsinCore

@Suite("Incident transitions")
struct IncidentTransitionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let ana = UUID(), key = UUID()
    static let earlier = now.addingTimeInterval(-600)

    static func state(_ status: IncidentStatus, _ severity: IncidentSeverity = .sev3) -> IncidentState {
        var s = IncidentState(status: status, severity: severity, updatedAt: earlier)
        if status != .triggered { (s.acknowledgedAt, s.acknowledgedBy) = (earlier, ana) }
        if status == .resolved { s.resolvedAt = earlier }
        return s
    }

    @Test("opening records who opened it, from what, and how bad")
    func opening() {
        let (state, events) = IncidentTransitions.open(title: "Disk full", severity: .sev2, detectionSource: .monitoring, alertSummary: "Disk full",
                                                       by: .integration(Self.key), now: Self.now)
        #expect(state == IncidentState(status: .triggered, severity: .sev2, updatedAt: Self.now))
        #expect(events.map(\.kind) == [.opened] && events[0].actor == .integration(Self.key) && events[0].payload["severity"] == "SEV2")
    }

    /// Each allowed transition: the command, the state before, the status and severity after, the event kinds produced.
    static let allowed: [(IncidentCommand, IncidentState, IncidentStatus, IncidentSeverity, [IncidentEventKind])] = [
        (.acknowledge, state(.triggered), .acknowledged, .sev3, [.acknowledged]),
        (.resolve, state(.triggered), .resolved, .sev3, [.resolved]),
        (.resolve, state(.acknowledged), .resolved, .sev3, [.resolved]),
        (.reopen, state(.resolved), .triggered, .sev3, [.reopened]),
        (.joinAlert(summary: "5xx", severity: .sev4, reason: nil), state(.triggered), .triggered, .sev3, [.alertJoined]),
        (.joinAlert(summary: "5xx", severity: .sev1, reason: "same labels"), state(.triggered), .triggered, .sev1, [.alertJoined, .severityChanged]),
        (.joinAlert(summary: "5xx", severity: .sev3, reason: nil), state(.acknowledged), .triggered, .sev3, [.alertJoined, .retriggered]),
        (.raiseSeverity(to: .sev2, reason: "worse repeat"), state(.acknowledged), .acknowledged, .sev2, [.severityChanged]),
        (.raiseSeverity(to: .sev4, reason: "milder repeat"), state(.triggered), .triggered, .sev3, []),
        (.setSeverity(.sev4), state(.triggered), .triggered, .sev4, [.severityChanged]),
        (.setSeverity(.sev3), state(.triggered), .triggered, .sev3, []),
        (.rollUp(openAlerts: 0, triggeredAlerts: 0), state(.acknowledged), .resolved, .sev3, [.resolved]),
        (.rollUp(openAlerts: 2, triggeredAlerts: 0), state(.triggered), .acknowledged, .sev3, [.acknowledged]),
        (.rollUp(openAlerts: 2, triggeredAlerts: 1), state(.triggered), .triggered, .sev3, []),
        (.rollUp(openAlerts: 0, triggeredAlerts: 0), state(.resolved), .resolved, .sev3, []),
    ]

    @Test("each transition: the state after and the events it produced", arguments: allowed.indices)
    func transition(index: Int) throws {
        let (command, before, status, severity, kinds) = Self.allowed[index]
        let (after, events) = try IncidentTransitions.apply(command, to: before, by: .user(Self.ana), now: Self.now)
        #expect(after.status == status && after.severity == severity, "\(command)")
        #expect(events.map(\.kind) == kinds, "\(command)")
        #expect(events.allSatisfy { $0.at == Self.now && $0.actor == .user(Self.ana) })
        #expect(after.updatedAt == (kinds.isEmpty ? before.updatedAt : Self.now), "nothing changed, nothing touched")
    }

    static let refused: [(IncidentCommand, IncidentState, IncidentRefusal)] = [
        (.acknowledge, state(.acknowledged), .alreadyAcknowledged),
        (.acknowledge, state(.resolved), .alreadyResolved),
        (.resolve, state(.resolved), .alreadyResolved),
        (.reopen, state(.triggered), .notResolved),
        (.joinAlert(summary: "late", severity: .sev1, reason: nil), state(.resolved), .closed),
        (.raiseSeverity(to: .sev1, reason: "late"), state(.resolved), .closed),
    ]

    @Test("refused transitions say why and change nothing", arguments: refused.indices)
    func refusal(index: Int) {
        let (command, before, why) = Self.refused[index]
        #expect(throws: why) { try IncidentTransitions.apply(command, to: before, by: .system, now: Self.now) }
    }

    @Test("who acknowledged and resolved is kept: a person's resolve also acknowledges; a roll-up names nobody")
    func people() throws {
        let (resolved, _) = try IncidentTransitions.apply(.resolve, to: Self.state(.triggered), by: .user(Self.ana), now: Self.now)
        #expect(resolved.acknowledgedAt == Self.now && resolved.acknowledgedBy == Self.ana && resolved.resolvedBy == Self.ana)
        let (rolled, _) = try IncidentTransitions.apply(.rollUp(openAlerts: 0, triggeredAlerts: 0), to: Self.state(.acknowledged),
                                                        by: .integration(Self.key), now: Self.now)
        #expect(rolled.resolvedBy == nil && rolled.acknowledgedBy == Self.ana && rolled.acknowledgedAt == Self.earlier)
        let (reopened, _) = try IncidentTransitions.apply(.reopen, to: rolled, by: .user(Self.ana), now: Self.now)
        #expect(reopened.resolvedAt == nil && reopened.status == .triggered)
    }

    @Test("events read as sentences, and a kind added later reads too")
    func sentences() {
        func event(_ kind: IncidentEventKind, _ type: String, _ name: String?, _ payload: [String: JSONValue] = [:]) -> IncidentEvent {
            IncidentEvent(id: 1, incidentID: UUID(), kind: kind, at: Self.now, actorType: type, actorID: UUID(), actorName: name, payload: payload)
        }
        #expect(event(.acknowledged, "user", "Ana Lima").body == "Acknowledged by Ana Lima")
        #expect(event(.resolved, "user", nil).body == "Resolved by a removed user")
        #expect(event(.severityChanged, "system", nil, ["from": "SEV3", "to": "SEV1", "reason": "a worse alert joined"]).body
                == "Severity SEV3 → SEV1: a worse alert joined")
        #expect(event(.opened, "integration", "prod Alertmanager", ["alert_summary": "Disk full", "severity": "SEV2"]).body
                == "Opened by the alert \"Disk full\" from integration prod Alertmanager as SEV2")
        #expect(event("page_sent", "system", nil).body == "Page sent")
    }
}
