import ArgumentParser
import Foundation

await VanityNS.main(GlobalOptionHoist.rewrite(Array(CommandLine.arguments.dropFirst())))
