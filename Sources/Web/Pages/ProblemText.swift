import Domain

extension ValidationProblem {
    /// The problem in the page's language: the catalog's `problem_<code>` with its values put in,
    /// or the English message where the problem has no code yet.
    func said(in t: [String: String]) -> String {
        guard let code, var text = t["problem_\(code.rawValue)"] else { return message }
        for (name, value) in values ?? [:] {
            // a risk level by its name in the language
            let shown = name == "computed" ? t["risklevel_\(value)"] ?? value : value
            text = text.replacingOccurrences(of: "{\(name)}", with: shown)
        }
        return text
    }
}
