import Foundation

extension String {
    /// Trimmed of surrounding white space and newlines.
    public var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Trimmed, or nil when nothing is left.
    public var nonBlank: String? {
        let t = trimmed
        return t.isEmpty ? nil : t
    }
}

extension UUID {
    /// An id as text: lowercase, as it is stored on both databases and written in every answer and link.
    public var db: String { uuidString.lowercased() }
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
