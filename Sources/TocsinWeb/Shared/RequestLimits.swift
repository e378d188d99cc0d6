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

    /// The first array or object in `value` with more entries than the limit, as a field error with its path.
    /// The path is kept as parts and written out only for the error, so deep or wide bodies cost no string building.
    static func checkLists(_ value: JSONValue) throws {
        var path: [PathPart] = []
        try checkLists(value, path: &path)
    }

    enum PathPart { case index(Int), key(String) }

    private static func checkLists(_ value: JSONValue, path: inout [PathPart]) throws {
        switch value {
        case .array(let items):
            if items.count > listItems {
                throw DomainError.invalid(written(path), "must have at most \(listItems) items (it has \(items.count))")
            }
            for (index, item) in items.enumerated() where item.isContainer {
                path.append(.index(index))
                try checkLists(item, path: &path)
                path.removeLast()
            }
        case .object(let members):
            if members.count > listItems {
                throw DomainError.invalid(written(path), "must have at most \(listItems) members (it has \(members.count))")
            }
            for (key, member) in members where member.isContainer {
                path.append(.key(key))
                try checkLists(member, path: &path)
                path.removeLast()
            }
        default:
            return
        }
    }

    /// `layers[0].members`, or `body` for the whole; keys are cut to 100 characters, since they are the sender's.
    static func written(_ path: [PathPart]) -> String {
        guard !path.isEmpty else { return "body" }
        var text = ""
        for part in path {
            switch part {
            case .index(let index): text += "[\(index)]"
            case .key(let key): text += (text.isEmpty ? "" : ".") + key.prefix(100)
            }
        }
        return text
    }
}

private extension JSONValue {
    var isContainer: Bool {
        switch self {
        case .array, .object: return true
        default: return false
        }
    }
}
