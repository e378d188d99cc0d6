import Foundation
import TocsinCore

/// Renders form fields with the values a user typed and the errors found in them.
struct FormView {
    var values: [String: [String]] = [:]
    var errors: [FieldError] = []
    /// A problem not tied to one field.
    var message: String?

    init(values: [String: String] = [:], errors: [FieldError] = [], message: String? = nil) {
        self.values = values.mapValues { [$0] }
        self.errors = errors
        self.message = message
    }

    init(form: Form, error: any Error) {
        values = form.values
        switch error {
        case DomainError.validation(let fields): errors = fields
        case DomainError.conflict(let text, let field):
            if let field { errors = [FieldError(field, text)] } else { message = text }
        case let error as DomainError: message = error.description
        default: message = "Something went wrong; nothing was saved."
        }
    }

    func value(_ name: String) -> String { values[name]?.first ?? "" }

    func errorText(_ name: String) -> HTML {
        let matching = errors.filter { $0.field == name || $0.field.hasPrefix(name + "[") || $0.field.hasPrefix(name + ".") }
        guard !matching.isEmpty else { return "" }
        return "<p class=\"field-error\" id=\"\(name)-error\">\(matching.map(\.reason).joined(separator: "; "))</p>"
    }

    var banner: HTML {
        let unplaced = errors.filter { !["name", "email", "password", "password_confirm", "time_zone", "role", "description", "tier",
                                         "team_id", "links", "depends_on", "member_ids", "grouping_", "summary", "details", "source", "reporter", "severity", "matchers", "service_id", "duration", "comment",
                                         "conditions", "action", "route_to", "kind", "days", "start", "end"].contains(where: $0.field.hasPrefix) }
        var lines = unplaced.map { "\($0.field): \($0.reason)" }
        if let message { lines.insert(message, at: 0) }
        if lines.isEmpty && !errors.isEmpty { lines = ["Please correct the fields marked below."] }
        guard !lines.isEmpty else { return "" }
        return "<div class=\"alert\" role=\"alert\">\(lines.map { line -> HTML in "<p>\(line)</p>" })</div>"
    }

    private func described(_ name: String) -> HTML {
        errors.contains { $0.field == name || $0.field.hasPrefix(name + "[") } ? " aria-invalid=\"true\" aria-describedby=\"\(name)-error\"" : ""
    }

    func input(_ name: String, _ label: String, type: String = "text", required: Bool = false, hint: String? = nil,
               autocomplete: String? = nil, keepValue: Bool = true) -> HTML {
        let requiredAttribute: HTML = required ? " required" : ""
        let auto: HTML = autocomplete.map { " autocomplete=\"\($0)\"" } ?? ""
        let hintHTML: HTML = hint.map { "<small>\($0)</small>" } ?? ""
        let shown = keepValue ? value(name) : ""
        return """
        <label for="\(name)">\(label)</label>
        <input id="\(name)" name="\(name)" type="\(type)" value="\(shown)"\(requiredAttribute)\(auto)\(described(name))>
        \(hintHTML)\(errorText(name))
        """
    }

    func textarea(_ name: String, _ label: String, hint: String? = nil) -> HTML {
        let hintHTML: HTML = hint.map { "<small>\($0)</small>" } ?? ""
        return """
        <label for="\(name)">\(label)</label>
        <textarea id="\(name)" name="\(name)" rows="4"\(described(name))>\(value(name))</textarea>
        \(hintHTML)\(errorText(name))
        """
    }

    func select(_ name: String, _ label: String, options: [(value: String, label: String)], multiple: Bool = false, hint: String? = nil) -> HTML {
        let chosen = Set(values[name] ?? [])
        let optionHTML = options.map { option -> HTML in
            let selected: HTML = chosen.contains(option.value) ? " selected" : ""
            return "<option value=\"\(option.value)\"\(selected)>\(option.label)</option>"
        }
        let multipleAttribute: HTML = multiple ? " multiple size=\"\(min(8, max(3, options.count)))\"" : ""
        let hintHTML: HTML = hint.map { "<small>\($0)</small>" } ?? ""
        return """
        <label for="\(name)">\(label)</label>
        <select id="\(name)" name="\(name)"\(multipleAttribute)\(described(name))>\(optionHTML)</select>
        \(hintHTML)\(errorText(name))
        """
    }

    /// UTC first (Linux's list of known zones leaves it out), then every IANA zone.
    static let timeZoneOptions: [(value: String, label: String)] =
        [("UTC", "UTC")] + TimeZone.knownTimeZoneIdentifiers.filter { $0 != "UTC" }.sorted().map { ($0, $0) }
}
