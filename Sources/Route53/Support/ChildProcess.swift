import Foundation

/// Runs a program to its end and captures what it prints. Blocks the calling thread: call it off Swift's
/// cooperative pool. Used for `credential_process`, and by the tests to run the real binary and Python checks.
public enum ChildProcess {
    /// A finished program: exit status and everything it wrote.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
    }

    /// Starts `path` with `arguments` and exactly `environment`, feeds it `stdin` (nothing: /dev/null), and waits.
    /// Both pipes are read at once, so a child that fills one while the other is read cannot block.
    public static func run(_ path: String, _ arguments: [String], environment: [String: String], stdin: Data? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        let input = stdin.map { _ in Pipe() }
        p.standardInput = input ?? FileHandle.nullDevice
        try p.run()
        if let input, let stdin {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: outData, stderr: errBox.data)
    }
}
