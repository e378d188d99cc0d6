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
