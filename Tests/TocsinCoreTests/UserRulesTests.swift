import Foundation
import Testing
@testable import TocsinCore

@Suite("Account rules")
struct UserRulesTests {
    @Test("every bad field is reported at once")
    func reportsAllFields() throws {
        let input = NewUser(name: "  ", email: "not-an-email", timeZone: "Mars/Olympus", role: "king", password: "short")
        let error = #expect(throws: DomainError.self) { try input.normalized() }
        guard case .validation(let fields)? = error else { Issue.record("expected validation, got \(String(describing: error))"); return }
        #expect(Set(fields.map(\.field)) == ["name", "email", "time_zone", "role", "password"])
    }

    @Test("input is trimmed, the e-mail lowercased, and defaults filled")
    func normalizes() throws {
        let fields = try NewUser(name: "  Ada Lovelace ", email: " Ada@Example.COM ").normalized()
        #expect(fields.name == "Ada Lovelace")
        #expect(fields.email == "ada@example.com")
        #expect(fields.timeZone == "UTC")
        #expect(fields.role == .responder)
        #expect(fields.password == nil)
    }

    @Test("passwords beyond bcrypt's 72 bytes are refused rather than silently cut")
    func passwordLength() {
        #expect(throws: DomainError.self) { try UserRules.validatePassword(String(repeating: "é", count: 40)) }
        #expect(throws: Never.self) { try UserRules.validatePassword("correct horse battery") }
    }

    @Test("roles grant permissions from most to least privileged", arguments: [
        (Role.owner, Permission.manageOwners, true), (.admin, .manageOwners, false), (.admin, .manageUsers, true),
        (.admin, .manageCatalog, true), (.responder, .manageCatalog, false), (.responder, .respond, true),
        (.observer, .respond, false), (.observer, .read, true),
    ])
    func permissions(role: Role, permission: Permission, allowed: Bool) {
        #expect(role.allows(permission) == allowed)
    }

    @Test("a change applies only the given fields")
    func changes() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let user = User(id: UUID(), name: "Bo", email: "bo@example.com", timeZone: "UTC", role: .observer,
                        passwordHash: nil, createdAt: now, updatedAt: now)
        let later = now.addingTimeInterval(60)
        let (changed, password) = try UserChanges(timeZone: "Asia/Tokyo").applied(to: user, now: later)
        #expect(changed.timeZone == "Asia/Tokyo")
        #expect(changed.name == "Bo" && changed.role == .observer)
        #expect(changed.updatedAt == later)
        #expect(password == nil)
    }
}

@Suite("Paging")
struct PagingTests {
    @Test("limit and offset are bounded and reported by name")
    func bounds() throws {
        #expect(try PageRequest.parse(limit: "10", offset: "20") == PageRequest(limit: 10, offset: 20))
        let error = #expect(throws: DomainError.self) { try PageRequest.parse(limit: "0", offset: "-1") }
        #expect(error == .validation([FieldError("limit", "must be a whole number from 1 to 200"),
                                      FieldError("offset", "must be a whole number from 0 to 1000000")]))
    }

    @Test("the next offset stops at the end")
    func nextOffset() {
        #expect(Page(items: [1, 2], total: 5, request: PageRequest(limit: 2, offset: 0)).nextOffset == 2)
        #expect(Page(items: [5], total: 5, request: PageRequest(limit: 2, offset: 4)).nextOffset == nil)
    }
}
