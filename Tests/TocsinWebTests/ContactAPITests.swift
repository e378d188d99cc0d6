import Foundation
import HTTPTypes
import Synchronization
import Testing
import TocsinCore
import TocsinUseCases
@testable import TocsinWeb

/// Keeps the codes it was asked to send, as a person reading their phone would.
final class RecordingCodes: VerificationCodeSender {
    private let sent = Mutex<[(UUID, String)]>([])
    func send(code: String, to method: ContactMethod) async -> Bool {
        sent.withLock { $0.append((method.id, code)) }
        return true
    }
    func last(for id: UUID) -> String? { sent.withLock { $0.last { $0.0 == id }?.1 } }
}

@Suite("Contact methods and notification rules API")
struct ContactAPITests {
    @Test("a person adds their own methods and rules; only admins provision verified methods or touch someone else's")
    func ownership() async throws {
        try await TestApp.run { app in
            let (rita, ritaToken) = try await app.user("Rita", role: .responder)
            let (_, bobToken) = try await app.user("Bob", role: .responder)
            let (_, adminToken) = try await app.user("Ann", role: .admin)

            let created = try await app.request(.post, "/api/v1/users/me/contact-methods", token: ritaToken,
                                                json: #"{"type":"sms","address":"+49 151 234 567 89","label":"mobile"}"#)
            #expect(created.status == .created)
            #expect(created.json["address"] == "+4915123456789")
            #expect(created.json["verified"] == false)
            #expect(created.json["code_sent"] == false, "this Tocsin has no SMS provider, and the answer says so")
            let methodID = try #require(created.json["id"]?.stringValue)

            let selfVerified = try await app.request(.post, "/api/v1/users/\(rita.id.db)/contact-methods", token: ritaToken,
                                                     json: #"{"type":"email","address":"rita@example.com","verified":true}"#)
            #expect(selfVerified.status == .forbidden)
            let provisioned = try await app.request(.post, "/api/v1/users/\(rita.id.db)/contact-methods", token: adminToken,
                                                    json: #"{"type":"email","address":"Rita@Example.com","verified":true}"#)
            #expect(provisioned.json["verified"] == true)
            #expect(provisioned.json["address"] == "rita@example.com")

            #expect(try await app.request(.get, "/api/v1/users/\(rita.id.db)/contact-methods", token: bobToken).status == .forbidden,
                    "a colleague's phone number is theirs to share")
            #expect(try await app.request(.get, "/api/v1/users/\(rita.id.db)/contact-methods", token: adminToken).json["data"]?.arrayValue?.count == 2)

            let rule = try await app.request(.post, "/api/v1/users/me/notification-rules", token: ritaToken,
                                             json: #"{"contact_method_id":"\#(methodID)","delay_minutes":5,"urgency":"high"}"#)
            #expect(rule.status == .created)
            #expect(rule.json["delay_minutes"] == 5)
            let bobsRule = try await app.request(.post, "/api/v1/users/me/notification-rules", token: bobToken,
                                                 json: #"{"contact_method_id":"\#(methodID)"}"#)
            #expect(bobsRule.status == .unprocessableContent)
            #expect(bobsRule.errorFields == ["contact_method_id"])
            let badRule = try await app.request(.post, "/api/v1/users/me/notification-rules", token: ritaToken,
                                                json: #"{"delay_minutes":-1,"urgency":"now"}"#)
            #expect(badRule.errorFields == ["contact_method_id", "urgency", "delay_minutes"])

            let renamed = try await app.request(.patch, "/api/v1/users/me/contact-methods/\(methodID)", token: ritaToken, json: #"{"label":"work"}"#)
            #expect(renamed.json["label"] == "work")
            let retyped = try await app.request(.patch, "/api/v1/users/me/contact-methods/\(methodID)", token: ritaToken, json: #"{"type":"voice"}"#)
            #expect(retyped.errorFields == ["type"])
            #expect(try await app.request(.delete, "/api/v1/users/me/contact-methods/\(methodID)", token: bobToken).status == .notFound,
                    "Bob's 'me' has no such method")
            #expect(try await app.request(.delete, "/api/v1/users/me/contact-methods/\(methodID)", token: ritaToken).status == .noContent)
            #expect(try await app.request(.get, "/api/v1/users/me/notification-rules", token: ritaToken).json["data"] == [],
                    "the rule went with its method")
        }
    }

    @Test("bad addresses are refused naming the field", arguments: [
        (#"{"type":"sms","address":"0151 2345"}"#, ["address"]),
        (#"{"type":"pager","address":"x"}"#, ["type"]),
        (#"{"address":"ann@example.com"}"#, ["type"]),
        (#"{"type":"push","address":"https://ntfy.example.com/a/b"}"#, ["address"]),
        (#"{"type":"email"}"#, ["address"]),
    ])
    func badAddresses(body: String, fields: [String]) async throws {
        try await TestApp.run { app in
            let (_, token) = try await app.user("Rita", role: .responder)
            let reply = try await app.request(.post, "/api/v1/users/me/contact-methods", token: token, json: body)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.errorFields == fields)
            #expect(try await app.request(.get, "/api/v1/users/me/contact-methods", token: token).json["data"] == [])
        }
    }

    @Test("a method is verified by the code sent to it: wrong, stale and reused codes are refused, new codes come at most once a minute")
    func verification() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        try await TestApp.run(now: { clock.withLock { $0 } }) { app in
            let (rita, _) = try await app.user("Rita", role: .responder)
            let codes = RecordingCodes()
            let contacts = ContactMethods(store: app.store, codes: codes, now: { clock.withLock { $0 } })
            let (method, sent) = try await contacts.create(for: rita.id, ContactMethodInput(kind: "email", address: "rita@example.com"), verified: false, by: rita)
            #expect(sent)
            let code = try #require(codes.last(for: method.id))
            #expect(code.count == 6)
            let wrong = code == "000000" ? "111111" : "000000"
            await #expect(throws: DomainError.invalid("code", "does not match; 4 more tries for this code")) {
                try await contacts.verify(method.id, of: rita.id, code: wrong, by: rita)
            }
            await #expect(throws: DomainError.invalid("code", "must be the six digits that were sent to this contact method")) {
                try await contacts.verify(method.id, of: rita.id, code: "12345x", by: rita)
            }
            await #expect(throws: DomainError.self) { try await contacts.resendCode(method.id, of: rita.id, by: rita) }
            clock.withLock { $0 += ContactMethod.codeLifetime + 1 }
            await #expect(throws: DomainError.invalid("code", "has expired; ask for a new code")) {
                try await contacts.verify(method.id, of: rita.id, code: code, by: rita)
            }
            try await contacts.resendCode(method.id, of: rita.id, by: rita)
            let fresh = try #require(codes.last(for: method.id))
            #expect(try await contacts.verify(method.id, of: rita.id, code: " " + fresh + " ", by: rita).isVerified)
            await #expect(throws: DomainError.conflict("this contact method is already verified")) {
                try await contacts.resendCode(method.id, of: rita.id, by: rita)
            }
            // A new address must be proved again.
            let (moved, sentAgain) = try await contacts.update(method.id, of: rita.id, ContactMethodInput(address: "rita@elsewhere.example.com"), by: rita)
            #expect(!moved.isVerified && sentAgain)
            #expect(codes.last(for: method.id) != fresh)
        }
    }
}
