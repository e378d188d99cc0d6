import Foundation
import TocsinCore

/// Renders form fields with the values a user typed and the errors found in them. Errors are told in the form's
/// words: each field drawn records its label, and `banner(above:)` names a field by it.
struct FormView {
    var values: [String: [String]] = [:]
    var errors: [FieldError] = []
    /// A problem not tied to one field.
    var message: String?
    /// The labels of the fields drawn so far, shared by copies of this view (a layer's fieldset draws from a copy).
    private let labels = Labels()

    final class Labels {
        var byField: [String: String] = [:]
    }

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

    /// The form with, above it, what is wrong: every error under the label of its field (a link to it), never
    /// the field's internal name. `form` is drawn first, so the labels of its fields are known here.
    func banner(above form: HTML) -> HTML {
        "\(banner)\(form)"
    }

    /// The banner alone, for a form drawn before it; fields not drawn yet are named by `FormView.spoken`.
    var banner: HTML {
        var lines: [HTML] = message.map { ["<p>\($0)</p>"] } ?? []
        for error in errors {
            let base = String(error.field.prefix { $0 != "[" && $0 != "." })
            if let label = labels.byField[error.field] ?? labels.byField[base] {
                let field = labels.byField[error.field] == nil ? base : error.field
                lines.append("<p><a href=\"#\(field)\">\(label)</a>: \(error.reason)</p>")
            } else {
                lines.append("<p>\(Self.spoken(error.field)): \(error.reason)</p>")
            }
        }
        guard !lines.isEmpty else { return "" }
        return "<div class=\"alert\" role=\"alert\">\(lines)</div>"
    }

    /// A field's name in words when no label was drawn for it: "team_id" is "Team", "links[0].url" is "Links, 1: url".
    static func spoken(_ field: String) -> String {
        var words = field.replacingOccurrences(of: "_id", with: "").replacingOccurrences(of: "_", with: " ")
        words = words.replacingOccurrences(of: "].", with: ": ").replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: ": ")
        if let open = words.firstIndex(of: "[") {
            let digits = words[words.index(after: open)...].prefix { $0.isNumber }
            // Field names can come from the request: only a small index is spoken as a number (no overflow on + 1).
            if digits.count <= 6, let index = Int(digits) {
                words.replaceSubrange(open..<words.index(open, offsetBy: digits.count + 1), with: ", \(index + 1)")
            }
            words = words.replacingOccurrences(of: "[", with: " ")
        }
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// Records the words a person sees for a field: `named` where the label alone does not say which (a layer's "Name").
    /// Fields drawn without these helpers (a list of choices) record theirs here too.
    func record(_ name: String, _ label: String, named: String?) {
        labels.byField[name] = named ?? label
    }

    private func described(_ name: String) -> HTML {
        errors.contains { $0.field == name || $0.field.hasPrefix(name + "[") } ? " aria-invalid=\"true\" aria-describedby=\"\(name)-error\"" : ""
    }

    func input(_ name: String, _ label: String, type: String = "text", required: Bool = false, hint: String? = nil,
               autocomplete: String? = nil, keepValue: Bool = true, named: String? = nil) -> HTML {
        record(name, label, named: named)
        let requiredAttribute: HTML = required ? " required" : ""
        let auto: HTML = autocomplete.map { " autocomplete=\"\($0)\"" } ?? ""
        let hintHTML: HTML = hint.map { "<small class=\"hint\">\($0)</small>" } ?? ""
        let shown = keepValue ? value(name) : ""
        return """
        <label for="\(name)">\(label)</label>
        <input id="\(name)" name="\(name)" type="\(type)" value="\(shown)"\(requiredAttribute)\(auto)\(described(name))>
        \(hintHTML)\(errorText(name))
        """
    }

    func textarea(_ name: String, _ label: String, hint: String? = nil, named: String? = nil) -> HTML {
        record(name, label, named: named)
        let hintHTML: HTML = hint.map { "<small class=\"hint\">\($0)</small>" } ?? ""
        return """
        <label for="\(name)">\(label)</label>
        <textarea id="\(name)" name="\(name)" rows="4"\(described(name))>\(value(name))</textarea>
        \(hintHTML)\(errorText(name))
        """
    }

    func select(_ name: String, _ label: String, options: [(value: String, label: String)], multiple: Bool = false, hint: String? = nil,
                named: String? = nil) -> HTML {
        record(name, label, named: named)
        let chosen = Set(values[name] ?? [])
        let optionHTML = options.map { option -> HTML in
            let selected: HTML = chosen.contains(option.value) ? " selected" : ""
            return "<option value=\"\(option.value)\"\(selected)>\(option.label)</option>"
        }
        let multipleAttribute: HTML = multiple ? " multiple size=\"\(min(8, max(3, options.count)))\"" : ""
        let hintHTML: HTML = hint.map { "<small class=\"hint\">\($0)</small>" } ?? ""
        return """
        <label for="\(name)">\(label)</label>
        <select id="\(name)" name="\(name)"\(multipleAttribute)\(described(name))>\(optionHTML)</select>
        \(hintHTML)\(errorText(name))
        """
    }

    /// A checkbox with its label beside it, on one line, the whole line clickable; ticked when `value` was sent.
    func checkbox(_ name: String, _ label: String, value: String = "on", hint: String? = nil, named: String? = nil) -> HTML {
        record(name, label, named: named)
        let checked: HTML = values[name]?.contains(value) == true ? " checked" : ""
        let hintHTML: HTML = hint.map { "<small class=\"hint\">\($0)</small>" } ?? ""
        return """
        <label class="check"><input type="checkbox" name="\(name)" value="\(value)"\(checked)> <span>\(label)</span></label>\(hintHTML)
        """
    }

    /// UTC first (Linux's list of known zones leaves it out), then every IANA zone.
    static let timeZoneOptions: [(value: String, label: String)] =
        [("UTC", "UTC")] + TimeZone.knownTimeZoneIdentifiers.filter { $0 != "UTC" }.sorted().map { ($0, $0) }
}
