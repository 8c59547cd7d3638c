// swift-tools-version:6.0
import PackageDescription

/// vanityns: white-label name servers on Amazon Route 53, from a terminal.
///
/// Modules, from the edge inwards:
/// - `CCurl`, `CXML2`, `CNcursesw`, `CLDNS`, `CIDN2`, `CCares`: system libraries through pkg-config, with small C shims
///   where Swift cannot call the C API directly (variadic setopt, function-like macros).
/// - `CProcessGuard`: starting helpers (credential_process) with a clean signal state, ending them with vanityns.
/// - `CVersion`: the version `--version` prints, stamped by `make` at link time.
/// - `Route53`: credentials, SigV4, libcurl transport, XML codec, typed operations, retry and rate limiting.
/// - `Resolver`: DNS lookups and authoritative queries: ldns packets, sent by c-ares through one bounded scheduler.
/// - `WhiteLabel`: names and validation, the plan, apply with a journal, verify, drift.
/// - `Terminal`: the screen driver (ncurses and an in-memory twin), keys and colours.
/// - `Wizard`: the wizard's and browser's state, messages, update and view.
/// - `vanityns`: argument parsing and wiring.
let package = Package(
    name: "vanityns",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vanityns", targets: ["vanityns"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // No pkgConfig: ncursesw.pc adds -D_XOPEN_SOURCE flags SwiftPM refuses with a warning on every build; the
        // headers are in the default include path and the module map links the library.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CLDNS", pkgConfig: "ldns", providers: [.apt(["libldns-dev"])]),
        .systemLibrary(name: "CIDN2", pkgConfig: "libidn2", providers: [.apt(["libidn2-dev"])]),
        // c-ares: the DNS event loop every question goes through (ldns builds and reads the packets).
        .systemLibrary(name: "CCares", pkgConfig: "libcares", providers: [.apt(["libc-ares-dev"])]),
        // Header only: the version string, stamped at link time by `make` (see Sources/CVersion/shim.h).
        .systemLibrary(name: "CVersion"),
        // posix_spawn with a clean signal state, and the guard that ends children with vanityns (a signal handler in C).
        .target(name: "CProcessGuard"),
        .target(name: "Route53", dependencies: [
            "CCurl", "CXML2", "CProcessGuard",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Resolver", dependencies: ["CLDNS", "CCares"]),
        .target(name: "WhiteLabel", dependencies: ["Route53", "Resolver", "CIDN2", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Terminal", dependencies: ["CNcursesw"]),
        .target(name: "Wizard", dependencies: ["Terminal", "WhiteLabel", "Route53", "Resolver"]),
        .executableTarget(name: "vanityns", dependencies: [
            "Route53", "Resolver", "WhiteLabel", "Terminal", "Wizard", "CVersion",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "TestSupport", dependencies: ["Route53", "Resolver"], path: "Tests/TestSupport"),
        .testTarget(name: "Route53Tests", dependencies: ["Route53", "TestSupport"]),
        .testTarget(name: "ResolverTests", dependencies: ["Resolver", "TestSupport"]),
        .testTarget(name: "WhiteLabelTests", dependencies: ["WhiteLabel", "TestSupport"]),
        .testTarget(name: "WizardTests", dependencies: ["Wizard", "Terminal", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Resolver"]),
    ]
)

// libFuzzer targets (Fuzz/, one per reader of outside input), added only when scripts/fuzz.sh builds them into
// .build-fuzz with -sanitize=fuzzer: a normal build never sees them (they need libFuzzer's driver to link).
if Context.environment["VANITYNS_FUZZ"] == "1" {
    let fuzzTargets: [(String, Target.Dependency)] = [
        ("FuzzXML", "Route53"), ("FuzzDomainsJSON", "Route53"), ("FuzzCredentialJSON", "Route53"),
        ("FuzzConfig", "Route53"), ("FuzzDNS", "Resolver"), ("FuzzNames", "WhiteLabel"),
    ]
    for (name, dependency) in fuzzTargets {
        package.targets.append(.executableTarget(name: name, dependencies: [dependency, "FuzzSupport"], path: "Fuzz/\(name)"))
    }
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
}
