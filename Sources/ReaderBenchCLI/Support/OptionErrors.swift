/// What to tell a user whose command line swift-argument-parser rejected.
///
/// The parser reads `-1` as a short option, so `--iterations -1` comes back as "Missing value
/// for '--iterations'": true to the parser, useless to a person. No readerbench option takes a
/// negative number, so a negative number after an option is named as the problem instead.
enum OptionErrors {
    /// The first option followed by a negative number (`--iterations -1`), if any.
    static func negativeNumber(in arguments: [String]) -> (option: String, value: String)? {
        for index in arguments.indices.dropFirst() where isNegativeNumber(arguments[index]) {
            let option = arguments[index - 1]
            if option.hasPrefix("-") && !isNegativeNumber(option) { return (option, arguments[index]) }
        }
        return nil
    }

    /// `-1`, `-0.5`: a minus sign, digits, at most one decimal point.
    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count > 1 else { return false }
        let body = text.dropFirst()
        return body.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && body.filter { $0 == "." }.count <= 1
            && body.first != "."
    }

    /// The parser's message (with its usage lines), its first line replaced by a plain one when
    /// the problem is a negative number.
    static func message(for arguments: [String], parserMessage: String) -> String {
        guard let (option, value) = negativeNumber(in: arguments) else { return parserMessage }
        let rest = parserMessage.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0.hasPrefix("Error:") }
        let first = "Error: \(option) \(value) is a negative number; no readerbench option takes one"
        return ([first] + rest.map(String.init)).joined(separator: "\n")
    }
}
