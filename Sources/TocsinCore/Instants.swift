import Foundation

/// The instants Tocsin accepts from anyone: years 1900 to 9999. Date parsers take any number of year digits,
/// and a date hundreds of thousands of years away overflows the PostgreSQL driver's microsecond count (a trap),
/// so every parser of outside input checks this range.
public enum Instants {
    /// 1900-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: -2_208_988_800)
    /// 9999-12-31T23:59:59Z.
    public static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    public static func isPlausible(_ date: Date) -> Bool {
        date >= earliest && date <= latest
    }

    public static let outOfRange = "must be between the years 1900 and 9999"
}

/// ISO 8601 / RFC 3339 instants, with or without fractional seconds, in the years `Instants` accepts.
public enum ISO8601 {
    public static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return Instants.isPlausible(date) ? date : nil }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text).flatMap { Instants.isPlausible($0) ? $0 : nil }
    }
}

extension Validator {
    /// An optional instant from outside (a query or body field): nil when absent or empty; when it is not an
    /// ISO 8601 instant in the years `Instants` accepts, nil with the reason recorded on `field`.
    public mutating func instant(_ text: String?, _ field: String) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        guard let date = ISO8601.parse(text) else {
            add(field, "must be an ISO 8601 date-time with an offset, e.g. 2026-11-23T02:00:00Z, in the years 1900 to 9999")
            return nil
        }
        return date
    }

    /// A required instant: as `instant`, and an empty text is refused too.
    public mutating func requiredInstant(_ text: String, _ field: String) -> Date? {
        guard !text.isEmpty else {
            add(field, "is required: an ISO 8601 date-time with an offset, e.g. 2026-11-23T02:00:00Z")
            return nil
        }
        return instant(text, field)
    }

    /// An interval a question may cover: the end after the start, and at most `maximumDays` long (reported on the end).
    public mutating func checkInterval(_ start: Date, _ end: Date, startField: String, endField: String, maximumDays: Int) {
        check(end > start, endField, "must be after \(startField)")
        check(end.timeIntervalSince(start) <= Double(maximumDays) * 86_400, endField, "must be within \(maximumDays) days of \(startField)")
    }
}

extension Duration {
    /// In seconds, as `Date` arithmetic takes them.
    public var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
