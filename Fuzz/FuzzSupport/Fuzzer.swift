#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                       _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer's driver (flags, corpus folders, crash files, final stats) over one target's body.
///
/// A fuzz target is an executable whose `@main` calls `Fuzzer.run`: SwiftPM names an executable's entry point
/// after its module and links `main` to it, so libFuzzer's own `main` cannot be used; `LLVMFuzzerRunDriver` is
/// the same driver behind a call.
public enum Fuzzer {
    nonisolated(unsafe) private static var body: (UnsafeRawBufferPointer) -> Void = { _ in }

    /// Feeds every input libFuzzer makes to `one` (a crash, trap or sanitizer report in it is a finding) and exits
    /// with the driver's status.
    public static func run(_ one: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
        body = one
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv) { data, count in
            Fuzzer.body(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : count))
            return 0
        })
    }
}
