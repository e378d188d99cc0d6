import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Random secrets and their hashes. Secrets are stored only as hashes.
public enum Secrets {
    /// 160 bits of randomness in lowercase hex, behind a prefix that tells what the secret is for.
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A 32-character integration key (128 random bits, lowercase hex), the length PagerDuty uses.
    public static func integrationKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// High-entropy secrets need no slow hash; SHA-256 keeps lookups by hash possible.
    public static func hash(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares without leaking the position of the first difference.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// bcrypt, run off the event loops: one hash takes a good fraction of a second by design.
public struct PasswordHasher: Sendable {
    public var cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Spends the time of one verification when there is no account, so timing does not tell which e-mails exist.
    public func verifyNothing(_ password: String) async throws {
        let decoy = Self.decoy
        _ = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: decoy) }
    }

    /// A hash of a secret nobody knows, made once.
    private static let decoy: String = Bcrypt.hash(Secrets.generate(prefix: "decoy-"), cost: 12)
}
