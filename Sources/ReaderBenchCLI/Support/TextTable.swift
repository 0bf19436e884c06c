/// A table of text for people: the first column left-aligned, every other column right-aligned
/// under its header, each as wide as its widest cell, two spaces apart.
///
/// Widths come from the cells rather than fixed numbers, so a header stays above its numbers
/// whatever their width (a 1000 ms value prints as `1234.5`, one character more than `12.345`),
/// and numbers line up on their last digit as in the `run` summary.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(header: [String]) { self.header = header }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The header and the rows, each prefixed by `indent`, without trailing spaces.
    func lines(indent: String = "") -> [String] {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return all.map { row in
            var line = indent
            for (column, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                if column == 0 {
                    line += cell + pad
                } else {
                    line += "  " + pad + cell
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
