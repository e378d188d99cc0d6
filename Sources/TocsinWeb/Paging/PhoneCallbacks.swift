import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TocsinCore
import TocsinUseCases

/// What SMS and voice providers post back.
///
/// From Twilio: SMS replies (`POST /callbacks/twilio/sms`, set as the number's messaging webhook), delivery reports
/// (`/callbacks/twilio/status`, named in every request) and the key pressed during a call (`/callbacks/voice/{token}`,
/// named in the call's script). Each must carry a valid `X-Twilio-Signature` (HMAC-SHA1 under the auth token over the
/// URL Twilio called — this server's public URL and the path — and the form's fields sorted by name); without Twilio
/// configured they are 404s (a keypress without the signature header is taken as a gateway's). Answers are TwiML.
///
/// From a generic gateway, with the shared secret in `X-Tocsin-Gateway-Token` (or `?token=`): SMS replies
/// (`/callbacks/sms-gateway`), delivery reports (`/callbacks/gateway/status`) and keys (`/callbacks/voice/{token}`, the
/// `{{reply_url}}` of its call template), as JSON or a form; answers are JSON. Without the secret configured, 404s.
struct PhoneCallbacks {
    let env: WebEnvironment
    static let bodyLimit = 16 * 1024
    static let gatewayTokenHeader = HTTPField.Name("X-Tocsin-Gateway-Token")!
    static let twilioSignatureHeader = HTTPField.Name("X-Twilio-Signature")!

    func register(_ router: Router<TocsinRequestContext>) {
        router.post("/callbacks/twilio/sms") { request, _ in
            let form = try await signedForm(request)
            return Self.message(try await reply(to: form["Body"] ?? "", from: form["From"] ?? ""))
        }
        // SMS replies through a generic gateway: `from` and `text` as JSON or a form, with the shared secret in an
        // `X-Tocsin-Gateway-Token` header (or `?token=` for gateways that cannot set headers). The answer is `{"reply": "…"}` for the gateway to
        // send back, if it can.
        router.post("/callbacks/sms-gateway") { request, _ in
            let fields = try await gatewayFields(request)
            guard let from = fields["from"], let body = fields["text"] else {
                throw DomainError.validation([FieldError("from", "and text are both needed: the sender's number and the message")])
            }
            // Gateways write numbers their own way: "+49 151 …", "0049…" is not guessed at; what normalises to E.164 is used.
            let number = (try? ContactMethod.normalized(from, for: .sms).get()) ?? from
            return try JSONBody.response(["reply": .string(try await reply(to: body, from: number))] as JSONValue)
        }
        // Delivery reports: Twilio posts each message's and call's status to the StatusCallback every page names.
        router.post("/callbacks/twilio/status") { request, _ in
            let form = try await signedForm(request)
            let error = form["ErrorCode"].flatMap { $0.isEmpty ? nil : " (error \($0.prefix(8)))" } ?? ""
            let sid: String?, failure: String??
            if let message = form["MessageSid"], let status = form["MessageStatus"] {
                sid = message
                switch status {
                case "delivered", "read": failure = .some(nil)
                case "undelivered", "failed": failure = .some("the carrier reported the SMS \(status)" + error)
                default: failure = nil  // queued, sending, sent: on its way
                }
            } else if let call = form["CallSid"], let status = form["CallStatus"] {
                sid = call
                switch status {
                case "completed", "in-progress": failure = .some(nil)
                case "busy", "no-answer", "failed", "canceled": failure = .some("the call was not answered (\(status))" + error)
                default: failure = nil
                }
            } else {
                sid = nil
                failure = nil
            }
            if let sid, let failure, sid.utf8.count <= 64 {
                _ = try await env.store.recordDeliveryReport(providerMessageID: "twilio:" + sid, failure: failure, now: env.now())
            }
            return Response(status: .noContent)
        }
        // A gateway's delivery reports: `id` (the message id it answered the page with) and `status`, and a `reason`
        // if it has one. Delivered: delivered, read, answered, completed; not delivered: failed, undelivered,
        // rejected, expired, busy, no-answer, canceled; any other status (queued, sent, ringing) is on its way.
        router.post("/callbacks/gateway/status") { request, _ in
            let fields = try await gatewayFields(request)
            var problems: [FieldError] = []
            let id = fields["id"] ?? fields["message_id"]
            if id == nil || id?.isEmpty == true || (id?.utf8.count ?? 0) > 128 {
                problems.append(FieldError("id", "is needed: the message id the gateway answered the page with (at most 128 characters)"))
            }
            if fields["status"] == nil { problems.append(FieldError("status", "is needed, such as delivered or failed")) }
            // Which gateway's message, when an SMS and a voice gateway might give the same id.
            let channel = fields["channel"].map { ContactMethod.Kind(rawValue: $0.lowercased()) }
            if let channel, channel != .sms && channel != .voice { problems.append(FieldError("channel", "must be sms or voice when given")) }
            guard problems.isEmpty, let id, let status = fields["status"]?.lowercased() else { throw DomainError.validation(problems) }
            let reason = fields["reason"].map { ": " + String($0.replacingOccurrences(of: "\n", with: " ").prefix(200)) } ?? ""
            let failure: String??
            switch status {
            case "delivered", "read", "answered", "completed": failure = .some(nil)
            case "failed", "undelivered", "rejected", "expired", "busy", "no-answer", "no_answer", "canceled", "cancelled":
                failure = .some("the gateway reported it \(status)" + reason)
            default: failure = nil
            }
            var recorded = 0
            if let failure {
                recorded = try await env.store.recordDeliveryReport(providerMessageID: "gateway:" + id, channel: channel ?? nil, failure: failure, now: env.now())
            }
            return try JSONBody.response(["recorded": .bool(recorded > 0)] as JSONValue)
        }
        // The key pressed during a call, from Twilio (signed) or a gateway (its token). Calls placed before this path
        // existed name `/callbacks/twilio/voice/…`, which still answers.
        for path in ["/callbacks/voice/:token", "/callbacks/twilio/voice/:token"] {
            router.post(RouterPath(path)) { request, context in
                let twilio = request.headers[Self.twilioSignatureHeader] != nil
                let digits = twilio ? try await signedForm(request)["Digits"] : try await gatewayFields(request)["digits"]
                let said = try await keypress(digits, tokens: context.parameters.get("token") ?? "")
                return twilio ? Self.speech(said) : try JSONBody.response(["say": .string(said)] as JSONValue)
            }
        }
    }

    /// What a key pressed during a call does, as the call should say it: 1 acknowledges, 2 resolves, 3 escalates, each
    /// incident the call read (one token per incident, joined by "~"), as the person it called.
    private func keypress(_ digits: String?, tokens joined: String) async throws -> String {
        let tokens = joined.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        var grants: [ActionLinks.Grant] = []
        if tokens.count <= ActionLinks.maximumPerCall {
            for token in tokens {
                if case .valid(let grant) = try await ActionLinks(store: env.store, publicURL: env.publicURL).verify(token, now: env.now()),
                   grant.channel == .voice, grant.userID == grants.first?.userID ?? grant.userID {
                    grants.append(grant)
                }
            }
        }
        guard !grants.isEmpty, grants.count == tokens.count else {
            return "This call can no longer act on the incident. Goodbye."
        }
        let action: IncidentAction
        switch digits {
        case "1": action = .acknowledge
        case "2": action = .resolve
        case "3": action = .escalate
        default: return "That key does nothing. Goodbye."
        }
        guard let user = try await env.store.user(id: grants[0].userID), user.role.allows(.respond) else {
            return "This call can no longer act on the incident. Goodbye."
        }
        var said: [String] = []
        for grant in grants {
            guard let incident = try await env.store.incident(id: grant.incidentID) else { continue }
            said.append(try await act(action, on: incident, by: user, via: ContactMethod.Kind.voice.actionVia))
        }
        return (said.isEmpty ? "This call can no longer act on the incident." : said.joined(separator: " ")) + " Goodbye."
    }

    /// A gateway's request, once it carries the shared secret: its fields, from JSON or a form, by lower-case name.
    private func gatewayFields(_ request: Request) async throws -> [String: String] {
        guard let secret = env.gatewayInboundToken else { throw DomainError.notFound("no such endpoint") }
        let given = request.headers[Self.gatewayTokenHeader] ?? request.uri.queryParameters.get("token")
        guard let given, Secrets.constantTimeEquals(given, secret) else {
            throw DomainError.forbidden("the request does not carry this Tocsin's gateway token")
        }
        let text = String(buffer: try await JSONBody.collect(request, limit: Self.bodyLimit))
        var fields: [String: String] = [:]
        if let json = try? JSONValue.parse(Data(text.utf8)), let object = json.objectValue {
            // Numbers are taken as written (an id or a key sent as 123 or 1).
            for (key, value) in object { if let text = value.scalarText { fields[key.lowercased()] = text } }
        } else {
            for (key, values) in try Form(text).values { if let first = values.first { fields[key.lowercased()] = first } }
        }
        return fields
    }

    /// What an SMS reply does: the sender is the person whose verified SMS method has this number (a number two people
    /// share acts for nobody), and it acts only on an incident an SMS went to that number about, so a forged sender
    /// cannot reach the rest. Returns the answer to send back.
    private func reply(to body: String, from: String) async throws -> String {
        guard let command = SMSCommand.parse(body) else {
            return "Tocsin did not understand. Reply ack 42, res 42 or esc 42 with the incident's number."
        }
        let owners = Set(try await env.store.verifiedContactMethods(kind: .sms, address: from).map(\.userID))
        guard owners.count == 1, let userID = owners.first, let user = try await env.store.user(id: userID), user.role.allows(.respond) else {
            env.logger.notice("an SMS reply came from a number no one responder owns", metadata: ["owners": "\(owners.count)"])
            return "Tocsin does not know this number as a responder's verified SMS contact method."
        }
        guard let incident = try await env.store.incident(number: command.incidentNumber) else {
            return "There is no incident #\(command.incidentNumber)."
        }
        guard try await env.store.notifications(incidentID: incident.id).contains(where: { $0.channel == .sms && $0.address == from && $0.status == .sent }) else {
            return "Incident \(command.incidentNumber) was not sent to this number; act on it in Tocsin."
        }
        return try await act(command.action, on: incident, by: user, via: ContactMethod.Kind.sms.actionVia)
    }

    /// Acts as `user` and says what came of it in a sentence.
    private func act(_ action: IncidentAction, on incident: Incident, by user: User, via: String) async throws -> String {
        do {
            switch action {
            case .acknowledge:
                _ = try await env.store.setIncidentStatus(id: incident.id, to: .acknowledged, by: user.id, via: via, now: env.now())
                return "Incident \(incident.number) acknowledged."
            case .resolve:
                _ = try await env.store.setIncidentStatus(id: incident.id, to: .resolved, by: user.id, via: via, now: env.now())
                return "Incident \(incident.number) resolved."
            case .escalate:
                _ = try await env.store.escalateIncident(id: incident.id, toLevel: nil, by: user.id, via: via, now: env.now())
                return "Incident \(incident.number) escalated."
            }
        } catch DomainError.conflict(let message, _) {
            return "Incident \(incident.number) not changed: \(message)."
        }
    }

    /// The form, once its signature proves Twilio sent it.
    private func signedForm(_ request: Request) async throws -> Form {
        let notFound = DomainError.notFound("no such endpoint")
        guard let authToken = env.twilioAuthToken else { throw notFound }
        let buffer = try await JSONBody.collect(request, limit: Self.bodyLimit)
        let form = try Form(String(buffer: buffer))
        let url = env.publicURL + request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        guard let sent = request.headers[Self.twilioSignatureHeader],
              Secrets.constantTimeEquals(Self.signature(authToken: authToken, url: url, fields: form.values), sent) else {
            throw DomainError.forbidden("the request is not signed by this Tocsin's Twilio account")
        }
        return form
    }

    /// Twilio's request signature: base64 HMAC-SHA1 over the URL followed by each field's name and value, by name.
    static func signature(authToken: String, url: String, fields: [String: [String]]) -> String {
        var text = url
        for key in fields.keys.sorted() {
            for value in fields[key] ?? [] { text += key + value }
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    static func message(_ text: String) -> Response {
        twiml("<Response><Message>\(HTML.escape(text))</Message></Response>")
    }

    static func speech(_ text: String) -> Response {
        twiml("<Response><Say>\(HTML.escape(text))</Say></Response>")
    }

    static func twiml(_ xml: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml)))
    }
}
