import Foundation
import Testing
import TocsinCore
@testable import TocsinNotify

@Suite("Destination guard at send time")
struct DestinationCheckTests {
    @Test("by default loopback, link-local (metadata addresses) and 0.0.0.0 are refused, names are resolved, and allowed networks are exceptions")
    func checks() async throws {
        let guardian = DestinationGuard()
        #expect(await guardian.check(url: "http://127.0.0.1:8080/hook") != nil)
        #expect(await guardian.check(url: "http://[::1]/hook") != nil)
        #expect(await guardian.check(url: "http://169.254.169.254/latest/meta-data/") != nil)
        #expect(await guardian.check(url: "http://0.0.0.0:9/") != nil)
        #expect(await guardian.check(url: "http://localhost:8080/") != nil, "a name is resolved: localhost is loopback")
        #expect(await guardian.check(url: "https://192.0.2.10/hook") == nil)
        #expect(await guardian.check(url: "http://10.0.0.5/hook") == nil, "private ranges are allowed unless denied")
        let strict = DestinationGuard(denied: DestinationGuard.defaultDenied + (try DestinationGuard.networks("private").get()))
        #expect(await strict.check(url: "http://10.0.0.5/hook") != nil)
        let allowing = DestinationGuard(allowed: try DestinationGuard.networks("127.0.0.1/32").get())
        #expect(await allowing.check(url: "http://127.0.0.1:8080/") == nil)
        #expect(await allowing.check(url: "http://127.0.0.2:8080/") != nil)
        #expect(await DestinationGuard.open.check(url: "http://127.0.0.1/") == nil)
        #expect(await guardian.check(url: "not a url") != nil)
        #expect(await guardian.check(url: "http://no-such-host.invalid/")?.transient == true,
                "unresolvable: refused for now (the client would resolve it again, and that answer was not checked)")
        #expect(await guardian.check(url: "http://[::7f00:1]/") != nil, "IPv4-compatible IPv6 is its IPv4 address")
        #expect(await guardian.check(url: "http://127.0.0.1/")?.transient == false)
    }
}
