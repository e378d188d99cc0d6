import Foundation

/// A service's rule for incoming events: when every condition holds, the action applies.
/// Rules are tried in order and the first that matches wins.
public struct EventRule: Sendable, Equatable, Identifiable {
    public enum Action: Sendable, Equatable {
        /// Discard the event: it is answered as accepted and not stored.
        case drop
        case setSeverity(AlertSeverity)
        /// Treat the event as the other service's.
        case route(UUID)
    }

    public var id: UUID
    public var conditions: [AlertMatcher]
    public var action: Action

    public init(id: UUID, conditions: [AlertMatcher], action: Action) {
        self.id = id
        self.conditions = conditions
        self.action = action
    }

    public func matches(_ event: AlertEvent) -> Bool { conditions.allSatisfy { $0.matches(event) } }

    public static let maximumRules = 50
    public static let maximumConditions = 20

    /// Refuses more rules, or more conditions in one, than a list may hold, before any pattern is compiled.
    public static func checkCounts(rules: Int, conditions: [Int]) throws {
        var v = Validator()
        v.check(rules <= maximumRules, "rules", "must have at most \(maximumRules) rules (it has \(rules))")
        for (index, count) in conditions.enumerated().prefix(maximumRules) {
            v.check(count <= maximumConditions, "rules[\(index)].conditions", "must have at most \(maximumConditions) conditions (it has \(count))")
        }
        try v.throwIfInvalid()
    }

    public static func validate(_ rules: [EventRule], serviceID: UUID) throws {
        var v = Validator()
        v.check(rules.count <= maximumRules, "rules", "must have at most \(maximumRules) rules")
        for (index, rule) in rules.enumerated() {
            v.check(!rule.conditions.isEmpty, "rules[\(index)].conditions", "must have at least one condition")
            v.check(rule.conditions.count <= maximumConditions, "rules[\(index)].conditions", "must have at most \(maximumConditions) conditions")
            for (c, matcher) in rule.conditions.enumerated() { matcher.validate(at: "rules[\(index)].conditions[\(c)]", into: &v) }
            if case .route(let target) = rule.action { v.check(target != serviceID, "rules[\(index)].route_to", "must be another service") }
        }
        try v.throwIfInvalid()
    }
}

/// What the rules did to one event.
public enum EventRuling: Sendable, Equatable {
    case keep(AlertEvent, serviceID: UUID)
    case drop(String)

    public static func apply(_ rules: [EventRule], to event: AlertEvent, serviceID: UUID) -> EventRuling {
        guard let (index, rule) = rules.enumerated().first(where: { $0.element.matches(event) }) else {
            return .keep(event, serviceID: serviceID)
        }
        switch rule.action {
        case .drop:
            return .drop("dropped by event rule \(index + 1)")
        case .setSeverity(let severity):
            var changed = event
            changed.severity = severity
            return .keep(changed, serviceID: serviceID)
        case .route(let target):
            return .keep(event, serviceID: target)
        }
    }
}
