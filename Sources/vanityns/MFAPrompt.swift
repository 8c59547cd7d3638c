import Foundation
import Route53
#if canImport(Glibc)
import Glibc
#endif

/// Asks for an MFA code on the terminal, as the AWS CLI does (`Enter MFA code for SERIAL: `), with echo off. Only
/// when standard input is a terminal; otherwise it throws `CredentialServices.MFAUnavailable` and the provider
/// explains what to do. The wizard asks here too, before its screen opens.
enum MFAPrompt {
    static let ask: @Sendable (String) async throws -> String = { serial in
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try read(serial)) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    private static func read(_ serial: String) throws -> String {
        guard isatty(0) == 1 else { throw CredentialServices.MFAUnavailable() }
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw CredentialServices.MFAUnavailable() }
        defer { close(fd) }
        let prompt = "Enter MFA code for \(serial): "
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var saved = termios()
        let haveTermios = tcgetattr(fd, &saved) == 0
        if haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if haveTermios { _ = tcsetattr(fd, TCSAFLUSH, &saved) }
            _ = "\n".withCString { write(fd, $0, 1) }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 64, Glibc.read(fd, &byte, 1) == 1, byte != 10, byte != 13 { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
}
