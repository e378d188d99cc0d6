import Foundation
import Testing
import TocsinCore
import TocsinStorage
import TocsinTestSupport

@Suite("Contact method conformance")
struct ContactConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func method(_ user: UUID, _ kind: ContactMethod.Kind, _ address: String) -> ContactMethod {
        ContactMethod(id: UUID(), userID: user, kind: kind, address: address, createdAt: t0, updatedAt: t0)
    }

    @Test("forty methods and sixty rules asked for at once: exactly the limits pass (the person's row is held while counting)", arguments: TestBackend.available)
    func limitsUnderRace(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let ann = Seed.user("ann")
            try await store.createUser(ann)
            let made = await withTaskGroup(of: ContactMethod?.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        let m = method(ann.id, .email, "ann\(n)@example.com")
                        return (try? await store.createContactMethod(m, codeHash: nil, codeExpiresAt: nil)).map { m }
                    }
                }
                var made: [ContactMethod] = []
                for await m in group { if let m { made.append(m) } }
                return made
            }
            #expect(made.count == ContactMethod.maximumPerUser)
            #expect(try await store.contactMethods(userID: ann.id).count == ContactMethod.maximumPerUser)
            let rules = await withTaskGroup(of: Bool.self) { group in
                for n in 0..<60 {
                    group.addTask {
                        let rule = NotificationRule(id: UUID(), userID: ann.id, contactMethodID: made[n % made.count].id, urgency: n % 2 == 0 ? .high : .low,
                                                    delayMinutes: n, createdAt: t0)
                        return (try? await store.createNotificationRule(rule)) != nil
                    }
                }
                var passed = 0
                for await ok in group where ok { passed += 1 }
                return passed
            }
            #expect(rules == NotificationRule.maximumPerUser)
        }
    }

    @Test("methods belong to one person, are unique, limited to 20, and verified by the waiting code only", arguments: TestBackend.available)
    func methods(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let (ann, ben) = (Seed.user("ann"), Seed.user("ben"))
            try await store.createUser(ann)
            try await store.createUser(ben)
            let phone = method(ann.id, .sms, "+4915123456789")
            try await store.createContactMethod(phone, codeHash: "right", codeExpiresAt: t0.addingTimeInterval(900))
            #expect(try await store.contactMethods(userID: ann.id) == [phone])
            await #expect(throws: DomainError.conflict("this person already has that contact method", field: "address")) {
                try await store.createContactMethod(method(ann.id, .sms, "+4915123456789"), codeHash: nil, codeExpiresAt: nil)
            }
            // The same number as voice, or for someone else, is another method.
            try await store.createContactMethod(method(ann.id, .voice, "+4915123456789"), codeHash: nil, codeExpiresAt: nil)
            try await store.createContactMethod(method(ben.id, .sms, "+4915123456789"), codeHash: nil, codeExpiresAt: nil)

            // Another person's method is as unknown as a made-up one.
            await #expect(throws: DomainError.notFound("contact method \(phone.id.db) not found")) {
                try await store.verifyContactMethod(id: phone.id, userID: ben.id, codeHash: "right", now: t0)
            }
            #expect(try await store.verifyContactMethod(id: phone.id, userID: ann.id, codeHash: "wrong", now: t0) == .wrongCode(attemptsLeft: 4))
            #expect(try await store.verifyContactMethod(id: phone.id, userID: ann.id, codeHash: "right", now: t0.addingTimeInterval(901)) == .expired)
            #expect(try await store.verifyContactMethod(id: phone.id, userID: ann.id, codeHash: "right", now: t0.addingTimeInterval(60)) == .verified)
            #expect(try await store.contactMethod(id: phone.id)?.verifiedAt == t0.addingTimeInterval(60))
            #expect(try await store.verifyContactMethod(id: phone.id, userID: ann.id, codeHash: "right", now: t0) == .noCode, "a code works once")

            // Five wrong tries spend a code; a new one starts afresh, but not within a minute of the last.
            let mail = method(ann.id, .email, "ann@example.com")
            try await store.createContactMethod(mail, codeHash: "first", codeExpiresAt: t0.addingTimeInterval(ContactMethod.codeLifetime))
            for left in (0..<5).reversed() {
                #expect(try await store.verifyContactMethod(id: mail.id, userID: ann.id, codeHash: "guess", now: t0) == .wrongCode(attemptsLeft: left))
            }
            #expect(try await store.verifyContactMethod(id: mail.id, userID: ann.id, codeHash: "first", now: t0) == .tooManyAttempts)
            await #expect(throws: DomainError.rateLimited("a code was sent less than a minute ago; wait for it, or try again shortly",
                                                          retryAfterSeconds: 30)) {
                try await store.setVerificationCode(contactMethodID: mail.id, userID: ann.id, codeHash: "second", now: t0.addingTimeInterval(30))
            }
            try await store.setVerificationCode(contactMethodID: mail.id, userID: ann.id, codeHash: "second", now: t0.addingTimeInterval(60))
            #expect(try await store.verifyContactMethod(id: mail.id, userID: ann.id, codeHash: "second", now: t0.addingTimeInterval(61)) == .verified)

            // A new address is a new code, and no faster than one a minute: changing it back and forth buys no tries.
            var moved = mail
            (moved.address, moved.verifiedAt, moved.updatedAt) = ("ann@elsewhere.example.com", nil, t0.addingTimeInterval(120))
            try await store.updateContactMethod(moved, codeHash: "third", codeExpiresAt: t0.addingTimeInterval(120 + ContactMethod.codeLifetime))
            (moved.address, moved.updatedAt) = ("ann@example.com", t0.addingTimeInterval(130))
            await #expect(throws: DomainError.self) {
                try await store.updateContactMethod(moved, codeHash: "fourth", codeExpiresAt: t0.addingTimeInterval(130 + ContactMethod.codeLifetime))
            }
            #expect(try await store.contactMethod(id: mail.id)?.address == "ann@elsewhere.example.com", "the refused change wrote nothing")

            // The 21st method is refused.
            for n in 0..<(ContactMethod.maximumPerUser - 3) {  // she has three already
                try await store.createContactMethod(method(ann.id, .webhook, "https://hooks.example.com/\(n)"), codeHash: nil, codeExpiresAt: nil)
            }
            #expect(try await store.contactMethods(userID: ann.id).count == ContactMethod.maximumPerUser)
            await #expect(throws: DomainError.self) {
                try await store.createContactMethod(method(ann.id, .webhook, "https://hooks.example.com/one-more"), codeHash: nil, codeExpiresAt: nil)
            }

            // Rules name the person's own methods and go with them.
            let rule = NotificationRule(id: UUID(), userID: ann.id, contactMethodID: phone.id, urgency: .high, delayMinutes: 5, createdAt: t0)
            try await store.createNotificationRule(rule)
            #expect(try await store.notificationRules(userID: ann.id) == [rule])
            await #expect(throws: DomainError.conflict("this person already has a rule for that method, urgency and delay", field: "delay_minutes")) {
                try await store.createNotificationRule(NotificationRule(id: UUID(), userID: ann.id, contactMethodID: phone.id, urgency: .high,
                                                                        delayMinutes: 5, createdAt: t0))
            }
            await #expect(throws: DomainError.invalid("contact_method_id", "is not one of this person's contact methods")) {
                try await store.createNotificationRule(NotificationRule(id: UUID(), userID: ben.id, contactMethodID: phone.id, urgency: .high,
                                                                        delayMinutes: 0, createdAt: t0))
            }
            try await store.deleteContactMethod(id: phone.id, userID: ann.id)
            #expect(try await store.notificationRules(userID: ann.id).isEmpty)
            await #expect(throws: DomainError.notFound("notification rule \(rule.id.db) not found")) {
                try await store.deleteNotificationRule(id: rule.id, userID: ann.id)
            }

            // A person's methods and rules go with them.
            try await store.deleteUser(id: ben.id)
            #expect(try await store.contactMethods(userID: ben.id).isEmpty)
        }
    }

    @Test("codes are limited per person and per address within the hour, across methods deleted and added again", arguments: TestBackend.available)
    func codeLimits(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let people = (0..<3).map { Seed.user("user\($0)") }
            for person in people { try await store.createUser(person) }
            // One person adding and deleting a stranger's number: five codes reach it, the sixth is refused.
            for n in 0..<ContactMethod.codesPerAddressPerHour {
                let m = method(people[0].id, .sms, "+4915100000000")
                try await store.createContactMethod(m, codeHash: "h", codeExpiresAt: t0.addingTimeInterval(TimeInterval(900 + n)))
                try await store.deleteContactMethod(id: m.id, userID: people[0].id)
            }
            await #expect(throws: DomainError.self) {
                try await store.createContactMethod(method(people[1].id, .sms, "+4915100000000"), codeHash: "h", codeExpiresAt: t0.addingTimeInterval(900))
            }
            #expect(try await store.contactMethods(userID: people[1].id).isEmpty, "refused whole: nothing half-written")
            // Without a code (an admin provisioning it verified) nothing is counted.
            try await store.createContactMethod(method(people[1].id, .sms, "+4915100000000"), codeHash: nil, codeExpiresAt: nil)
            // One person over many addresses: ten codes an hour, counting the five above.
            for n in 0..<(ContactMethod.codesPerPersonPerHour - ContactMethod.codesPerAddressPerHour) {
                try await store.createContactMethod(method(people[0].id, .email, "p\(n)@example.com"), codeHash: "h", codeExpiresAt: t0.addingTimeInterval(900))
            }
            do {
                try await store.createContactMethod(method(people[0].id, .email, "more@example.com"), codeHash: "h", codeExpiresAt: t0.addingTimeInterval(900))
                Issue.record("the eleventh code in an hour went out")
            } catch DomainError.rateLimited(let message, let retry) {
                #expect(message.contains("10 codes within the hour") && retry == 3600)
            }
            // An hour on, codes flow again.
            let later = method(people[0].id, .email, "later@example.com")
            var fresh = later
            fresh.createdAt = t0.addingTimeInterval(3700)
            fresh.updatedAt = fresh.createdAt
            try await store.createContactMethod(fresh, codeHash: "h", codeExpiresAt: fresh.createdAt.addingTimeInterval(900))
        }
    }

    @Test("test pages: one a minute to a method, ten an hour per person, counted in the database (a new store on it, as after a restart, still refuses)",
          arguments: TestBackend.available)
    func testPageLimits(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let store = SQLStore(database: database)
            let ann = Seed.user("ann")
            try await store.createUser(ann)
            let (mail, hook) = (UUID(), UUID())
            try await store.countTestPage(contactMethodID: mail, userID: ann.id, now: t0)
            do {
                try await SQLStore(database: database).countTestPage(contactMethodID: mail, userID: ann.id, now: t0.addingTimeInterval(20))
                Issue.record("a second test page to one method within a minute went out")
            } catch DomainError.rateLimited(let message, let retry) {
                #expect(message == "a test page went to this contact method less than a minute ago; try again in 40 seconds" && retry == 40)
            }
            // Another method meanwhile, and the first again a minute on: both go; ten in all within the hour, then no more.
            try await store.countTestPage(contactMethodID: hook, userID: ann.id, now: t0.addingTimeInterval(20))
            for n in 1...8 { try await store.countTestPage(contactMethodID: mail, userID: ann.id, now: t0.addingTimeInterval(TimeInterval(60 * n))) }
            do {
                try await store.countTestPage(contactMethodID: hook, userID: ann.id, now: t0.addingTimeInterval(600))
                Issue.record("the eleventh test page in an hour went out")
            } catch DomainError.rateLimited(let message, let retry) {
                #expect(message.hasPrefix("10 test pages went out within the hour") && retry == 3000)
            }
            // An hour after the first, one more may go.
            try await store.countTestPage(contactMethodID: hook, userID: ann.id, now: t0.addingTimeInterval(3601))
        }
    }
}
