import Foundation

/// The numbers a team needs to fight alert fatigue, computed from alert records.
public struct NoiseReport: Sendable, Equatable {
    /// What the report needs of one alert.
    public struct AlertFact: Sendable, Equatable {
        public var serviceID: UUID
        public var dedupKey: String
        public var firstSeenAt: Date
        public var occurrences: Int
        public var resolved: Bool
        /// Acknowledged, or resolved by a person.
        public var touchedByHuman: Bool
        public var muted: Bool

        public init(serviceID: UUID, dedupKey: String, firstSeenAt: Date, occurrences: Int, resolved: Bool, touchedByHuman: Bool, muted: Bool) {
            self.serviceID = serviceID
            self.dedupKey = dedupKey
            self.firstSeenAt = firstSeenAt
            self.occurrences = occurrences
            self.resolved = resolved
            self.touchedByHuman = touchedByHuman
            self.muted = muted
        }
    }

    public struct ServiceNoise: Sendable, Equatable {
        public var serviceID: UUID
        public var alerts: Int
        public var occurrences: Int
        /// Alerts per day ("2026-11-23" in the report's time zone), every day of the period listed.
        public var perDay: [(day: String, alerts: Int)]
        /// Share of resolved alerts that resolved themselves with nobody acknowledging: pages nobody needed.
        public var autoResolvedShare: Double?
        public var muted: Int

        public static func == (lhs: ServiceNoise, rhs: ServiceNoise) -> Bool {
            lhs.serviceID == rhs.serviceID && lhs.alerts == rhs.alerts && lhs.occurrences == rhs.occurrences
                && lhs.perDay.map(\.day) == rhs.perDay.map(\.day) && lhs.perDay.map(\.alerts) == rhs.perDay.map(\.alerts)
                && lhs.autoResolvedShare == rhs.autoResolvedShare && lhs.muted == rhs.muted
        }
    }

    public struct NoisyKey: Sendable, Equatable {
        public var serviceID: UUID
        public var dedupKey: String
        public var alerts: Int
        public var occurrences: Int
    }

    public var from: Date
    public var to: Date
    public var services: [ServiceNoise]
    public var noisiestKeys: [NoisyKey]

    public static func compute(_ facts: [AlertFact], from: Date, to: Date, timeZone: TimeZone, topKeys: Int = 10) -> NoiseReport {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        var days: [String] = []
        var day = calendar.startOfDay(for: from)
        while day < to, days.count < 400 {
            days.append(formatter.string(from: day))
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        let inRange = facts.filter { $0.firstSeenAt >= from && $0.firstSeenAt < to }
        let services = Dictionary(grouping: inRange, by: \.serviceID).map { serviceID, alerts -> ServiceNoise in
            let counts = Dictionary(grouping: alerts, by: { formatter.string(from: $0.firstSeenAt) }).mapValues(\.count)
            let resolved = alerts.filter(\.resolved)
            let auto = resolved.filter { !$0.touchedByHuman }
            return ServiceNoise(serviceID: serviceID, alerts: alerts.count, occurrences: alerts.reduce(0) { $0 + $1.occurrences },
                                perDay: days.map { ($0, counts[$0] ?? 0) },
                                autoResolvedShare: resolved.isEmpty ? nil : Double(auto.count) / Double(resolved.count),
                                muted: alerts.filter(\.muted).count)
        }.sorted { ($0.alerts, $0.serviceID.uuidString) > ($1.alerts, $1.serviceID.uuidString) }
        struct KeyID: Hashable { var service: UUID; var key: String }
        let keys = Dictionary(grouping: inRange, by: { KeyID(service: $0.serviceID, key: $0.dedupKey) }).map { id, alerts in
            NoisyKey(serviceID: id.service, dedupKey: id.key, alerts: alerts.count, occurrences: alerts.reduce(0) { $0 + $1.occurrences })
        }.sorted { ($0.occurrences, $0.alerts, $0.dedupKey) > ($1.occurrences, $1.alerts, $1.dedupKey) }
        return NoiseReport(from: from, to: to, services: services, noisiestKeys: Array(keys.prefix(topKeys)))
    }
}
