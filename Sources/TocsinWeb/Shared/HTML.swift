import TocsinCore

/// A fragment of HTML that is safe to send. Only string literals written in this code are taken as
/// markup; every interpolated `String` is escaped (quotes too, so it is safe inside a quoted
/// attribute), and only other `HTML` values are inserted as they are.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public fileprivate(set) var rendered: String

    public init(stringLiteral value: String) {
        rendered = value
    }

    public init(stringInterpolation: Interpolation) {
        rendered = stringInterpolation.output
    }

    public var description: String { rendered }

    public static let empty: HTML = ""

    /// Escaped text.
    public static func text(_ value: String) -> HTML {
        HTML(escaping: value)
    }

    private init(escaping value: String) {
        rendered = HTML.escape(value)
    }

    public static func escape(_ value: String) -> String { Markup.escape(value) }

    public struct Interpolation: StringInterpolationProtocol {
        var output = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            output.reserveCapacity(literalCapacity * 2)
        }

        public mutating func appendLiteral(_ literal: String) {
            output += literal
        }

        public mutating func appendInterpolation(_ value: String) {
            output += HTML.escape(value)
        }

        public mutating func appendInterpolation(_ value: String?) {
            output += HTML.escape(value ?? "")
        }

        public mutating func appendInterpolation(_ value: some BinaryInteger) {
            output += String(value)
        }

        public mutating func appendInterpolation(_ value: HTML) {
            output += value.rendered
        }

        public mutating func appendInterpolation(_ values: [HTML]) {
            for value in values { output += value.rendered }
        }

        /// A link target: only http(s) and paths on this server, so a stored `javascript:` URL stays inert.
        public mutating func appendInterpolation(url: String) {
            output += HTML.escape(HTML.safeURL(url))
        }
    }

    static func safeURL(_ url: String) -> String {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") { return url }
        if url.hasPrefix("/") && !url.hasPrefix("//") { return url }
        return "#"
    }
}

extension Array where Element == HTML {
    /// Linear in the total length (appending, never copying what was joined so far).
    public func joined(separator: HTML) -> HTML {
        var out = HTML.empty
        for (index, element) in enumerated() {
            if index > 0 { out.rendered += separator.rendered }
            out.rendered += element.rendered
        }
        return out
    }
}
