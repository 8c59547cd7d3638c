import Foundation
import Testing
import TestSupport
import Route53
@testable import WhiteLabel

@Suite struct NameTests {
    @Test func caseAndTrailingDotDoNotMatter() throws {
        let a = try DomainName.parse("NS1.Example.COM.")
        let b = try DomainName.parse("ns1.example.com")
        #expect(a == b)
        #expect(a.fqdn == "ns1.example.com.")
        #expect(a.isInside(try DomainName.parse("example.com")))
        #expect(!(try DomainName.parse("example.com")).isInside(a))
        #expect(!(try DomainName.parse("badexample.com")).isInside(try DomainName.parse("example.com")))
    }

    @Test func idnIsConvertedBothWays() throws {
        let n = try DomainName.parse("Bücher.example")
        #expect(n.ascii == "xn--bcher-kva.example")
        #expect(n.unicode == "bücher.example")
        #expect(try DomainName.parse("xn--bcher-kva.example.").unicode == "bücher.example")
        #expect(n.display == "xn--bcher-kva.example (bücher.example)")
        #expect(try DomainName.parse("example.com").unicode == nil)
    }

    @Test func syntaxErrorsAreExplained() {
        let long = String(repeating: "a", count: 64)
        #expect(throws: DomainName.Invalid.self) { try DomainName.parse("\(long).example.com") }
        let many = Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".")
        #expect(throws: DomainName.Invalid.self) { try DomainName.parse(many) }
        #expect(throws: DomainName.Invalid.self) { try DomainName.parse("ns_1.example.com") }
        #expect(throws: DomainName.Invalid.self) { try DomainName.parse("-ns1.example.com") }
        #expect(throws: DomainName.Invalid.self) { try DomainName.parse("ns1..example.com") }
        #expect(throws: DomainName.Invalid.self) { try DomainName.parse("") }
        #expect((try? DomainName.parse("_dmarc.example.com", rule: .zoneName)) != nil)
        do { _ = try DomainName.parse("ns_1.example.com") } catch let e as DomainName.Invalid {
            #expect(e.reason.contains("letters, digits and hyphens"))
        } catch { Issue.record("unexpected \(error)") }
    }

    /// Found by the names fuzz target (Fuzz/corpus/names/regression-nul-idn): libidn2 read the name up to the NUL,
    /// so "\0\u{FFFD}2" was accepted as the empty name, and "ns1.example.com\0ü" as ns1.example.com.
    @Test func controlCharactersAreRefusedNotCut() {
        for text in ["\0\u{FFFD}2", "ns1.example.com\0ü", "ns1.exa\u{7F}mple.com", "ns1\\000.example.com", "b\u{1B}[31mücher.example"] {
            for rule in [DomainName.Rule.hostName, .zoneName] {
                #expect(throws: DomainName.Invalid.self, "\(text.debugDescription)") { try DomainName.parse(text, rule: rule) }
            }
        }
        do { _ = try DomainName.parse("ns1.example.com\0ü") } catch let e as DomainName.Invalid {
            #expect(e.reason == "the name holds a control character (U+0000)")
        } catch { Issue.record("unexpected \(error)") }
    }

    /// Found by the names fuzz target (Fuzz/corpus/names/regression-soft-hyphen): IDNA maps U+00AD (soft hyphen) and
    /// zero-width characters to nothing, so "\u{AD}" was accepted as the empty name and "ns1.\u{200B}.example.com"
    /// with an empty label. Names that keep a letter around them still convert.
    @Test func labelsEmptiedByIDNAMappingAreRefused() throws {
        let path = LocalServices.packageRoot.appendingPathComponent("Fuzz/corpus/names/regression-soft-hyphen")
        let found = String(decoding: try Data(contentsOf: path), as: UTF8.self)
        #expect(found == "\u{AD}")
        for text in [found, "ns1.\u{200B}.example.com", "example.com.\u{AD}", "\u{AD}.example.com"] {
            for rule in [DomainName.Rule.hostName, .zoneName] {
                #expect(throws: DomainName.Invalid.self, "\(text.debugDescription)") { try DomainName.parse(text, rule: rule) }
            }
        }
        do { _ = try DomainName.parse("ns1.\u{200B}.example.com") } catch let e as DomainName.Invalid {
            #expect(e.reason.contains("a label is empty once invisible characters"))
        }
        #expect(try DomainName.parse("bü\u{AD}cher.example").ascii == "xn--bcher-kva.example")
    }

    @Test func route53EscapesAreRead() throws {
        #expect(DomainName.decodeEscapes("\\052.example.com.") == "*.example.com.")
        #expect(DomainName(trusted: "\\052.Example.com.").ascii == "*.example.com")
        #expect(try DomainName.parse("\\052.example.com", rule: .zoneName).ascii == "*.example.com")
    }

    @Test func valuesCompareCanonically() {
        #expect(Canonical.address("2001:DB8:0:0::1") == "2001:db8::1")
        #expect(Canonical.addresses(["192.0.2.2", "192.0.2.1", "192.0.2.2"]) == ["192.0.2.1", "192.0.2.2"])
        let a = ResourceRecordSet(name: "Example.com", type: "NS", ttl: 60, values: ["NS2.example.com", "ns1.example.com."])
        let b = ResourceRecordSet(name: "example.com.", type: "NS", ttl: 60, values: ["ns1.example.com.", "ns2.example.com."])
        #expect(Canonical.same(a, b))
    }

    @Test func soaParsesOrRefuses() {
        let s = SOAValue("ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400")
        #expect(s?.mname == "ns-2048.awsdns-64.net.")
        #expect(s?.minimum == 86400)
        #expect(s?.text == "ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400")
        #expect(SOAValue("{'Value': 'ns-2048.awsdns-64.com hostmaster.example.com 1 7200 900 1209600 86400'}") == nil)
        #expect(SOAValue("a. b. 1 2 3") == nil)
    }

    @Test func stateDirectoryFollowsXDG() {
        #expect(WhiteLabelEngine.defaultStateDirectory(environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/u"]).path == "/x/state/vanityns")
        #expect(WhiteLabelEngine.defaultStateDirectory(environment: ["HOME": "/home/u"]).path == "/home/u/.local/state/vanityns")
    }

    @Test func callerReferenceIsStableAndShort() {
        let a = WhiteLabelEngine.callerReference(setId: "/delegationset/N1", zoneName: "Shop.example")
        #expect(a == WhiteLabelEngine.callerReference(setId: "N1", zoneName: "shop.example."))
        #expect(a != WhiteLabelEngine.callerReference(setId: "N2", zoneName: "shop.example"))
        #expect(a.hasPrefix("vanityns-") && a.count <= 128)
    }
}
