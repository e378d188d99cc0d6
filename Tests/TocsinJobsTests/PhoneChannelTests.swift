import Foundation
import Testing
import TocsinCore
@testable import TocsinNotify
import TocsinTestSupport

@Suite("SMS and voice providers")
struct PhoneChannelTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func message(_ kind: ContactMethod.Kind, title: String = "Checkout <down> & out", purpose: NotificationPurpose = .page,
                 replyURL: String? = nil) -> OutgoingMessage {
        OutgoingMessage(notification: NotificationRecord(id: UUID(), incidentID: UUID(), userID: UUID(), contactMethodID: UUID(), channel: kind,
                                                         address: "+4915100000001", step: 0, status: .sending, dueAt: at, attempts: 1,
                                                         providerMessageID: nil, lastError: nil, createdAt: at, sentAt: nil, purpose: purpose,
                                                         detail: purpose == .taken ? "acknowledged by Bob (SMS)" : nil),
                        incidentNumber: 42, incidentTitle: title, recipientName: "Pat", incidentURL: "https://tocsin.example.com/incidents/x",
                        severity: .sev1, replyURL: replyURL)
    }

    func fields(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            out[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return out
    }

    static let messages = "/2010-04-01/Accounts/AC123/Messages.json"
    static let calls = "/2010-04-01/Accounts/AC123/Calls.json"

    func twilio(_ base: String) -> TwilioProvider {
        TwilioProvider(settings: TwilioSettings(baseURL: base, accountSID: "AC123", authToken: "secret-token", from: "+15005550006"))
    }

    @Test("an SMS goes to Twilio's Messages resource, form-encoded with Basic auth, and its sid is kept")
    func twilioSMS() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            receiver.answers.withLock { $0[Self.messages] = (201, #"{"sid": "SM0001", "status": "queued"}"#) }
            let channel = PhoneChannel(kind: .sms, providers: [twilio(base)])
            #expect(await channel.send(message(.sms)) == .sent(providerMessageID: "twilio:SM0001"))
            let got = try #require(receiver.received.withLock { $0.first })
            #expect(got.path == Self.messages)
            #expect(got.headers["authorization"] == "Basic " + Data("AC123:secret-token".utf8).base64EncodedString())
            #expect(got.headers["content-type"] == "application/x-www-form-urlencoded")
            let form = fields(got.body)
            #expect(form["To"] == "+4915100000001")
            #expect(form["From"] == "+15005550006")
            #expect(form["Body"] == "Tocsin #42 SEV1: Checkout <down> & out\nReply ack 42, res 42 or esc 42.")
        }
    }

    @Test("a call reads the page and takes a key, posted to the reply URL; the script is escaped XML")
    func twilioCall() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            receiver.answers.withLock { $0[Self.calls] = (201, #"{"sid": "CA0001"}"#) }
            let channel = PhoneChannel(kind: .voice, providers: [twilio(base)])
            let reply = "https://tocsin.example.com/callbacks/voice/ack.voice.a.b.1&2"
            #expect(await channel.send(message(.voice, replyURL: reply)) == .sent(providerMessageID: "twilio:CA0001"))
            let call = try #require(receiver.received.withLock { $0.first })
            let twiml = try #require(fields(call.body)["Twiml"])
            #expect(twiml.contains("<Say>This is Tocsin. Incident 42, severity 1: Checkout &lt;down&gt; &amp; out.</Say>"))
            #expect(twiml.contains(#"<Gather numDigits="1" timeout="8" action="https://tocsin.example.com/callbacks/voice/ack.voice.a.b.1&amp;2" method="POST">"#))
            #expect(twiml.contains("Press 1 to acknowledge, 2 to resolve, 3 to escalate."))
            #expect(!twiml.contains("\u{7}"))
        }
    }

    @Test("a provider that is down, rate limited or misconfigured hands the page to the next; a number nobody can reach fails at once")
    func failover() async throws {
        let primary = WebhookReceiver(), backup = WebhookReceiver()
        try await primary.run { first in
            try await backup.run { second in
                let gateway = GatewayProvider(sms: GatewaySettings(url: second + "/sms", authorization: "Bearer gw"), voice: nil)
                backup.answers.withLock { $0["/sms"] = (200, #"{"id": "gw-1"}"#) }

                // Down (nothing listens): the gateway carries it.
                let down = PhoneChannel(kind: .sms, providers: [twilio("http://127.0.0.1:1"), gateway])
                #expect(await down.send(message(.sms)) == .sent(providerMessageID: "gateway:gw-1"))
                let got = try #require(backup.received.withLock { $0.last })
                #expect(got.headers["authorization"] == "Bearer gw")
                #expect(got.headers["content-type"] == "application/json")
                let json = try JSONValue.parse(Data(got.body.utf8))
                #expect(json["to"] == "+4915100000001")
                #expect(json["text"]?.stringValue?.hasPrefix("Tocsin #42 SEV1: Checkout <down> & out\n") == true)

                // 429 and 401: the next one.
                for status in [429, 401, 503] {
                    primary.answers.withLock { $0[Self.messages] = (status, #"{"code": 20429, "message": "Too many requests", "status": \#(status)}"#) }
                    let channel = PhoneChannel(kind: .sms, providers: [twilio(first), gateway])
                    #expect(await channel.send(message(.sms)) == .sent(providerMessageID: "gateway:gw-1"), "after \(status)")
                }

                // A landline: Twilio's 21614 is about the number, so no other provider is tried.
                let before = backup.received.withLock { $0.count }
                primary.answers.withLock { $0[Self.messages] = (400, #"{"code": 21614, "message": "'To' number +4915100000001 is not a valid mobile number", "status": 400}"#) }
                let landline = await PhoneChannel(kind: .sms, providers: [twilio(first), gateway]).send(message(.sms))
                #expect(landline == .permanent("twilio refused the number: not a mobile number (SMS cannot reach it) (error 21614)"))
                #expect(backup.received.withLock { $0.count } == before)
                if case .permanent(let reason) = landline { #expect(!reason.contains("+49"), "the number stays out of the timeline") }

                // Everyone unavailable: tried again later.
                backup.answers.withLock { $0["/sms"] = (503, "{}") }
                primary.answers.withLock { $0[Self.messages] = (500, "{}") }
                let none = await PhoneChannel(kind: .sms, providers: [twilio(first), gateway]).send(message(.sms))
                #expect(none == .transient("no provider could carry it (twilio: answered 500; gateway: answered 503)"))
                // A gateway without voice passes calls on.
                #expect(await PhoneChannel(kind: .voice, providers: [gateway]).send(message(.voice))
                        == .transient("no provider could carry it (gateway: it makes no calls)"))
            }
        }
    }

    @Test("a gateway template is filled once, escaped for JSON or for a form; a placeholder in a value stays text")
    func templates() {
        let json = GatewaySettings(url: "http://x", bodyTemplate: #"{"number": "{{to}}", "message": "{{text}}", "keep": "{{other}}"}"#)
        #expect(json.body(to: "+1", text: "a \"b\"\n{{to}}") == #"{"number": "+1", "message": "a \"b\"\n{{to}}", "keep": "{{other}}"}"#)
        let form = GatewaySettings(url: "http://x", bodyTemplate: "to={{to}}&msg={{text}}")
        #expect(form.body(to: "+49 1", text: "a&b=c ü") == "to=%2B49+1&msg=a%26b%3Dc+%C3%BC")
        #expect(GatewaySettings(url: "http://x", bodyTemplate: "{{").body(to: "1", text: "2") == "{{")
        #expect(GatewaySettings(url: "http://x", bodyTemplate: "{{to").body(to: "1", text: "2") == "{{to")
        #expect(form.body(to: "1", text: "{{reply_url}}", replyURL: "https://t/x?a=1") == "to=1&msg=%7B%7Breply_url%7D%7D")
        #expect(GatewaySettings(url: "http://x", bodyTemplate: "k={{reply_url}}").body(to: "1", text: "2", replyURL: "https://t/x?a=1&b") == "k=https%3A%2F%2Ft%2Fx%3Fa%3D1%26b")
    }

    @Test("a voice gateway whose template passes on {{reply_url}} is told where keys go and the call offers them; one without is not")
    func gatewayCallFlow() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            receiver.answers.withLock { $0["/call"] = (200, #"{"id": "v-1"}"#) }
            let flow = GatewaySettings(url: base + "/call", bodyTemplate: #"{"to": "{{to}}", "say": "{{text}}", "keys": "{{reply_url}}"}"#)
            #expect(flow.takesKeypresses)
            let reply = "https://tocsin.example.com/callbacks/voice/ack.voice.a.b"
            let channel = PhoneChannel(kind: .voice, providers: [GatewayProvider(sms: nil, voice: flow)])
            #expect(await channel.send(message(.voice, replyURL: reply)) == .sent(providerMessageID: "gateway:v-1"))
            let call = try #require(receiver.received.withLock { $0.last })
            let json = try JSONValue.parse(Data(call.body.utf8))
            #expect(json["keys"] == .string(reply))
            #expect(json["say"]?.stringValue?.hasSuffix("Checkout <down> & out. Press 1 to acknowledge, 2 to resolve, 3 to escalate.") == true)
            // A call with nowhere to send keys (no person to act as): the URL is empty and nothing is offered.
            #expect(await channel.send(message(.voice)) == .sent(providerMessageID: "gateway:v-1"))
            let notice = try JSONValue.parse(Data(try #require(receiver.received.withLock { $0.last }).body.utf8))
            #expect(notice["keys"] == "" && notice["say"]?.stringValue?.contains("Press 1") == false)
            // A template without the placeholder: the gateway only reads the page. (Its answer's id is a number: kept as written.)
            receiver.answers.withLock { $0["/call"] = (200, #"{"id": 42}"#) }
            let plain = PhoneChannel(kind: .voice, providers: [GatewayProvider(sms: nil, voice: GatewaySettings(url: base + "/call"))])
            #expect(await plain.send(message(.voice, replyURL: reply)) == .sent(providerMessageID: "gateway:42"))
            let read = try JSONValue.parse(Data(try #require(receiver.received.withLock { $0.last }).body.utf8))
            #expect(read["text"]?.stringValue?.contains("Press 1") == false)
        }
    }

    @Test("SMS texts stay within two segments; a notice says who took it")
    func texts() {
        let long = PhoneText.sms(message(.sms, title: String(repeating: "x", count: 1000)))
        #expect(long.count <= 300)
        #expect(long.hasSuffix("\nReply ack 42, res 42 or esc 42."))
        #expect(PhoneText.sms(message(.sms, purpose: .taken)) == "Tocsin #42 acknowledged by Bob (SMS): Checkout <down> & out")
        #expect(TwilioProvider.twiml(speech: "Hi \u{7}there", replyURL: nil) == "<Response><Say>Hi  there</Say><Pause length=\"1\"/><Say>Hi  there</Say></Response>")
    }
}
