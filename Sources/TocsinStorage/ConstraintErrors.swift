import Foundation
import PostgresNIO
import TocsinCore

/// Turns a database's constraint violation into the domain error a caller can act on.
/// Repositories check references themselves first; this is the net for races and uniqueness.
enum ConstraintErrors {
    /// Unique indexes by name, with the field they guard and the sentence a user reads.
    static let unique: [(index: String, sqliteColumn: String, field: String, message: String)] = [
        ("users_email_key", "users.email", "email", "a user with that e-mail address already exists"),
        ("teams_name_key", "teams_name_key", "name", "a team with that name already exists"),
        ("services_name_key", "services_name_key", "name", "a service with that name already exists"),
        ("schedules_name_key", "schedules_name_key", "name", "a schedule with that name already exists"),
        ("contact_methods_address_key", "contact_methods.address", "address", "this person already has that contact method"),
        ("notification_rules_key", "notification_rules.delay_minutes", "delay_minutes",
         "this person already has a rule for that method, urgency and delay"),
        ("escalation_policies_name_key", "escalation_policies_name_key", "name", "an escalation policy with that name already exists"),
    ]

    static func map(_ error: any Error) -> any Error {
        if error is DomainError { return error }
        if let error = error as? SQLiteError, error.isConstraint {
            for entry in unique where error.message.contains(entry.sqliteColumn) || error.message.contains(entry.index) {
                return DomainError.conflict(entry.message, field: entry.field)
            }
            if error.message.contains("FOREIGN KEY") {
                return DomainError.conflict("a record this refers to no longer exists")
            }
            return DomainError.conflict("the change conflicts with existing data")
        }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            let constraint = error.serverInfo?[.constraintName] ?? ""
            switch state {
            case "23505":
                if let entry = unique.first(where: { $0.index == constraint }) {
                    return DomainError.conflict(entry.message, field: entry.field)
                }
                return DomainError.conflict("the change conflicts with existing data")
            case "23503":
                return DomainError.conflict("a record this refers to no longer exists")
            default:
                return error
            }
        }
        return error
    }
}
