import Foundation
import TocsinCore

/// The limits every API call and every page form runs under, in one place (docs/limits.md lists them).
/// A request over a limit is refused with a 4xx naming it; nothing is cut silently.
enum RequestLimits {
    /// Bodies above this are refused with 413 before they are read in full.
    static let bodyBytes = 1 << 20
    /// Items in any one JSON array of an API body (schedules hold at most 20 layers of 100 people, so this is generous).
    static let listItems = 1000
    /// Name=value pairs in one form body.
    static let formFields = 2000
    /// Values of one repeated form field (a multiple-choice list).
    static let formValuesPerField = 1000

    /// The first array in `value` longer than the limit, as a field error with its path.
    static func checkLists(_ value: JSONValue, path: String = "") throws {
        switch value {
        case .array(let items):
            if items.count > listItems {
                throw DomainError.invalid(path.isEmpty ? "body" : path, "must have at most \(listItems) items (it has \(items.count))")
            }
            for (index, item) in items.enumerated() { try checkLists(item, path: "\(path)[\(index)]") }
        case .object(let members):
            if members.count > listItems {
                throw DomainError.invalid(path.isEmpty ? "body" : path, "must have at most \(listItems) members (it has \(members.count))")
            }
            for (key, member) in members { try checkLists(member, path: path.isEmpty ? key : "\(path).\(key)") }
        default:
            return
        }
    }
}
