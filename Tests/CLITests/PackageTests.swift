import Foundation
import Testing
import TestSupport

/// The .deb that `make deb` builds, unpacked into a temporary root and run from there the way a server without a
/// Swift toolchain runs it: no Swift runtime linked, `--version`, `--help` and `sets list` against moto, the man page
/// renders, the completions load in their shells. `make test` builds the .deb and names it in VANITYNS_DEB; a bare
/// `swift test` skips this suite and says why, and a VANITYNS_DEB naming no file fails it.
@Suite(.serialized, .enabled(if: BuiltPackage.path != nil, "VANITYNS_DEB is not set: `make test` builds the .deb and sets it"))
final class PackageTests {
    /// A PATH without the Swift toolchain.
    static let systemPath = "/usr/bin:/bin"

    let root: URL
    var binary: String { root.appendingPathComponent("usr/bin/vanityns").path }
    func file(_ path: String) -> String { root.appendingPathComponent(path).path }

    init() throws {
        let deb = try #require(BuiltPackage.path)
        try #require(FileManager.default.fileExists(atPath: deb), "VANITYNS_DEB=\(deb): no such file; run `make deb`")
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vanityns-deb-\(UUID().uuidString)")
        try LocalServices.run("/usr/bin/dpkg-deb", ["-x", deb, root.path])
    }
    deinit { try? FileManager.default.removeItem(at: root) }

    /// Runs a shell tool from the system PATH with a clean environment (no LD_LIBRARY_PATH, no toolchain).
    func system(_ args: [String], env: [String: String] = [:]) throws -> LocalServices.Output {
        let vars = ["PATH": Self.systemPath, "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8"].merging(env) { $1 }
        return try LocalServices.run("/usr/bin/env", ["-i"] + vars.map { "\($0)=\($1)" } + args, check: false)
    }

    /// The .deb's upstream version: its Version field without the Debian revision (`0.4.0+g1a2b3c4-1` -> `0.4.0+g1a2b3c4`).
    var upstreamVersion: String {
        get throws {
            let field = try LocalServices.run("/usr/bin/dpkg-deb", ["-f", try #require(BuiltPackage.path), "Version"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return String(field[..<(field.lastIndex(of: "-") ?? field.endIndex)])
        }
    }

    /// What scripts/version.sh says now: the VERSION file's release number, with `+g<hash>` between releases.
    var scriptVersion: String {
        get throws {
            try LocalServices.run(LocalServices.packageRoot.appendingPathComponent("scripts/version.sh").path, [])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func installsWhereEachToolLooks() {
        for path in ["usr/bin/vanityns", "usr/share/man/man1/vanityns.1.gz", "usr/share/bash-completion/completions/vanityns",
                     "usr/share/zsh/vendor-completions/_vanityns", "usr/share/fish/vendor_completions.d/vanityns.fish",
                     "usr/share/doc/vanityns/copyright", "usr/share/doc/vanityns/changelog.Debian.gz"] {
            #expect(FileManager.default.fileExists(atPath: file(path)), "\(path) missing from the .deb")
        }
    }

    /// The watch service as systemd reads it: both units pass `systemd-analyze verify` (the unpacked root given as
    /// --root, with the host's own units beside ours for the targets they name, and the man page they cite found),
    /// hardened, and not enabled; the example watch.conf is a conffile.
    @Test func watchUnitsVerifyAndShipDisabled() throws {
        let units = ["lib/systemd/system/vanityns-watch.service", "lib/systemd/system/vanityns-watch.timer"]
        for path in units + ["etc/vanityns/watch.conf"] {
            #expect(FileManager.default.fileExists(atPath: file(path)), "\(path) missing from the .deb")
        }
        let hostUnits = file("usr/lib/systemd/system")
        try FileManager.default.createDirectory(atPath: hostUnits, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: "/lib/systemd/system") where !name.hasPrefix("vanityns") {
            try? FileManager.default.copyItem(atPath: "/lib/systemd/system/" + name, toPath: hostUnits + "/" + name)
        }
        let verify = try system(["systemd-analyze", "verify", "--root=\(root.path)"] + units.map { "/" + $0 },
                                env: ["MANPATH": file("usr/share/man")])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stderr.isEmpty, "systemd-analyze warns: \(verify.stderr)")

        let service = try String(contentsOfFile: file(units[0]), encoding: .utf8)
        for line in ["Type=oneshot", "ExecStart=/usr/bin/vanityns watch --once --config /etc/vanityns/watch.conf", "DynamicUser=yes",
                     "StateDirectory=vanityns", "ProtectSystem=strict", "NoNewPrivileges=yes", "ProtectHome=yes", "CapabilityBoundingSet="] {
            #expect(service.contains(line), "the service lacks \(line)")
        }
        let timer = try String(contentsOfFile: file(units[1]), encoding: .utf8)
        #expect(timer.contains("OnCalendar=*:0/15") && timer.contains("RandomizedDelaySec=") && timer.contains("WantedBy=timers.target"), "\(timer)")
        // Disabled until the operator enables it: no enablement symlink, no maintainer script that would make one.
        #expect(!FileManager.default.fileExists(atPath: file("etc/systemd")), "the package must not enable the timer")
        let control = root.appendingPathComponent("DEBIAN-control").path
        _ = try LocalServices.run("/usr/bin/dpkg-deb", ["-e", try #require(BuiltPackage.path), control])
        #expect(try String(contentsOfFile: control + "/conffiles", encoding: .utf8) == "/etc/vanityns/watch.conf\n")
        #expect(!FileManager.default.fileExists(atPath: control + "/postinst"), "no maintainer script")

        let man = try system(["man", "-l", file("usr/share/man/man1/vanityns.1.gz")], env: ["MANWIDTH": "100"])
        #expect(man.stdout.contains("watch") && man.stdout.contains("--metrics-file"), "the man page documents watch")
    }

    @Test func linksNoSwiftRuntime() throws {
        let ldd = try system(["ldd", binary])
        #expect(ldd.status == 0, "\(ldd.stderr)")
        #expect(ldd.stdout.contains("libcurl.so.4"), "\(ldd.stdout)")
        for line in ldd.stdout.split(separator: "\n") {
            for bad in ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "/opt/swift", "not found"] {
                #expect(!line.contains(bad), "ldd: \(line)")
            }
        }
    }

    @Test func versionAndHelpAnswerWithoutTheToolchain() throws {
        let env = CLI.environment(["PATH": Self.systemPath])
        let version = try CLI.run(["--version"], env: env, binary: binary)
        #expect(version.status == 0, "\(version.stderr)")
        // `vanityns 0.4.0` (a release) or `vanityns 0.4.0+g1a2b3c4` (between releases): the .deb's upstream version,
        // and what scripts/version.sh makes of the VERSION file, the one place the number is written.
        let printed = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed == "vanityns " + (try upstreamVersion), "\(printed)")
        #expect(printed == "vanityns " + (try scriptVersion), "\(printed): was the .deb built from this checkout?")
        let release = try String(contentsOf: LocalServices.packageRoot.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed.range(of: #"^vanityns [0-9]+\.[0-9]+\.[0-9]+(\+g[0-9a-f]{7,}(\.dirty)?)?$"#, options: .regularExpression) != nil,
                "\(printed): not a numbered version")
        #expect(printed.hasPrefix("vanityns \(release)"), "\(printed) does not start with VERSION's \(release)")
        let help = try CLI.run(["--help"], env: env, binary: binary)
        #expect(help.status == 0, "\(help.stderr)")
        for word in ["USAGE:", "sets", "zones", "verify"] { #expect(help.stdout.contains(word), "\(help.stdout)") }
    }

    @Test func setsListWorksAgainstMoto() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let id = try moto.boto3("print(r53.create_reusable_delegation_set(CallerReference='deb-test')['DelegationSet']['Id'])")
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").last.map(String.init)
        let list = try CLI.run(["sets", "list"], env: CLI.environment(moto.environment.merging(["PATH": Self.systemPath]) { $1 }),
                               binary: binary)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains(try #require(id)), "\(list.stdout)")
    }

    @Test func manPageRenders() throws {
        let man = try system(["man", "-l", file("usr/share/man/man1/vanityns.1.gz")], env: ["MANWIDTH": "80"])
        #expect(man.status == 0, "\(man.stderr)")
        for word in ["NAME", "SYNOPSIS", "DESCRIPTION", "sets", "zones", "plan", "apply", "verify", "rollback"] {
            #expect(man.stdout.contains(word), "man page lacks \(word)")
        }
    }

    @Test func bashCompletionLoads() throws {
        let bash = try system(["bash", "--norc", "--noprofile", "-c",
                               "source \"$0\" && complete -p vanityns", file("usr/share/bash-completion/completions/vanityns")])
        #expect(bash.status == 0, "\(bash.stderr)")
        #expect(bash.stderr.isEmpty, "\(bash.stderr)")
        #expect(bash.stdout.contains("vanityns"), "\(bash.stdout)")
    }

    /// As zsh finds it: from a folder on fpath, registered by compinit and its function loaded.
    @Test func zshCompletionLoads() throws {
        let dir = file("usr/share/zsh/vendor-completions")
        let syntax = try system(["zsh", "-n", dir + "/_vanityns"])
        #expect(syntax.status == 0, "\(syntax.stderr)")
        let zsh = try system(["zsh", "-f", "-c", "fpath=(\"$0\" $fpath); autoload -U compinit; compinit -u -D; "
                              + "print -r -- $_comps[vanityns]; autoload -Uz +X _vanityns", dir])
        #expect(zsh.status == 0, "\(zsh.stderr)")
        #expect(zsh.stderr.isEmpty, "\(zsh.stderr)")
        #expect(zsh.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "_vanityns")
    }

    @Test(.enabled(if: BuiltPackage.fishInstalled, "fish is not installed"))
    func fishCompletionLoads() throws {
        let fish = try system(["fish", "--no-config", "-c", "source $argv[1]; and complete -c vanityns",
                               file("usr/share/fish/vendor_completions.d/vanityns.fish")])
        #expect(fish.status == 0, "\(fish.stderr)")
        #expect(fish.stderr.isEmpty, "\(fish.stderr)")
        #expect(fish.stdout.contains("vanityns"), "\(fish.stdout)")
    }
}

/// What the suite's traits ask before it starts (a trait cannot refer to the suite's own members).
enum BuiltPackage {
    /// VANITYNS_DEB, the .deb under test.
    static var path: String? { ProcessInfo.processInfo.environment["VANITYNS_DEB"].flatMap { $0.isEmpty ? nil : $0 } }
    static var fishInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/fish") }
}
