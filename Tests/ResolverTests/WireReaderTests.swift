import Foundation
import Testing
import TestSupport
@testable import Resolver

/// The readers on raw reply bytes: the DNS fuzz target's seed packets (Fuzz/corpus/dns, made by
/// scripts/fuzz-seeds.py) read as a user would expect, so the fuzzer starts from replies that mean something.
@Suite struct WireReaderTests {
    func seed(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: LocalServices.packageRoot.appendingPathComponent("Fuzz/corpus/dns/seed-\(name)")))
    }

    @Test func referralWithGlueGivesTheHostsAndTheirAddresses() throws {
        let read = try #require(WireReader.read(try seed("referral-glue"), name: "example.com", type: .ns))
        let hosts = (1...4).map { "ns\($0).example.com." }
        var glue = Dictionary(uniqueKeysWithValues: hosts.enumerated().map { ($1, ["192.0.2.\($0 + 1)"]) })
        glue["ns1.example.com."] = ["192.0.2.1", "::1"]
        #expect(read.delegation == .delegation(Delegation(nameServers: hosts, glue: glue, authoritative: false, ttl: 3600)))
        #expect(read.answer == .answer([], authoritative: false), "a referral answers nothing itself")
    }

    @Test func compressedNamesAndAnswersReadLikePlainOnes() throws {
        let compressed = try #require(WireReader.read(try seed("referral-compressed"), name: "EXAMPLE.com.", type: .ns))
        #expect(compressed.delegation == .delegation(Delegation(nameServers: ["ns1.example.com.", "ns2.example.com."],
                                                                glue: ["ns1.example.com.": ["192.0.2.1"]], authoritative: false, ttl: 3600)))
        let answer = try #require(WireReader.read(try seed("answer-ns"), name: "example.com", type: .ns))
        #expect(answer.answer == .answer((1...4).map { "ns\($0).example.com." }, authoritative: true))
        let loop = try #require(WireReader.read(try seed("cname-loop"), name: "ns1.example.com", type: .a))
        #expect(loop.answer == .answer([], authoritative: true), "a CNAME loop ends after \(AnswerReader.maxChain) steps, with no address")
    }

    @Test func errorsAndBrokenPacketsAreReportedNotRead() throws {
        #expect(WireReader.read(try seed("nxdomain"), name: "example.com", type: .ns)?.delegation == .nxdomain)
        #expect(WireReader.read(try seed("servfail"), name: "example.com", type: .a)?.answer == .failure(rcode: "SERVFAIL"))
        #expect(WireReader.read(try seed("truncated"), name: "example.com", type: .ns) == nil)
        #expect(WireReader.read([], name: "example.com", type: .ns) == nil)
    }
}
