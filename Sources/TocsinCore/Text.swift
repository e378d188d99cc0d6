import Foundation

extension String {
    /// Trimmed of surrounding white space and newlines (Unicode's, as `.whitespacesAndNewlines`). Text with nothing to
    /// trim, most of what arrives, is answered without Foundation's character sets, which cost a few percent of
    /// every ingested event.
    public var trimmed: String {
        // Only an ASCII character that is not a space, tab or line break is surely kept; anything else at either end
        // is left to Foundation's own set.
        func surelyKept(_ scalar: Unicode.Scalar?) -> Bool {
            guard let value = scalar?.value else { return false }
            return value < 0x80 && value != 0x20 && !(0x09...0x0D).contains(value)
        }
        if surelyKept(unicodeScalars.first) && surelyKept(unicodeScalars.last) { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Trimmed, or nil when nothing is left.
    public var nonBlank: String? {
        let t = trimmed
        return t.isEmpty ? nil : t
    }
}

extension UUID {
    /// An id as text: lowercase, as it is stored on both databases and written in every answer and link.
    /// Written directly (ingestion binds several per event); the same text as `uuidString.lowercased()`.
    public var db: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                digits.withUTF8Buffer { hex in
                    var at = 0
                    for (index, byte) in bytes.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            out[at] = UInt8(ascii: "-")
                            at += 1
                        }
                        out[at] = hex[Int(byte >> 4)]
                        out[at + 1] = hex[Int(byte & 0x0F)]
                        at += 2
                    }
                    return at
                }
            }
        }
    }

    /// Reads an id's text, upper- or lowercase hex with dashes at 8, 13, 18 and 23 (what `UUID(uuidString:)`
    /// accepts), without Foundation's `sscanf`: every stored row's ids are read through this.
    public init?(text: String) {
        var text = text
        // Read from the contiguous UTF-8 bytes by position: rows hold hundreds of ids, and the iterator cost a
        // visible share of reading a list. Ids come from requests too, so every index is bounded where it is used.
        guard let bytes = text.withUTF8({ utf8 -> uuid_t? in
            guard utf8.count == 36 else { return nil }
            var out: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let parsed = withUnsafeMutableBytes(of: &out) { out -> Bool in
                var digits = 0
                for (position, byte) in utf8.enumerated() {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        guard byte == UInt8(ascii: "-") else { return false }
                        continue
                    }
                    // 36 bytes less 4 dashes: at most 32 digits, two to a byte of `out`.
                    guard let value = Self.nibble(byte), digits < 2 * out.count else { return false }
                    out[digits / 2] |= digits % 2 == 0 ? value << 4 : value
                    digits += 1
                }
                return true
            }
            return parsed ? out : nil
        }) else { return nil }
        self.init(uuid: bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A version 7 UUID (RFC 9562): the Unix time in milliseconds in the first 48 bits, then random bits. Ids made
    /// one after another sort together, so a batch of new alerts and incidents adds to the end of every index on
    /// them instead of touching a random page of each (which the WAL would write out at every commit). Only the
    /// order is taken from the clock; the 74 random bits keep ids made in the same millisecond apart.
    public static func timeOrdered(at instant: Date) -> UUID {
        let seconds = instant.timeIntervalSince1970
        let millis = seconds.isFinite ? UInt64(clamping: Int64(max(0, min((seconds * 1000).rounded(), Double(1 << 47))))) : 0
        var random = SystemRandomNumberGenerator()
        let a = random.next() as UInt64, b = random.next() as UInt64
        var bytes: [UInt8] = (0..<6).map { UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64($0))) }
        bytes += [0x70 | UInt8(truncatingIfNeeded: a >> 60), UInt8(truncatingIfNeeded: a >> 52)]  // version 7, 12 random bits
        bytes += [0x80 | UInt8(truncatingIfNeeded: b >> 58)]                                       // variant 10, then random
        bytes += (1..<8).map { UInt8(truncatingIfNeeded: b >> (56 - 8 * UInt64($0))) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

enum TextRules {
    static func isPlausibleEmail(_ email: String) -> Bool {
        guard email.count <= 254, !email.contains(where: { $0.isWhitespace }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        guard !domain.isEmpty, !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return false }
        return domain.contains(".") || domain == "localhost"
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return false }
        return true
    }

    static func isKnownTimeZone(_ identifier: String) -> Bool {
        TimeZone(identifier: identifier) != nil
    }
}

/// Characters that must not appear in what people name things: control characters (a NUL cuts a name
/// short in C-based storage and terminals) and bidirectional overrides and isolates, which make a name
/// display as something else ("gpj.exe" shown for "exe.jpg").
public enum UnsafeText {
    /// The first offending scalar in `text`, if any. Line breaks and tabs are allowed where `multiline`.
    public static func firstUnsafeScalar(in text: String, multiline: Bool = false) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: return !multiline
            case 0x00...0x1F, 0x7F...0x9F: return true
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
            default: return false
            }
        }
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return (0x202A...0x2069).contains(scalar.value) || scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C
            ? "must not contain text-direction control characters (found \(code))"
            : "must not contain control characters (found \(code))"
    }
}

extension Validator {
    /// Refuses control characters and direction overrides in `text`, naming `field`.
    public mutating func checkPrintable(_ text: String, _ field: String, multiline: Bool = false) {
        if let scalar = UnsafeText.firstUnsafeScalar(in: text, multiline: multiline) { add(field, UnsafeText.describe(scalar)) }
    }
}

/// Text made safe inside HTML and XML: the five characters that mean markup become entities.
public enum Markup {
    /// `&`, `<`, `>`, `"` and `'` as entities; with `dropControls`, control characters other than tab and line feed
    /// become spaces (XML 1.0 allows none of them, even as entities).
    public static func escape(_ value: String, dropControls: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case _ where dropControls && character.value < 0x20 && character != "\n" && character != "\t": out += " "
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
