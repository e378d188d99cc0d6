import Foundation

public struct User: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    /// Stored lowercased; unique.
    public var email: String
    /// IANA identifier, e.g. `Europe/Berlin`.
    public var timeZone: String
    public var role: Role
    /// bcrypt hash; nil for an invited user who has not set a password yet.
    public var passwordHash: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, email: String, timeZone: String, role: Role,
                passwordHash: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.email = email
        self.timeZone = timeZone
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var hasPassword: Bool { passwordHash != nil }
}

/// What a caller supplies to create a user, before it is checked.
public struct NewUser: Sendable, Equatable {
    public var name: String
    public var email: String
    public var timeZone: String?
    public var role: String?
    public var password: String?

    public init(name: String, email: String, timeZone: String? = nil, role: String? = nil, password: String? = nil) {
        self.name = name
        self.email = email
        self.timeZone = timeZone
        self.role = role
        self.password = password
    }

    /// Fills defaults, trims text, and reports every bad field at once.
    public func normalized() throws -> (name: String, email: String, timeZone: String, role: Role, password: String?) {
        var v = Validator()
        let name = UserRules.checkName(self.name, into: &v)
        let email = UserRules.checkEmail(self.email, into: &v)
        let tz = UserRules.checkTimeZone(self.timeZone ?? "UTC", into: &v)
        var role = Role.responder
        if let text = self.role {
            if let parsed = Role.parse(text) { role = parsed } else { v.add("role", "must be one of owner, admin, responder, observer") }
        }
        if let password { UserRules.checkPassword(password, field: "password", into: &v) }
        try v.throwIfInvalid()
        return (name, email, tz, role, password)
    }
}

/// A change to a user; nil fields stay as they are.
public struct UserChanges: Sendable, Equatable {
    public var name: String?
    public var email: String?
    public var timeZone: String?
    public var role: String?
    public var password: String?

    public init(name: String? = nil, email: String? = nil, timeZone: String? = nil, role: String? = nil, password: String? = nil) {
        self.name = name
        self.email = email
        self.timeZone = timeZone
        self.role = role
        self.password = password
    }

    public var isEmpty: Bool { name == nil && email == nil && timeZone == nil && role == nil && password == nil }

    /// Checks the change and applies it to `user` (the password is checked, not hashed: hashing is the caller's).
    public func applied(to user: User, now: Date) throws -> (user: User, newPassword: String?) {
        var v = Validator()
        var u = user
        if let name { u.name = UserRules.checkName(name, into: &v) }
        if let email { u.email = UserRules.checkEmail(email, into: &v) }
        if let timeZone { u.timeZone = UserRules.checkTimeZone(timeZone, into: &v) }
        if let role {
            if let parsed = Role.parse(role) { u.role = parsed } else { v.add("role", "must be one of owner, admin, responder, observer") }
        }
        if let password { UserRules.checkPassword(password, field: "password", into: &v) }
        try v.throwIfInvalid()
        u.updatedAt = now
        return (u, password)
    }
}

public enum UserRules {
    public static let minimumPasswordLength = 10
    /// bcrypt reads only the first 72 bytes; longer passwords would silently lose their tail.
    public static let maximumPasswordBytes = 72

    static func checkName(_ raw: String, into v: inout Validator) -> String {
        let name = raw.trimmed
        v.check(!name.isEmpty, "name", "must not be blank")
        v.check(name.count <= 200, "name", "must be at most 200 characters")
        v.checkPrintable(name, "name")
        return name
    }

    static func checkEmail(_ raw: String, into v: inout Validator) -> String {
        let email = raw.trimmed.lowercased()
        if email.isEmpty {
            v.add("email", "must not be blank")
        } else {
            v.check(TextRules.isPlausibleEmail(email), "email", "is not a valid e-mail address")
        }
        return email
    }

    static func checkTimeZone(_ raw: String, into v: inout Validator) -> String {
        let tz = raw.trimmed
        v.check(TextRules.isKnownTimeZone(tz), "time_zone", "is not a known IANA time zone (e.g. Europe/Berlin)")
        return tz
    }

    public static func checkPassword(_ password: String, field: String, into v: inout Validator) {
        v.check(password.count >= minimumPasswordLength, field, "must be at least \(minimumPasswordLength) characters")
        v.check(password.utf8.count <= maximumPasswordBytes, field, "must be at most \(maximumPasswordBytes) bytes")
    }

    public static func validatePassword(_ password: String, field: String = "password") throws {
        var v = Validator()
        checkPassword(password, field: field, into: &v)
        try v.throwIfInvalid()
    }
}
