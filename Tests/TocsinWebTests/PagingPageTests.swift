import Crypto
import Foundation
import HTTPTypes
import Synchronization
import Testing
import TocsinCore
import TocsinTestSupport
@testable import TocsinWeb

@Suite("Escalation policy and contact method pages")
struct PagingPageTests {
    /// An admin (Ada, on call in a schedule), a responder with no contact method, a team of both, and a schedule.
    static func world(_ app: TestApp, other: String = "Rita") async throws -> (ada: User, rita: User, token: String, team: String, schedule: String) {
        let (ada, token) = try await app.user("Ada", role: .admin)
        let (rita, _) = try await app.user(other, role: .responder)
        let team = try #require(try await app.request(.post, "/api/v1/teams", token: token,
                                                      json: #"{"name":"Payments","member_ids":["\#(ada.id.db)","\#(rita.id.db)"]}"#).json["id"]?.stringValue)
        let schedule = try #require(try await app.request(.post, "/api/v1/schedules", token: token, json: """
            {"name":"Primary","time_zone":"UTC","layers":[{"start":"2025-01-06T09:00","rotation":{"length":1,"unit":"week"},"members":["\(ada.id.db)"]}]}
            """).json["id"]?.stringValue)
        return (ada, rita, token, team, schedule)
    }

    /// The `selected` option values of every `name` select, in page order.
    static func chosen(_ html: String, _ name: String) -> [String] {
        html.components(separatedBy: "<select name=\"\(name)\"").dropFirst().compactMap { select in
            let body = select.components(separatedBy: "</select>").first ?? ""
            guard let range = body.range(of: "\" selected>") else { return nil }
            let before = body[..<range.lowerBound]
            return before.components(separatedBy: "value=\"").last.map { String($0) }
        }
    }

    @Test("the editor builds a policy by form posts: levels added, moved and removed redraw the form and save nothing; Save saves")
    func editor() async throws {
        try await TestApp.run { app in
            let (ada, rita, _, team, schedule) = try await Self.world(app)
            let cookies = try await app.signIn(email: ada.email)
            let blank = try await app.page("/escalation-policies/new", cookies: cookies)
            #expect(blank.status == .ok)
            #expect(blank.text.contains(">Primary</option>") && blank.text.contains(">Rita</option>") && blank.text.contains(">Payments, one in turn</option>"),
                    "targets are chosen by name")
            let csrf = try #require(blank.csrf)
            var fields: [(String, String)] = [("_csrf", csrf), ("name", "Payments primary"), ("team_id", team), ("repeat", "1"), ("levels", "1"),
                                              ("levels[0].delay_minutes", "5"), ("levels[0].targets", "schedule:" + schedule)]
            let added = try await app.submit("/escalation-policies/new", fields: fields + [("action", "add_level")], cookies: cookies)
            #expect(added.status == .ok)
            #expect(added.text.contains("id=\"level-2\"") && added.text.contains("value=\"Payments primary\""), "a second level, and what was typed is kept")
            #expect(try await app.store.escalationPolicies(EscalationPolicyFilter(), page: PageRequest()).total == 0, "nothing is saved")

            fields += [("levels", "2"), ("levels[1].delay_minutes", "10"), ("levels[1].targets", "user:" + rita.id.db),
                       ("levels[1].targets", "team_rr:" + team)]
            fields.removeAll { $0 == ("levels", "1") }
            let saved = try await app.submit("/escalation-policies/new", fields: fields + [("action", "save")], cookies: cookies)
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let id = try #require(UUID(uuidString: String(location.dropFirst("/escalation-policies/".count))))
            let policy = try #require(try await app.store.escalationPolicy(id: id))
            #expect(policy.levels.map(\.delayMinutes) == [5, 10] && policy.repeatCount == 1)
            #expect(policy.levels[1].targets == [EscalationTarget(kind: .user, id: rita.id), EscalationTarget(kind: .team, id: UUID(uuidString: team)!, teamMode: .roundRobin)])

            // Move level 2 up: the form is drawn in the new order, the policy is not changed until saved.
            let page = try await app.page(location, cookies: cookies)
            let current: [(String, String)] = [("_csrf", csrf), ("name", "Payments primary"), ("team_id", team), ("repeat", "1"), ("levels", "2"),
                                               ("levels[0].delay_minutes", "5"), ("levels[0].targets", "schedule:" + schedule),
                                               ("levels[1].delay_minutes", "10"), ("levels[1].targets", "user:" + rita.id.db)]
            #expect(page.text.contains("id=\"level-2\""))
            let moved = try await app.submit(location, fields: current + [("action", "up:1")], cookies: cookies)
            #expect(moved.status == .ok)
            #expect(Self.chosen(moved.text, "levels[0].targets") == ["user:" + rita.id.db])
            #expect(Self.chosen(moved.text, "levels[1].targets") == ["schedule:" + schedule])
            #expect(moved.text.contains("not saved yet"))
            let unchanged = try await app.store.escalationPolicy(id: id)
            #expect(unchanged?.levels.map(\.delayMinutes) == [5, 10])
            let removedTarget = try await app.submit(location, fields: current + [("action", "remove_target:0:0")], cookies: cookies)
            #expect(Self.chosen(removedTarget.text, "levels[0].targets").isEmpty)
            let removed = try await app.submit(location, fields: current + [("action", "remove_level:0")], cookies: cookies)
            #expect(!removed.text.contains("id=\"level-2\"") && Self.chosen(removed.text, "levels[0].targets") == ["user:" + rita.id.db])
            // Hostile buttons change nothing and trap nothing.
            for action in ["up:0", "down:1", "up:99999999999999999999", "remove_level:-1", "remove_target:0:7", "remove_target::", "frobnicate"] {
                #expect(try await app.submit(location, fields: current + [("action", action)], cookies: cookies).status == .ok, "\(action)")
            }

            // Saved in the new order.
            let swapped: [(String, String)] = [("_csrf", csrf), ("name", "Payments primary"), ("team_id", team), ("repeat", "0"), ("levels", "2"),
                                               ("levels[0].delay_minutes", "10"), ("levels[0].targets", "user:" + rita.id.db),
                                               ("levels[1].delay_minutes", "5"), ("levels[1].targets", "schedule:" + schedule), ("action", "save")]
            #expect(try await app.submit(location, fields: swapped, cookies: cookies).status == .seeOther)
            #expect(try await app.store.escalationPolicy(id: id)?.levels.map(\.delayMinutes) == [10, 5])
        }
    }

    @Test("a policy the API would refuse is refused by the form the same way: 422, each error beside its field, nothing written")
    func validation() async throws {
        try await TestApp.run { app in
            let (ada, _, _, _, schedule) = try await Self.world(app)
            let cookies = try await app.signIn(email: ada.email)
            let csrf = try #require(try await app.page("/escalation-policies/new", cookies: cookies).csrf)
            let reply = try await app.submit("/escalation-policies/new", fields: [
                ("_csrf", csrf), ("name", " "), ("team_id", ""), ("repeat", "12"), ("levels", "2"),
                ("levels[0].delay_minutes", "0"), ("levels[0].targets", "schedule:" + schedule),
                ("levels[1].delay_minutes", "abc"), ("levels[1].targets", "robot:x"), ("action", "save"),
            ], cookies: cookies)
            #expect(reply.status == .unprocessableContent)
            for field in ["name", "team_id", "repeat", "levels[0].delay_minutes", "levels[1].delay_minutes", "levels[1].targets"] {
                #expect(reply.text.contains("<p class=\"field-error\" id=\"\(field)-error\">"), "an error beside \(field)")
            }
            #expect(reply.text.contains("Targets of level 2"), "the banner names the field by its label")
            #expect(try await app.store.escalationPolicies(EscalationPolicyFilter(), page: PageRequest()).total == 0)
            // A target that does not exist is the store's refusal, shown on its level.
            let missing = try await app.submit("/escalation-policies/new", fields: [
                ("_csrf", csrf), ("name", "P"), ("team_id", UUID().uuidString), ("repeat", "0"), ("levels", "1"),
                ("levels[0].delay_minutes", "5"), ("levels[0].targets", "user:" + UUID().uuidString), ("action", "save"),
            ], cookies: cookies)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("id=\"team_id-error\"") && missing.text.contains("id=\"levels[0].targets-error\""))
        }
    }

    @Test("the preview names who is on call now, flags the unreachable loudly, says when each level fires and who is next in turn; names are escaped")
    func preview() async throws {
        try await TestApp.run { app in
            let (ada, rita, token, team, schedule) = try await Self.world(app, other: "<script>alert(1)</script>")
            let mail = try #require(try await app.request(.post, "/api/v1/users/\(ada.id.db)/contact-methods", token: token,
                                                          json: #"{"type":"email","address":"ada@example.com","verified":true}"#).json["id"]?.stringValue)
            // Ada lets low-urgency pages wait half an hour.
            #expect(try await app.request(.post, "/api/v1/users/\(ada.id.db)/notification-rules", token: token,
                                          json: #"{"contact_method_id":"\#(mail)","delay_minutes":30,"urgency":"low"}"#).status == .created)
            let policy = try #require(try await app.request(.post, "/api/v1/escalation-policies", token: token, json: """
                {"name":"Pay","team_id":"\(team)","repeat":1,"levels":[{"delay_minutes":5,"targets":[{"type":"schedule","id":"\(schedule)"}]},
                 {"delay_minutes":10,"targets":[{"type":"user","id":"\(rita.id.db)"},{"type":"team","id":"\(team)","mode":"round_robin"}]}]}
                """).json["id"]?.stringValue)
            let (_, observerToken) = try await app.user("Olly", role: .observer)
            _ = observerToken
            let cookies = try await app.signIn(email: "olly@example.com")
            let page = try await app.page("/escalation-policies/\(policy)", cookies: cookies)
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains(">Ada</a>: <span class=\"how\">at once by e-mail</span>"), "the schedule's on-call person, and how she is reached")
            #expect(text.contains("</span> <small class=\"muted\">low urgency: after 30 minutes by e-mail</small>"), "and at low urgency, which differs")
            #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;</a> <strong class=\"unreachable\">UNREACHABLE</strong>"))
            #expect(!text.contains("<script>alert"), "escaped everywhere")
            #expect(text.contains("has no verified contact method"), "said above the levels too")
            #expect(text.contains("Level 1 <small class=\"muted\">at 0 min, again at 15 min</small>"))
            #expect(text.contains("Level 2 <small class=\"muted\">at 5 min, again at 20 min</small>"))
            #expect(text.contains("Nobody acknowledged after 30 minutes"))
            #expect(text.contains("one member per incident in turn:<ul class=\"people\"><li>next: <a href=\"/users/\(ada.id.db)\">Ada</a>"),
                    "the first escalation takes the first member")
            #expect(!text.contains("name=\"action\""), "an observer reads, and gets no editor")
            #expect(try await app.submit("/escalation-policies/\(policy)", fields: [("_csrf", page.csrf ?? "")], cookies: cookies).status == .forbidden)
            let list = try await app.page("/escalation-policies", cookies: cookies)
            #expect(list.text.contains(">Pay</a>") && list.text.contains("none: it pages nobody"))
        }
    }

    @Test("a round robin's next member in the preview is the one the next incident pages, as the engine counts turns")
    func roundRobinNext() async throws {
        try await TestApp.run { app in
            let (admin, users, key) = try await PagingStoryTests.pagingWorld(app, [("Ann", [("webhook", "http://127.0.0.1:9/ann")]),
                                                                                 ("Bob", [("webhook", "http://127.0.0.1:9/bob")])])
            let team = try #require(try await app.request(.get, "/api/v1/teams", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
            let policy = try #require(try await app.request(.get, "/api/v1/escalation-policies", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
            #expect(try await app.request(.patch, "/api/v1/escalation-policies/\(policy)", token: admin, json: """
                {"levels":[{"delay_minutes":5,"targets":[{"type":"team","id":"\(team)","mode":"round_robin"}]}]}
                """).status == .ok)
            let id = try #require(UUID(uuidString: policy))
            #expect(try await app.store.nextEscalationTurn(policyID: id) == 0)
            let cookies = try await app.signIn(email: "ada@example.com")
            #expect(try await app.page("/escalation-policies/\(policy)", cookies: cookies).text.contains("<li>next: <a href=\"/users/\(users[0].id.db)\">Ann</a>"))
            try await PagingStoryTests.trigger(app, key, "rr-1", "Checkout down")
            let incident = try #require(try await app.request(.get, "/api/v1/incidents", token: admin).json["data"]?[at: 0]?["id"]?.stringValue)
            var escalation: Escalation?
            for _ in 0..<200 where escalation == nil {
                escalation = try await app.store.escalation(incidentID: try #require(UUID(uuidString: incident)))
                if escalation == nil { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(escalation?.turn == 0, "the first incident took Ann's turn")
            #expect(try await app.store.nextEscalationTurn(policyID: id) == 1)
            #expect(try await app.page("/escalation-policies/\(policy)", cookies: cookies).text.contains("<li>next: <a href=\"/users/\(users[1].id.db)\">Bob</a>"))
        }
    }

    @Test("a policy a service uses is not deleted: the page says which services; once free, it is deleted; services choose it by name")
    func deleteAndServices() async throws {
        try await TestApp.run { app in
            let (ada, _, token, team, schedule) = try await Self.world(app)
            let policy = try #require(try await app.request(.post, "/api/v1/escalation-policies", token: token, json: """
                {"name":"Pay","team_id":"\(team)","levels":[{"delay_minutes":5,"targets":[{"type":"schedule","id":"\(schedule)"}]}]}
                """).json["id"]?.stringValue)
            let cookies = try await app.signIn(email: ada.email)
            let form = try await app.page("/services/new", cookies: cookies)
            #expect(form.text.contains("<option value=\"\(policy)\">Pay</option>"))
            let created = try await app.submit("/services/new", fields: [("_csrf", try #require(form.csrf)), ("name", "Checkout"), ("tier", "2"),
                                                                         ("escalation_policy_id", policy), ("grouping_mode", "per_alert")], cookies: cookies)
            #expect(created.status == .seeOther)
            let service = try #require(created.headers[.location])
            #expect(try await app.page(service, cookies: cookies).text.contains("<a href=\"/escalation-policies/\(policy)\">Pay</a>"))

            let confirm = try await app.page("/escalation-policies/\(policy)/delete", cookies: cookies)
            #expect(confirm.text.contains("These services use it") && confirm.text.contains(">Checkout</a>"))
            let refused = try await app.submit("/escalation-policies/\(policy)/delete", fields: [("_csrf", try #require(form.csrf))], cookies: cookies)
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("Not deleted:</strong> the service Checkout use it"))
            #expect(try await app.request(.patch, "/api/v1\(service)", token: token, json: #"{"escalation_policy_id":null}"#).status == .ok)
            let free = try await app.page("/escalation-policies/\(policy)/delete", cookies: cookies)
            #expect(free.text.contains("No service uses it"))
            #expect(try await app.submit("/escalation-policies/\(policy)/delete", fields: [("_csrf", try #require(free.csrf))], cookies: cookies).status == .seeOther)
            #expect(try await app.store.escalationPolicy(id: UUID(uuidString: policy)!) == nil)
        }
    }

    @Test("my contact methods: add a webhook, verify it with the code it received, add rules read as a sentence, send a test page; a failure says why")
    func contactMethods() async throws {
        let clock = Mutex(Date())
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await TestApp.run(now: { clock.withLock { $0 } }) { app in
                let (rita, _) = try await app.user("Rita", role: .responder)
                let cookies = try await app.signIn(email: rita.email)
                let empty = try await app.page("/me/contact-methods", cookies: cookies)
                #expect(empty.text.contains("Tocsin cannot page you"))
                let csrf = try #require(empty.csrf)
                let bad = try await app.submit("/me/contact-methods/methods", fields: [("_csrf", csrf), ("type", "sms"), ("address", "0151 2345")], cookies: cookies)
                #expect(bad.status == .unprocessableContent && bad.text.contains("id=\"address-error\""))
                let added = try await app.submit("/me/contact-methods/methods", fields: [("_csrf", csrf), ("type", "webhook"), ("address", base + "/rita"),
                                                                                          ("label", "<b>laptop</b>")], cookies: cookies)
                #expect(added.status == .created)
                #expect(added.text.contains("A six-digit code was sent to it") && added.text.contains("(&lt;b&gt;laptop&lt;/b&gt;)"))
                let secret = try #require(added.text.components(separatedBy: "id=\"signing-secret\">").element(at: 1)?.prefix { $0 != "<" })
                let method = try #require(try await app.store.contactMethods(userID: rita.id).first)
                let delivered = try #require(try await receiver.wait(for: 1).first)
                let code = try #require(try JSONValue.parse(Data(delivered.body.utf8))["code"]?.stringValue)
                let wrong = try await app.submit("/me/contact-methods/\(method.id.db)/verify", fields: [("_csrf", csrf), ("code", code == "000000" ? "111111" : "000000")],
                                                 cookies: cookies)
                #expect(wrong.status == .unprocessableContent && wrong.text.contains("Code: does not match"))
                let right = try await app.submit("/me/contact-methods/\(method.id.db)/verify", fields: [("_csrf", csrf), ("code", code)], cookies: cookies)
                #expect(right.status == .ok && right.text.contains("Verified: pages can reach you"))

                #expect(try await app.submit("/me/contact-methods/rules", fields: [("_csrf", csrf), ("contact_method_id", method.id.db), ("urgency", "high"),
                                                                               ("delay_minutes", "5")], cookies: cookies).status == .seeOther)
                let badRule = try await app.submit("/me/contact-methods/rules", fields: [("_csrf", csrf), ("contact_method_id", method.id.db), ("urgency", "soon"),
                                                                                     ("delay_minutes", "x")], cookies: cookies)
                #expect(badRule.status == .unprocessableContent && badRule.text.contains("id=\"delay_minutes-error\""))
                let page = try await app.page("/me/contact-methods", cookies: cookies)
                #expect(page.text.contains("<strong>High urgency:</strong> After 5 minutes by webhook."))
                #expect(page.text.contains("<strong>Low urgency:</strong> After 5 minutes by webhook."), "low follows the high rules")

                let sent = try await app.submit("/me/contact-methods/\(method.id.db)/test", fields: [("_csrf", csrf)], cookies: cookies)
                #expect(sent.text.contains("Test page sent to webhook"))
                let test = try #require(try await receiver.wait(for: 2).last)
                #expect(try JSONValue.parse(Data(test.body.utf8))["event"] == "contact_method.test")
                let signature = try #require(test.headers["x-tocsin-signature"])
                let stamp = try #require(signature.split(separator: ",").first?.dropFirst(2))
                let mac = HMAC<SHA256>.authenticationCode(for: Data("\(stamp).\(test.body)".utf8), using: SymmetricKey(data: Data(String(secret).utf8)))
                #expect(signature.hasSuffix(mac.map { String(format: "%02x", $0) }.joined()), "signed with the key shown once")
                let again = try await app.submit("/me/contact-methods/\(method.id.db)/test", fields: [("_csrf", csrf)], cookies: cookies)
                #expect(again.status == .tooManyRequests && again.text.contains("less than a minute ago"))

                clock.withLock { $0 += 61 }
                receiver.status.withLock { $0 = 503 }
                let failed = try await app.submit("/me/contact-methods/\(method.id.db)/test", fields: [("_csrf", csrf)], cookies: cookies)
                #expect(failed.text.contains("did not go: the webhook") || failed.text.contains("failed: the webhook"), "the reason is shown")
                #expect(failed.text.contains("503"))

                // Changing the label keeps it verified; a bad address is refused in the open form; a new address keeps the
                // method's rules and is verified again.
                receiver.status.withLock { $0 = 200 }
                let relabelled = try await app.submit("/me/contact-methods/\(method.id.db)/edit", fields: [("_csrf", csrf), ("address", base + "/rita"),
                                                                                                       ("label", "work")], cookies: cookies)
                #expect(relabelled.text.contains("Saved.") && relabelled.text.contains("Webhook (work)"))
                #expect(try await app.store.contactMethod(id: method.id)?.isVerified == true)
                let refused = try await app.submit("/me/contact-methods/\(method.id.db)/edit", fields: [("_csrf", csrf), ("address", "not a url"),
                                                                                                    ("label", "work")], cookies: cookies)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.text.contains("<details class=\"change\" open>") && refused.text.contains("id=\"edit-\(method.id.db)-error\">Address:"))
                #expect(refused.text.contains("value=\"not a url\""), "what was typed stays in the form")
                #expect(try await app.store.contactMethod(id: method.id)?.address == base + "/rita", "nothing changed")
                let moved = try await app.submit("/me/contact-methods/\(method.id.db)/edit", fields: [("_csrf", csrf), ("address", base + "/rita-new"),
                                                                                                  ("label", "work")], cookies: cookies)
                #expect(moved.status == .ok && moved.text.contains("Changed to <code>\(base)/rita-new</code>: no pages go there until it is"))
                let changed = try #require(try await app.store.contactMethod(id: method.id))
                #expect(changed.address == base + "/rita-new" && !changed.isVerified)
                #expect(try await app.store.notificationRules(userID: rita.id).map(\.contactMethodID) == [method.id], "its rules stay")
                #expect(try await receiver.wait(for: 4).contains { $0.path == "/rita-new" && $0.body.contains("\"code\"") }, "a code went to the new address")
            }
        }
    }

    @Test("another person's contact methods are not theirs to see or change; an admin may")
    func ownership() async throws {
        try await TestApp.run { app in
            let (rita, ritaToken) = try await app.user("Rita", role: .responder)
            let (bob, _) = try await app.user("Bob", role: .responder)
            let (ann, _) = try await app.user("Ann", role: .admin)
            let method = try #require(try await app.request(.post, "/api/v1/users/me/contact-methods", token: ritaToken,
                                                            json: #"{"type":"sms","address":"+4915100000001"}"#).json["id"]?.stringValue)
            let bobs = try await app.signIn(email: bob.email)
            let csrf = try #require(try await app.page("/me/contact-methods", cookies: bobs).csrf)
            #expect(try await app.page("/users/\(rita.id.db)/contact-methods", cookies: bobs).status == .forbidden)
            #expect(try await app.submit("/users/\(rita.id.db)/contact-methods/\(method)/delete", fields: [("_csrf", csrf)], cookies: bobs).status == .forbidden)
            #expect(try await app.submit("/me/contact-methods/\(method)/test", fields: [("_csrf", csrf)], cookies: bobs).status == .notFound)
            #expect(try await app.submit("/me/contact-methods/\(method)/verify", fields: [("_csrf", csrf), ("code", "123456")], cookies: bobs).status == .notFound)
            #expect(try await app.submit("/me/contact-methods/\(method)/edit", fields: [("_csrf", csrf), ("address", "+4915100000009")], cookies: bobs).status == .notFound)
            #expect(try await app.submit("/users/\(rita.id.db)/contact-methods/\(method)/edit", fields: [("_csrf", csrf), ("address", "+4915100000009")],
                                         cookies: bobs).status == .forbidden)
            #expect(!(try await app.page("/me/contact-methods", cookies: bobs).text.contains("+4915100000001")))
            let anns = try await app.signIn(email: ann.email)
            let seen = try await app.page("/users/\(rita.id.db)/contact-methods", cookies: anns)
            #expect(seen.status == .ok && seen.text.contains("+4915100000001") && seen.text.contains("Rita: contact methods and rules"))
            #expect(try await app.page("/users/\(UUID().uuidString)/contact-methods", cookies: anns).status == .notFound)
        }
    }

    @Test("POST …/contact-methods/{id}/test answers sent and the provider's id, as documented; unverified methods are refused")
    func testPageAPI() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await TestApp.run { app in
                let (_, token) = try await app.user("Ann", role: .admin)
                let verified = try #require(try await app.request(.post, "/api/v1/users/me/contact-methods", token: token,
                                                                  json: #"{"type":"webhook","address":"\#(base)/ann","verified":true}"#).json["id"]?.stringValue)
                let answer = try await app.request(.post, "/api/v1/users/me/contact-methods/\(verified)/test", token: token)
                #expect(answer.status == .ok && answer.json["sent"] == true)
                let schema = try #require(OpenAPITests.responseSchema("POST /api/v1/users/{id}/contact-methods/{method_id}/test", "200"))
                #expect(SchemaCheck.problems(answer.json, against: schema, root: OpenAPIDocument.document).isEmpty)
                #expect(try await app.request(.post, "/api/v1/users/me/contact-methods/\(verified)/test", token: token).status == .tooManyRequests)
                let sms = try #require(try await app.request(.post, "/api/v1/users/me/contact-methods", token: token,
                                                             json: #"{"type":"sms","address":"+4915100000002","verified":true}"#).json["id"]?.stringValue)
                let unsent = try await app.request(.post, "/api/v1/users/me/contact-methods/\(sms)/test", token: token)
                #expect(unsent.json["sent"] == false && unsent.json["reason"]?.stringValue?.contains("not configured") == true)
                #expect(SchemaCheck.problems(unsent.json, against: schema, root: OpenAPIDocument.document).isEmpty)
                let pending = try #require(try await app.request(.post, "/api/v1/users/me/contact-methods", token: token,
                                                                 json: #"{"type":"email","address":"ann@example.com"}"#).json["id"]?.stringValue)
                #expect(try await app.request(.post, "/api/v1/users/me/contact-methods/\(pending)/test", token: token).status == .conflict)
            }
        }
    }
}
