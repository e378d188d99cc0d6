import Foundation
import Testing
import TocsinCore

@Suite("Destination guard")
struct DestinationGuardTests {
    @Test("networks: prefixes inside a byte, IPv6, IPv4 written as IPv6, and what is not a network")
    func networks() throws {
        let twelve = try #require(IPNetwork("172.16.0.0/12"))
        #expect(twelve.contains(try #require(IPNetwork.parse("172.31.255.255"))))
        #expect(!twelve.contains(try #require(IPNetwork.parse("172.32.0.0"))))
        #expect(!twelve.contains(try #require(IPNetwork.parse("::1"))), "a v6 address is not in a v4 network")
        let loop = try #require(IPNetwork("127.0.0.0/8"))
        #expect(loop.contains(try #require(IPNetwork.parse("::ffff:127.0.0.2"))), "IPv4-mapped IPv6 is the IPv4 address")
        #expect(try #require(IPNetwork("fe80::/10")).contains(try #require(IPNetwork.parse("febf::1"))))
        #expect(!(try #require(IPNetwork("fe80::/10")).contains(try #require(IPNetwork.parse("fec0::1")))))
        #expect(IPNetwork("10.0.0.0/33") == nil && IPNetwork("10.0.0/8") == nil && IPNetwork("example.com") == nil && IPNetwork("::1/129") == nil)
        #expect(IPNetwork("10.0.0.0/-1") == nil && IPNetwork(String(repeating: "1", count: 5000)) == nil)
        #expect(IPNetwork("0.0.0.0/0")?.contains([8, 8, 8, 8]) == true)
        #expect(IPNetwork("192.0.2.7")?.description == "192.0.2.7/32")
        #expect(try DestinationGuard.networks("loopback, 10.1.0.0/16").get().count == 3)
        #expect(try DestinationGuard.networks("none").get().isEmpty)
        #expect(throws: DestinationGuard.BadItem(item: "intranet")) { try DestinationGuard.networks("private,intranet").get() }
    }
}
