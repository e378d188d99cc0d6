import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TocsinCore
import TocsinUseCases

/// What Twilio posts back: SMS replies (`POST /callbacks/twilio/sms`, set as the number's messaging webhook) and the
/// key pressed during a voice page (`POST /callbacks/twilio/voice/{token}`, named in the call's script). Each request
/// must carry a valid `X-Twilio-Signature` (HMAC-SHA1 under the auth token over the URL Twilio called — this server's
/// public URL and the path — and the form's fields sorted by name); without Twilio configured both are 404s.
/// Answers are TwiML.
struct TwilioCallbacks {
    let env: WebEnvironment
    static let bodyLimit = 16 * 1024

    func register(_ router: Router<TocsinRequestContext>) {
        router.post("/callbacks/twilio/sms") { request, _ in
            let form = try await signedForm(request)
            guard let command = SMSCommand.parse(form["Body"] ?? "") else {
                return Self.message("Tocsin did not understand. Reply ack 42, res 42 or esc 42 with the incident's number.")
            }
            let from = form["From"] ?? ""
            // The sender is the person whose verified SMS method has this number; a number two people share acts for nobody.
            let owners = Set(try await env.store.verifiedContactMethods(kind: .sms, address: from).map(\.userID))
            guard owners.count == 1, let userID = owners.first, let user = try await env.store.user(id: userID), user.role.allows(.respond) else {
                env.logger.notice("an SMS reply came from a number no one responder owns", metadata: ["owners": "\(owners.count)"])
                return Self.message("Tocsin does not know this number as a responder's verified SMS contact method.")
            }
            guard let incident = try await env.store.incident(number: command.incidentNumber) else {
                return Self.message("There is no incident #\(command.incidentNumber).")
            }
            return Self.message(try await act(command.action, on: incident, by: user, via: ContactMethod.Kind.sms.actionVia))
        }
        router.post("/callbacks/twilio/voice/:token") { request, context in
            let form = try await signedForm(request)
            guard let token = context.parameters.get("token"),
                  case .valid(let grant) = try await ActionLinks(store: env.store, publicURL: env.publicURL).verify(token, now: env.now()),
                  grant.channel == .voice else {
                return Self.speech("This call can no longer act on the incident. Goodbye.")
            }
            let action: IncidentAction
            switch form["Digits"] {
            case "1": action = .acknowledge
            case "2": action = .resolve
            case "3": action = .escalate
            default: return Self.speech("That key does nothing. Goodbye.")
            }
            guard let incident = try await env.store.incident(id: grant.incidentID), let user = try await env.store.user(id: grant.userID),
                  user.role.allows(.respond) else {
                return Self.speech("This call can no longer act on the incident. Goodbye.")
            }
            return Self.speech(try await act(action, on: incident, by: user, via: ContactMethod.Kind.voice.actionVia) + " Goodbye.")
        }
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
        guard let sent = request.headers[HTTPField.Name("X-Twilio-Signature")!],
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
