import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP network: an address and a prefix length ("10.0.0.0/8", "::1/128").
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var prefix: Int

    /// "10.0.0.0/8", "fd00::/8", or a single address ("192.0.2.7", a /32 or /128).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = IPNetwork.parse(first) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard parts[1].utf8.count <= 3, let n = Int(parts[1]), (0...bits).contains(n) else { return nil }
            prefix = n
        } else {
            prefix = bits
        }
        self.bytes = bytes
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address written as text; nil for anything else.
    public static func parse(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    public func contains(_ address: [UInt8]) -> Bool {
        // An IPv4-mapped (::ffff:127.0.0.1) or IPv4-compatible (::127.0.0.1) IPv6 address is its IPv4 address.
        let embedsV4 = address.count == 16 && address[0..<10].allSatisfy({ $0 == 0 })
            && ((address[10] == 0xff && address[11] == 0xff) || (address[10] == 0 && address[11] == 0 && address[12] != 0))
        let address = embedsV4 ? Array(address[12...]) : address
        guard address.count == bytes.count else { return false }
        var left = prefix
        for (a, b) in zip(address, bytes) {
            guard left > 0 else { return true }
            let mask: UInt8 = left >= 8 ? 0xff : ~(0xff >> UInt8(left))
            if a & mask != b & mask { return false }
            left -= 8
        }
        return true
    }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let text = bytes.withUnsafeBytes { raw in
            inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
                ? String(cString: buffer) : "?"
        }
        return "\(text)/\(prefix)"
    }
}

/// Which networks Tocsin sends user-chosen addresses to (webhooks, Teams workflows, ntfy topics): anyone signed in
/// can add a contact method, so without a guard they could make the server post to its own loopback services or a
/// cloud's metadata address. Denied networks (by default loopback and link-local, metadata addresses among them) are
/// refused unless an allowed network names the address. The senders resolve the host before sending and check every
/// address it resolves to (`check(url:)` in TocsinNotify: the core does no I/O).
public struct DestinationGuard: Sendable, Equatable {
    public var denied: [IPNetwork]
    public var allowed: [IPNetwork]

    public init(denied: [IPNetwork] = DestinationGuard.defaultDenied, allowed: [IPNetwork] = []) {
        self.denied = denied
        self.allowed = allowed
    }

    /// Sends anywhere (channel tests, and installations that opt out with `TOCSIN_DESTINATION_DENY=none`).
    public static let open = DestinationGuard(denied: [], allowed: [])

    /// Names for groups of networks in `TOCSIN_DESTINATION_DENY`.
    public static let groups: [String: [String]] = [
        "loopback": ["127.0.0.0/8", "::1/128"],
        "link-local": ["169.254.0.0/16", "fe80::/10"],
        "unspecified": ["0.0.0.0/8", "::/128"],
        "private": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"],
    ]
    public static let defaultDenied: [IPNetwork] = ["loopback", "link-local", "unspecified"].flatMap { groups[$0] ?? [] }.compactMap(IPNetwork.init)

    /// An item of a network list that is neither a network nor a group name.
    public struct BadItem: Error, Equatable {
        public var item: String

        public init(item: String) { self.item = item }
    }

    /// Reads a comma-separated list of networks and group names; `none` is the empty list.
    public static func networks(_ text: String) -> Result<[IPNetwork], BadItem> {
        var out: [IPNetwork] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item == "none" { continue }
            if let group = groups[item] {
                out += group.compactMap(IPNetwork.init)
            } else if let network = IPNetwork(item) {
                out.append(network)
            } else {
                return .failure(BadItem(item: item))
            }
        }
        return .success(out)
    }

    public var isOpen: Bool { denied.isEmpty }

    /// Whether `address` may be sent to.
    public func permits(_ address: [UInt8]) -> Bool {
        allowed.contains { $0.contains(address) } || !denied.contains { $0.contains(address) }
    }
}
