import Foundation
import Hummingbird
import TocsinCore
import TocsinUseCases

/// `/api/v1/users/{id}/contact-methods` and `/api/v1/users/{id}/notification-rules` (`me` for the caller).
extension APIRoutes {
    func registerContacts(_ api: APIRegistrar) {
        let store = env.store
        let contacts = env.contactMethods

        /// The person named by the path, who must be the caller unless the caller manages users.
        @Sendable func owner(_ context: TocsinRequestContext, _ permission: Permission) async throws -> (UUID, User) {
            let actor = try context.require(permission)
            let id = context.parameters.get("id") == "me" ? actor.id : try context.id()
            guard ContactMethods.mayManage(id, actor: actor) else {
                throw DomainError.forbidden("people see and manage their own contact methods and rules; admins manage anyone's")
            }
            guard try await store.user(id: id) != nil else { throw DomainError.notFound("user \(id.db) not found") }
            return (id, actor)
        }

        api.on(.get, "users/:id/contact-methods") { _, context in
            let (userID, _) = try await owner(context, .read)
            return try JSONBody.response(["data": try await store.contactMethods(userID: userID).map { ContactMethodJSON($0) }])
        }
        api.on(.post, "users/:id/contact-methods") { request, context in
            let (userID, actor) = try await owner(context, .read)
            let body = try await JSONBody.decode(ContactMethodInputJSON.self, from: request, context: context)
            let (method, codeSent) = try await contacts.create(for: userID, body.input, verified: body.verified ?? false, by: actor)
            var answer = ContactMethodJSON(method, codeSent: codeSent)
            answer.signingSecret = method.signingSecret
            return try JSONBody.response(answer, status: .created)
        }
        api.on(.patch, "users/:id/contact-methods/:method_id") { request, context in
            let (userID, actor) = try await owner(context, .read)
            let body = try await JSONBody.decode(ContactMethodInputJSON.self, from: request, context: context)
            guard body.input.kind == nil else { throw DomainError.invalid("type", "cannot change; add a new contact method instead") }
            let (method, codeSent) = try await contacts.update(try context.id("method_id"), of: userID, body.input, by: actor)
            return try JSONBody.response(ContactMethodJSON(method, codeSent: codeSent))
        }
        api.on(.delete, "users/:id/contact-methods/:method_id") { _, context in
            let (userID, _) = try await owner(context, .read)
            try await store.deleteContactMethod(id: try context.id("method_id"), userID: userID)
            return Response(status: .noContent)
        }
        api.on(.post, "users/:id/contact-methods/:method_id/send-code") { _, context in
            let (userID, actor) = try await owner(context, .read)
            let sent = try await contacts.resendCode(try context.id("method_id"), of: userID, by: actor)
            return try JSONBody.response(["code_sent": sent], status: .accepted)
        }
        api.on(.post, "users/:id/contact-methods/:method_id/verify") { request, context in
            let (userID, actor) = try await owner(context, .read)
            let body = try await JSONBody.decode(VerificationCodeJSON.self, from: request, context: context)
            return try JSONBody.response(ContactMethodJSON(try await contacts.verify(try context.id("method_id"), of: userID, code: body.code, by: actor)))
        }
        api.on(.post, "users/:id/contact-methods/:method_id/test") { _, context in
            let (userID, actor) = try await owner(context, .read)
            var answer: [String: JSONValue] = [:]
            switch try await contacts.sendTestPage(try context.id("method_id"), of: userID, by: actor) {
            case .sent(let providerID):
                answer["sent"] = true
                if let providerID { answer["provider_message_id"] = .string(providerID) }
            case .transient(let reason), .permanent(let reason), .rateLimited(let reason, _):
                answer["sent"] = false
                answer["reason"] = .string(reason)
            }
            return try JSONBody.response(JSONValue.object(answer))
        }

        api.on(.post, "incidents/:id/escalate") { request, context in
            let me = try context.require(.respond)
            let body = try await JSONBody.decodeIfPresent(EscalateJSON.self, from: request, context: context)
            let escalation = try await store.escalateIncident(id: try context.id(), toLevel: body?.level, by: me.id, now: env.now())
            return try JSONBody.response(EscalationJSON(escalation), status: .accepted)
        }
        api.on(.post, "incidents/:id/reassign") { request, context in
            let me = try context.require(.respond)
            let body = try await JSONBody.decode(ReassignJSON.self, from: request, context: context)
            let target: Responders.Target
            switch (body.userID, body.escalationPolicyID) {
            case (let user?, nil): target = .user(user)
            case (nil, let policy?): target = .policy(policy)
            default: throw DomainError.invalid("user_id", "name either a user_id or an escalation_policy_id")
            }
            let escalation = try await Responders(store: store, now: env.now).reassign(try context.id(), to: target, by: me)
            return try JSONBody.response(EscalationJSON(escalation), status: .accepted)
        }
        api.on(.post, "incidents/:id/responders") { request, context in
            let me = try context.require(.respond)
            let body = try await JSONBody.decode(ResponderJSON.self, from: request, context: context)
            let (user, queued) = try await Responders(store: store, now: env.now).add(body.userID, to: try context.id(), by: me)
            return try JSONBody.response(AddedResponderJSON(userID: user.id.db, userName: user.name, notificationsQueued: queued), status: .accepted)
        }
        api.on(.get, "incidents/:id/notifications") { _, context in
            _ = try context.require(.read)
            let incident = try context.id()
            let notes = try await store.notifications(incidentID: incident)
            let names = Dictionary(try await store.users(ids: notes.compactMap(\.userID).uniqued()).map { ($0.id, $0.name) },
                                   uniquingKeysWith: { a, _ in a })
            return try JSONBody.response(["data": notes.map { NotificationJSON($0, userName: $0.userID.flatMap { names[$0] }) }])
        }
        api.on(.get, "users/:id/notification-rules") { _, context in
            let (userID, _) = try await owner(context, .read)
            return try JSONBody.response(["data": try await store.notificationRules(userID: userID).map { NotificationRuleJSON($0) }])
        }
        api.on(.post, "users/:id/notification-rules") { request, context in
            let (userID, actor) = try await owner(context, .read)
            let body = try await JSONBody.decode(NotificationRuleInputJSON.self, from: request, context: context)
            let rule = try await contacts.createRule(for: userID, contactMethodID: body.contactMethodID, urgency: body.urgency,
                                                     delayMinutes: body.delayMinutes, by: actor)
            return try JSONBody.response(NotificationRuleJSON(rule), status: .created)
        }
        api.on(.delete, "users/:id/notification-rules/:rule_id") { _, context in
            let (userID, _) = try await owner(context, .read)
            try await store.deleteNotificationRule(id: try context.id("rule_id"), userID: userID)
            return Response(status: .noContent)
        }
    }
}
