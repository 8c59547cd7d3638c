import ArgumentParser
import Foundation

/// The async entry point. Spelled out inside an async function because from top-level code overload resolution
/// picks the synchronous `main`/`run`, which refuse (or skip) async commands.
enum Entry {
    static func start() async {
        let arguments = GlobalOptionHoist.rewrite(Array(CommandLine.arguments.dropFirst()))
        PluginStatus.refuseUnparsable(arguments)
        await VanityNS.main(arguments)
    }
}

await Entry.start()
