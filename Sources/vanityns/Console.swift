import ArgumentParser
import Foundation

/// Printing, tables, confirmation and the failure exit path shared by every command.
enum Console {
    /// Writes a line to stdout at once, unbuffered: progress lines reach a log file or a pipe as they happen.
    static func out(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }

    /// Writes a line to stderr.
    static func error(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    /// True when stdin and stdout are both terminals.
    static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

    /// Colour on stdout: a terminal, and NO_COLOR unset or empty.
    static var useColor: Bool {
        isatty(1) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Colour on stderr (where batches are shown before confirmation).
    static var stderrColor: Bool {
        isatty(2) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Prints `message` on stderr as `vanityns: message` and returns the failure exit code to throw.
    static func fail(_ message: String, code: Int32 = 1) -> ExitCode {
        error("vanityns: " + message.replacingOccurrences(of: "\n", with: "\n  "))
        return ExitCode(code)
    }

    /// Asks a yes/no question on the terminal. With `assumeYes` answers yes; without a terminal refuses.
    /// - Throws: `ExitCode(1)` with a message when there is no terminal to ask on.
    static func confirm(_ question: String, assumeYes: Bool) throws -> Bool {
        if assumeYes { return true }
        guard isatty(0) == 1 else {
            throw fail("refusing to change anything without confirmation: standard input is not a terminal; rerun with --yes to confirm")
        }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// Prints `value` as pretty JSON (AWS CLI member names).
    static func json<T: Encodable>(_ value: T) throws {
        out(String(decoding: try CLIJSON.encoder.encode(value), as: UTF8.self))
    }
}

/// JSON encoding with the AWS CLI's look: PascalCase keys come from the output structs' own names.
enum CLIJSON {
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }
}

/// An aligned text table with a header row; columns are as wide as their widest cell.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as lines, two spaces between columns, no trailing spaces.
    func render() -> String {
        let all = [header] + rows
        let count = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for r in all { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return all.map { r in
            r.enumerated().map { i, c in i == r.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }
}
