import Foundation
import Testing
import TocsinCore

@Suite("Contact method rules")
struct ContactMethodTests {
    @Test("addresses are kept in one spelling per type", arguments: [
        (ContactMethod.Kind.email, " Ann@Example.COM ", "ann@example.com"),
        (.sms, "+49 (151) 234-567.89", "+4915123456789"),
        (.voice, "+1 415 555 0100", "+14155550100"),
        (.slack, "u012ab3cd", "U012AB3CD"),
        (.teams, "https://prod.example.logic.azure.com/workflows/abc", "https://prod.example.logic.azure.com/workflows/abc"),
        (.push, "https://ntfy.example.com/tocsin-ann_1", "https://ntfy.example.com/tocsin-ann_1"),
        (.webhook, "http://127.0.0.1:9000/hook", "http://127.0.0.1:9000/hook"),
    ])
    func normalized(kind: ContactMethod.Kind, raw: String, stored: String) throws {
        #expect(try ContactMethod.normalized(raw, for: kind).get() == stored)
    }

    @Test("an address that cannot reach anyone is refused with what would", arguments: [
        (ContactMethod.Kind.email, "ann@"), (.email, ""), (.sms, "015123456789"), (.sms, "+0151234567"), (.sms, "+1234567"),
        (.sms, "+1234567890123456"), (.voice, "+49 151 CALL ME"), (.slack, "#incidents"), (.slack, "C012AB3CD"),
        (.teams, "javascript:alert(1)"), (.push, "https://ntfy.example.com/"), (.push, "https://ntfy.example.com/a/b"),
        (.push, "https://ntfy.example.com/topic with space"), (.webhook, "ftp://example.com/x"),
    ])
    func refused(kind: ContactMethod.Kind, raw: String) {
        guard case .failure(let error) = ContactMethod.normalized(raw, for: kind) else {
            Issue.record("\(kind) \(raw) was accepted")
            return
        }
        #expect(error.field == "address")
        #expect(!error.reason.isEmpty)
    }

    @Test("a new address unverifies the method; a new label does not")
    func readdress() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var method = try ContactMethodInput(kind: "sms", address: "+4915123456789").created(id: UUID(), userID: UUID(), now: now)
        method.verifiedAt = now
        #expect(try ContactMethodInput(label: "work phone").applied(to: method, now: now).isVerified)
        #expect(try ContactMethodInput(address: "+49 151 234 567 89").applied(to: method, now: now).isVerified, "the same number, spelt differently")
        #expect(try !ContactMethodInput(address: "+4915199999999").applied(to: method, now: now).isVerified)
        #expect(throws: DomainError.invalid("type", "must be email, sms, voice, slack, teams, push or webhook")) {
            try ContactMethodInput(kind: "pager", address: "x").created(id: UUID(), userID: UUID(), now: now)
        }
    }

    @Test("a rule needs a method; urgency is high or low; the delay is 0 to 1440 minutes")
    func rules() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let rule = try NotificationRule.validated(id: UUID(), userID: UUID(), contactMethodID: UUID(), urgency: nil, delayMinutes: nil, now: now)
        #expect(rule.urgency == .high)
        #expect(rule.delayMinutes == 0)
        #expect(throws: DomainError.validation([FieldError("contact_method_id", "is required"), FieldError("urgency", "must be high or low"),
                                                FieldError("delay_minutes", "must be a whole number of minutes from 0 to 1440")])) {
            try NotificationRule.validated(id: UUID(), userID: UUID(), contactMethodID: nil, urgency: "urgent", delayMinutes: 1441, now: now)
        }
    }
}

@Suite("SMS replies")
struct SMSCommandTests {
    @Test("replies name an action and an incident number, in many spellings", arguments: [
        ("ack 42", IncidentAction.acknowledge, 42), ("ACK 42", .acknowledge, 42), ("a42", .acknowledge, 42), (" acknowledge #7 ", .acknowledge, 7),
        ("res 42", .resolve, 42), ("Resolve 42.", .resolve, 42), ("r 1", .resolve, 1), ("esc 9", .escalate, 9), ("escalate 12!", .escalate, 12),
    ])
    func commands(text: String, action: IncidentAction, number: Int) {
        #expect(SMSCommand.parse(text) == SMSCommand(action: action, incidentNumber: number))
    }

    @Test("anything else is not a command", arguments: [
        "", "ack", "42", "ack 0", "ack -1", "ack 42 please", "acked 42", "ok 42", "ack 4 2", "ack 9999999999999", "ack 42 " + String(repeating: " ", count: 80),
        "ack ٤٢", "ack 42\u{0}",
    ])
    func notCommands(text: String) {
        #expect(SMSCommand.parse(text) == nil)
    }
}
