import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TocsinCore

/// The destination guard at send time: the host of a user-chosen address is resolved and every address checked.
extension DestinationGuard {
    /// Why a destination is not sent to (without the address itself: the timeline is read by many).
    struct Refusal: Sendable, Equatable {
        var reason: String
        /// Worth trying again (the name did not resolve now); otherwise final.
        var transient: Bool
    }

    /// Nil when `url`'s host may be sent to. A name that does not resolve is refused too (for now): the HTTP client
    /// would resolve it again, and a second answer is not one this check saw.
    func check(url: String) async -> Refusal? {
        guard !isOpen else { return nil }
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else {
            return Refusal(reason: "the address is not a URL with a host", transient: false)
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses: [[UInt8]]
        if let literal = IPNetwork.parse(bare) { addresses = [literal] } else { addresses = await Self.resolve(bare) }
        guard !addresses.isEmpty else { return Refusal(reason: "the address's host name did not resolve", transient: true) }
        if let refused = addresses.first(where: { !permits($0) }) {
            let network = denied.first { $0.contains(refused) }.map { " (\($0))" } ?? ""
            return Refusal(reason: "the address's host is in a network Tocsin does not send to\(network); an administrator can allow it with TOCSIN_DESTINATION_ALLOW",
                           transient: false)
        }
        return nil
    }

    /// Every address `host` resolves to, off the cooperative pool (getaddrinfo blocks).
    static func resolve(_ host: String) async -> [[UInt8]] {
        guard host.utf8.count <= 253 else { return [] }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0 else { return continuation.resume(returning: []) }
                defer { freeaddrinfo(list) }
                var out: [[UInt8]] = []
                var cursor = list
                while let info = cursor {
                    if let sockaddr = info.pointee.ai_addr {
                        if info.pointee.ai_family == AF_INET {
                            sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                                var a = v4.pointee.sin_addr
                                out.append(withUnsafeBytes(of: &a) { Array($0) })
                            }
                        } else if info.pointee.ai_family == AF_INET6 {
                            sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                                var a = v6.pointee.sin6_addr
                                out.append(withUnsafeBytes(of: &a) { Array($0) })
                            }
                        }
                    }
                    cursor = info.pointee.ai_next
                }
                continuation.resume(returning: out)
            }
        }
    }

    /// What a channel answers for an address the guard refuses: nil when it may be sent to.
    func refusal(for url: String) async -> ChannelResult? {
        guard let refused = await check(url: url) else { return nil }
        return refused.transient ? .transient(refused.reason) : .permanent(refused.reason)
    }
}
