import Foundation
import TocsinCore

extension SQLStore: ContactRepository {
    public func createContactMethod(_ method: ContactMethod, codeHash: String?, codeExpiresAt: Date?) async throws {
        try await database.write { db in
            // The person's row is held while their methods are counted: two requests at once cannot both pass the limit.
            guard try await db.missingIDs([method.userID], in: "users", lock: .update).isEmpty else {
                throw DomainError.notFound("user \(method.userID.db) not found")
            }
            guard try await db.count("SELECT COUNT(*) AS n FROM contact_methods WHERE user_id = \(bind: method.userID.db)")
                < ContactMethod.maximumPerUser else {
                throw DomainError.conflict("a person may have at most \(ContactMethod.maximumPerUser) contact methods; delete one first")
            }
            if codeHash != nil { try await Self.countCodeSend(userID: method.userID, kind: method.kind, address: method.address, now: method.createdAt, db) }
            try await db.raw("""
                INSERT INTO contact_methods (id, user_id, kind, address, label, verified_at, code_hash, code_expires_at, signing_secret, created_at,
                                             updated_at)
                VALUES (\(bind: method.id.db), \(bind: method.userID.db), \(bind: method.kind.rawValue), \(bind: method.address), \(bind: method.label),
                        \(bind: method.verifiedAt), \(bind: codeHash), \(bind: codeExpiresAt), \(bind: method.signingSecret), \(bind: method.createdAt),
                        \(bind: method.updatedAt))
                """).run()
        }
    }

    public func contactMethod(id: UUID) async throws -> ContactMethod? {
        try await database.read { db in
            try await db.raw("SELECT * FROM contact_methods WHERE id = \(bind: id.db)").all().map(Self.contactMethod(from:)).first
        }
    }

    public func contactMethods(userID: UUID) async throws -> [ContactMethod] {
        try await contactMethods(userIDs: [userID])
    }

    public func contactMethods(userIDs: [UUID]) async throws -> [ContactMethod] {
        guard !userIDs.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("SELECT * FROM contact_methods WHERE user_id IN (\(binds: userIDs.map(\.db))) ORDER BY created_at, id").all()
                .map(Self.contactMethod(from:))
        }
    }

    public func updateContactMethod(_ method: ContactMethod, codeHash: String?, codeExpiresAt: Date?) async throws {
        try await database.write { db in
            try await Self.requireContactMethod(method.id, of: method.userID, db)
            try await db.raw("""
                UPDATE contact_methods SET address = \(bind: method.address), label = \(bind: method.label),
                    verified_at = \(bind: method.verifiedAt), updated_at = \(bind: method.updatedAt)
                WHERE id = \(bind: method.id.db)
                """).run()
            if let codeHash {
                // A new address is a new code, at most one a minute like any other.
                try await Self.requireCodeInterval(method.id, now: method.updatedAt, db)
                try await Self.countCodeSend(userID: method.userID, kind: method.kind, address: method.address, now: method.updatedAt, db)
                try await Self.replaceCode(method.id, codeHash, codeExpiresAt, db)
            }
        }
    }

    public func deleteContactMethod(id: UUID, userID: UUID) async throws {
        try await database.write { db in
            try await Self.requireContactMethod(id, of: userID, db)
            // Its notification rules go with it (ON DELETE CASCADE).
            try await db.raw("DELETE FROM contact_methods WHERE id = \(bind: id.db)").run()
        }
    }

    public func setVerificationCode(contactMethodID: UUID, userID: UUID, codeHash: String, now: Date) async throws {
        try await database.write { db in
            try await Self.requireContactMethod(contactMethodID, of: userID, db)
            try await Self.requireCodeInterval(contactMethodID, now: now, db)
            guard let row = try await db.raw("SELECT kind, address FROM contact_methods WHERE id = \(bind: contactMethodID.db)").first(),
                  let kind = ContactMethod.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                throw DomainError.notFound("contact method \(contactMethodID.db) not found")
            }
            try await Self.countCodeSend(userID: userID, kind: kind, address: try row.decode(column: "address", as: String.self), now: now, db)
            try await Self.replaceCode(contactMethodID, codeHash, now.addingTimeInterval(ContactMethod.codeLifetime), db)
        }
    }

    public func verifyContactMethod(id: UUID, userID: UUID, codeHash: String, now: Date) async throws -> ContactVerification {
        try await database.write { db in
            try await Self.requireContactMethod(id, of: userID, db)
            guard let row = try await db.raw("""
                SELECT code_hash, code_expires_at, code_attempts FROM contact_methods WHERE id = \(bind: id.db)
                """).first() else { throw DomainError.notFound("contact method \(id.db) not found") }
            guard let stored = try row.decode(column: "code_hash", as: String?.self),
                  let expires = try row.decode(column: "code_expires_at", as: Date?.self) else { return .noCode }
            guard try row.decode(column: "code_attempts", as: Int.self) < ContactMethod.maximumCodeAttempts else { return .tooManyAttempts }
            guard expires > now else { return .expired }
            // Each try is counted before it is judged, in one statement, so guesses sent at once cannot pass the limit.
            guard let counted = try await db.raw("""
                UPDATE contact_methods SET code_attempts = code_attempts + 1
                WHERE id = \(bind: id.db) AND code_hash IS NOT NULL AND code_attempts < \(bind: ContactMethod.maximumCodeAttempts)
                RETURNING code_attempts
                """).first(decodingColumn: "code_attempts", as: Int.self) else { return .tooManyAttempts }
            // Both are hex digests of the same length: comparing them says nothing about the code itself.
            guard stored == codeHash else {
                return .wrongCode(attemptsLeft: max(0, ContactMethod.maximumCodeAttempts - counted))
            }
            try await db.raw("""
                UPDATE contact_methods SET verified_at = \(bind: now), updated_at = \(bind: now), code_hash = NULL, code_expires_at = NULL,
                    code_attempts = 0
                WHERE id = \(bind: id.db)
                """).run()
            return .verified
        }
    }

    public func createNotificationRule(_ rule: NotificationRule) async throws {
        try await database.write { db in
            // Held while the person's rules are counted, as for methods.
            guard try await db.missingIDs([rule.userID], in: "users", lock: .update).isEmpty else {
                throw DomainError.notFound("user \(rule.userID.db) not found")
            }
            guard try await db.count("""
                SELECT COUNT(*) AS n FROM contact_methods WHERE id = \(bind: rule.contactMethodID.db) AND user_id = \(bind: rule.userID.db)
                """) == 1 else {
                throw DomainError.invalid("contact_method_id", "is not one of this person's contact methods")
            }
            guard try await db.count("SELECT COUNT(*) AS n FROM notification_rules WHERE user_id = \(bind: rule.userID.db)")
                < NotificationRule.maximumPerUser else {
                throw DomainError.conflict("a person may have at most \(NotificationRule.maximumPerUser) notification rules; delete one first")
            }
            try await db.raw("""
                INSERT INTO notification_rules (id, user_id, contact_method_id, urgency, delay_minutes, created_at)
                VALUES (\(bind: rule.id.db), \(bind: rule.userID.db), \(bind: rule.contactMethodID.db), \(bind: rule.urgency.rawValue),
                        \(bind: rule.delayMinutes), \(bind: rule.createdAt))
                """).run()
        }
    }

    public func notificationRules(userID: UUID) async throws -> [NotificationRule] {
        try await notificationRules(userIDs: [userID])
    }

    public func notificationRules(userIDs: [UUID]) async throws -> [NotificationRule] {
        guard !userIDs.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("""
                SELECT * FROM notification_rules WHERE user_id IN (\(binds: userIDs.map(\.db))) ORDER BY urgency, delay_minutes, created_at, id
                """).all().map { row in
                NotificationRule(id: try row.id("id"), userID: try row.id("user_id"), contactMethodID: try row.id("contact_method_id"),
                                 urgency: Urgency(rawValue: try row.decode(column: "urgency", as: String.self)) ?? .high,
                                 delayMinutes: try row.decode(column: "delay_minutes", as: Int.self),
                                 createdAt: try row.decode(column: "created_at", as: Date.self))
            }
        }
    }

    public func deleteNotificationRule(id: UUID, userID: UUID) async throws {
        try await database.write { db in
            guard try await db.count("""
                SELECT COUNT(*) AS n FROM notification_rules WHERE id = \(bind: id.db) AND user_id = \(bind: userID.db)
                """) == 1 else { throw DomainError.notFound("notification rule \(id.db) not found") }
            try await db.raw("DELETE FROM notification_rules WHERE id = \(bind: id.db)").run()
        }
    }

    /// The method must exist and be this person's: another person's id is as unknown as a made-up one.
    private static func requireContactMethod(_ id: UUID, of userID: UUID, _ db: any DatabaseSession) async throws {
        guard try await db.count("""
            SELECT COUNT(*) AS n FROM contact_methods WHERE id = \(bind: id.db) AND user_id = \(bind: userID.db)
            """) == 1 else { throw DomainError.notFound("contact method \(id.db) not found") }
    }

    /// Refuses a new code within `ContactMethod.codeInterval` of the last one.
    private static func requireCodeInterval(_ id: UUID, now: Date, _ db: any DatabaseSession) async throws {
        guard let expires = try await db.raw("SELECT code_expires_at FROM contact_methods WHERE id = \(bind: id.db)")
            .first(decodingColumn: "code_expires_at", as: Date?.self) ?? nil else { return }
        let issued = expires.addingTimeInterval(-ContactMethod.codeLifetime)
        let wait = issued.addingTimeInterval(ContactMethod.codeInterval).timeIntervalSince(now)
        if wait > 0 {
            // Whole seconds, at least one; a clock far off cannot make the count overflow.
            throw DomainError.rateLimited("a code was sent less than a minute ago; wait for it, or try again shortly",
                                          retryAfterSeconds: Int(min(wait, ContactMethod.codeInterval).rounded(.up)))
        }
    }

    public func countTestPage(contactMethodID: UUID, userID: UUID, now: Date) async throws {
        try await database.write { db in
            if db.kind == .postgres {
                // One person's test pages wait for each other here, so two at once cannot both pass the count.
                _ = try await db.raw("SELECT id FROM users WHERE id = \(bind: userID.db) FOR UPDATE").first()
            }
            let hour = now.addingTimeInterval(-3600)
            try await db.raw("DELETE FROM test_page_sends WHERE at <= \(bind: hour)").run()
            let sent = try await db.raw("""
                SELECT contact_method_id, at FROM test_page_sends WHERE user_id = \(bind: userID.db) AND at > \(bind: hour) ORDER BY at
                """).all().map { (method: try $0.decode(column: "contact_method_id", as: String.self), at: try $0.decode(column: "at", as: Date.self)) }
            // Whole seconds, at least one; a clock far off cannot make them overflow.
            func seconds(_ wait: TimeInterval, _ most: TimeInterval) -> Int { Int(min(max(wait, 1), most).rounded(.up)) }
            if let last = sent.last(where: { $0.method == contactMethodID.db }), now.timeIntervalSince(last.at) < ContactMethod.testPageInterval {
                let wait = seconds(ContactMethod.testPageInterval - now.timeIntervalSince(last.at), ContactMethod.testPageInterval)
                throw DomainError.rateLimited("a test page went to this contact method less than a minute ago; try again in \(wait) seconds",
                                              retryAfterSeconds: wait)
            }
            if sent.count >= ContactMethod.testPagesPerPersonPerHour, let first = sent.first {
                let wait = seconds(3600 - now.timeIntervalSince(first.at), 3600)
                throw DomainError.rateLimited("\(ContactMethod.testPagesPerPersonPerHour) test pages went out within the hour; try again in \(wait / 60 + 1) minutes",
                                              retryAfterSeconds: wait)
            }
            try await db.raw("""
                INSERT INTO test_page_sends (user_id, contact_method_id, at) VALUES (\(bind: userID.db), \(bind: contactMethodID.db), \(bind: now))
                """).run()
        }
    }

    /// Counts a code about to be sent, refusing it past `ContactMethod.codesPerPersonPerHour` for the person or
    /// `codesPerAddressPerHour` for the address (whoever asks): deleting and adding a method again, or adding a
    /// stranger's number from several accounts, cannot send codes without end. Rows older than a day are dropped.
    private static func countCodeSend(userID: UUID, kind: ContactMethod.Kind, address: String, now: Date, _ db: any DatabaseSession) async throws {
        if db.kind == .postgres {
            // One person's requests wait for each other here, so two at once cannot both pass the count.
            _ = try await db.raw("SELECT id FROM users WHERE id = \(bind: userID.db) FOR UPDATE").first()
        }
        let hour = now.addingTimeInterval(-3600)
        try await db.raw("DELETE FROM verification_sends WHERE at < \(bind: now.addingTimeInterval(-86_400))").run()
        let mine = try await db.count("SELECT COUNT(*) AS n FROM verification_sends WHERE user_id = \(bind: userID.db) AND at > \(bind: hour)")
        let theirs = try await db.count("""
            SELECT COUNT(*) AS n FROM verification_sends WHERE kind = \(bind: kind.rawValue) AND address = \(bind: address) AND at > \(bind: hour)
            """)
        guard mine < ContactMethod.codesPerPersonPerHour, theirs < ContactMethod.codesPerAddressPerHour else {
            throw DomainError.rateLimited(mine >= ContactMethod.codesPerPersonPerHour
                                          ? "you have asked for \(ContactMethod.codesPerPersonPerHour) codes within the hour; try again later"
                                          : "this address got \(ContactMethod.codesPerAddressPerHour) codes within the hour; try again later",
                                          retryAfterSeconds: 3600)
        }
        try await db.raw("""
            INSERT INTO verification_sends (user_id, kind, address, at) VALUES (\(bind: userID.db), \(bind: kind.rawValue), \(bind: address), \(bind: now))
            """).run()
    }

    private static func replaceCode(_ id: UUID, _ hash: String, _ expires: Date?, _ db: any DatabaseSession) async throws {
        try await db.raw("""
            UPDATE contact_methods SET code_hash = \(bind: hash), code_expires_at = \(bind: expires), code_attempts = 0 WHERE id = \(bind: id.db)
            """).run()
    }

    static func contactMethod(from row: Row) throws -> ContactMethod {
        let kind = try row.decode(column: "kind", as: String.self)
        guard let parsed = ContactMethod.Kind(rawValue: kind) else {
            throw RowDecodingError(column: "kind", message: "holds an unknown contact method type \(kind)")
        }
        return ContactMethod(
            id: try row.id("id"), userID: try row.id("user_id"), kind: parsed, address: try row.decode(column: "address", as: String.self),
            label: try row.decode(column: "label", as: String.self), verifiedAt: try row.decode(column: "verified_at", as: Date?.self),
            signingSecret: try row.decode(column: "signing_secret", as: String?.self), createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}
