import Foundation

/// One problem with one input field, reported to the caller as-is.
public struct FieldError: Error, Equatable, Sendable, Codable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// The errors the domain speaks. The web layer maps each to one HTTP status.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every field error found at once.
    case validation([FieldError])
    /// The request cannot be read at all (a body that is not JSON, a form over the limits): 400, not 422.
    case malformed(FieldError)
    case notFound(String)
    /// A uniqueness or state conflict; `field` names the input that caused it when there is one.
    case conflict(String, field: String? = nil)
    case forbidden(String)
    case unauthenticated(String)
    case rateLimited(String, retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .validation(let errors): return "invalid input: " + errors.map(\.description).joined(separator: "; ")
        case .malformed(let error): return "malformed request: \(error)"
        case .notFound(let what): return what
        case .conflict(let what, _): return what
        case .forbidden(let what): return what
        case .unauthenticated(let what): return what
        case .rateLimited(let what, _): return what
        }
    }

    public static func invalid(_ field: String, _ reason: String) -> DomainError {
        .validation([FieldError(field, reason)])
    }
}

/// Collects field errors so that a caller learns about every bad field in one answer.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ reason: String) {
        errors.append(FieldError(field, reason))
    }

    public mutating func check(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) {
        if !condition { add(field, reason()) }
    }

    public mutating func merge(_ other: [FieldError]) {
        errors.append(contentsOf: other)
    }

    public var isValid: Bool { errors.isEmpty }

    public func throwIfInvalid() throws {
        if !errors.isEmpty { throw DomainError.validation(errors) }
    }
}
