#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (Fuzz/corpus/TARGET/seed-*): Route 53 answers and errors as the codec's
tests use them, Route 53 Domains and credential JSON, config files, DNS reply packets and names. Run it after
changing a sample; regression inputs (regression-*) found by fuzzing are kept as they are."""
import os, struct, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fuzz", "corpus")
NS = ' xmlns="https://route53.amazonaws.com/doc/2013-04-01/"'
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

def xml(body): return HEAD + body

SET = ("<DelegationSet><Id>/delegationset/N1SET</Id><CallerReference>vanityns-1</CallerReference><NameServers>"
       + "".join(f"<NameServer>ns-{i}.awsdns-{i}.org</NameServer>" for i in range(4)) + "</NameServers></DelegationSet>")
ZONE = ("<HostedZone><Id>/hostedzone/Z1EXAMPLE</Id><Name>example.com.</Name><CallerReference>ref-1</CallerReference>"
        "<Config><Comment>home</Comment><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>12</ResourceRecordSetCount></HostedZone>")
CHANGE = "<ChangeInfo><Id>/change/C123</Id><Status>PENDING</Status><SubmittedAt>2024-01-01T00:00:00.000Z</SubmittedAt><Comment>vanityns</Comment></ChangeInfo>"
RRSETS = ("<ResourceRecordSets>"
          "<ResourceRecordSet><Name>example.com.</Name><Type>SOA</Type><TTL>900</TTL><ResourceRecords><ResourceRecord><Value>ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 60</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
          "<ResourceRecordSet><Name>\\052.example.com.</Name><Type>A</Type><SetIdentifier>eu</SetIdentifier><Weight>10</Weight><Region>eu-west-1</Region>"
          "<GeoLocation><ContinentCode>EU</ContinentCode><CountryCode>DE</CountryCode><SubdivisionCode>BE</SubdivisionCode></GeoLocation><Failover>PRIMARY</Failover>"
          "<MultiValueAnswer>true</MultiValueAnswer><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords>"
          "<HealthCheckId>hc-1</HealthCheckId><CidrRoutingConfig><CollectionId>c-1</CollectionId><LocationName>office</LocationName></CidrRoutingConfig>"
          "<GeoProximityLocation><AWSRegion>us-east-1</AWSRegion><LocalZoneGroup>g</LocalZoneGroup><Coordinates><Latitude>49.22</Latitude><Longitude>-74.01</Longitude></Coordinates><Bias>-20</Bias></GeoProximityLocation></ResourceRecordSet>"
          "<ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>d1.cloudfront.net.</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget><TrafficPolicyInstanceId>tp-1</TrafficPolicyInstanceId></ResourceRecordSet>"
          "</ResourceRecordSets>")
seeds = {"xml": {
    "list-zones": xml(f"<ListHostedZonesResponse{NS}><HostedZones>{ZONE}</HostedZones><IsTruncated>true</IsTruncated><NextMarker>Z2</NextMarker><MaxItems>100</MaxItems></ListHostedZonesResponse>"),
    "get-zone": xml(f"<GetHostedZoneResponse{NS}>{ZONE}{SET}</GetHostedZoneResponse>"),
    "create-zone": xml(f"<CreateHostedZoneResponse{NS}>{ZONE}{CHANGE}{SET}</CreateHostedZoneResponse>"),
    "get-set": xml(f"<GetReusableDelegationSetResponse{NS}>{SET}</GetReusableDelegationSetResponse>"),
    "list-sets": xml(f"<ListReusableDelegationSetsResponse{NS}><DelegationSets>{SET}{SET}</DelegationSets><IsTruncated>false</IsTruncated></ListReusableDelegationSetsResponse>"),
    "rrsets": xml(f"<ListResourceRecordSetsResponse{NS}>{RRSETS}<IsTruncated>true</IsTruncated><NextRecordName>z.example.com.</NextRecordName><NextRecordType>A</NextRecordType></ListResourceRecordSetsResponse>"),
    "change": xml(f"<ChangeResourceRecordSetsResponse{NS}>{CHANGE}</ChangeResourceRecordSetsResponse>"),
    "limit": xml(f"<GetAccountLimitResponse{NS}><Limit><Type>MAX_REUSABLE_DELEGATION_SETS_BY_OWNER</Type><Value>100</Value></Limit><Count>3</Count></GetAccountLimitResponse>"),
    "dnssec": xml(f"<GetDNSSECResponse{NS}><Status><ServeSignature>NOT_SIGNING</ServeSignature><StatusMessage>x</StatusMessage></Status><KeySigningKeys/></GetDNSSECResponse>"),
    "error": xml(f"<ErrorResponse{NS}><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t-1</RequestId></ErrorResponse>"),
    "error-moto": xml("<ErrorResponse><Errors><Error><Code>NoSuchHostedZone</Code><message>No hosted zone found with ID: Z1</message></Error></Errors></ErrorResponse>"),
    "invalid-change-batch": xml(f"<InvalidChangeBatch{NS}><Messages><Message>Tried to create resource record set [name='a.example.com.', type='A'] but it already exists</Message><Message>RRSet of type CNAME is not permitted at apex</Message></Messages><RequestId>r-2</RequestId></InvalidChangeBatch>"),
    "entity": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r><v>&e;</v><![CDATA[<Id>x</Id>]]></r>',
}, "domains-json": {
    "detail": '{"DomainName":"example.com","Nameservers":[{"Name":"ns1.example.com","GlueIps":["192.0.2.1","2001:db8::1"]},{"Name":"ns-1.awsdns-1.org"}],"AutoRenew":true,"AdminPrivacy":true}',
    "update": '{"OperationId":"op-0123456789abcdef"}',
    "operation": '{"OperationId":"op-1","Status":"IN_PROGRESS","Message":"in progress","DomainName":"example.com","Type":"UPDATE_NAMESERVER","SubmittedDate":1.7e9}',
    "error": '{"__type":"com.amazonaws.route53domains#InvalidInput","message":"Errors: [Domain not found]"}',
    "error-colon": '{"code":"TLDRulesViolation:http://internal/","Message":"no"}',
    "empty": '',
}, "credential-json": {
    "process": '{"Version":1,"AccessKeyId":"AKIDFUZZ0000000001","SecretAccessKey":"fuzz/secret","SessionToken":"tok","Expiration":"2030-01-02T03:04:05Z"}',
    "container": '{"AccessKeyId":"ASIAFUZZ","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-02T03:04:05.123+00:00","RoleArn":"arn:aws:iam::1:role/r"}',
    "imds": '{"Code":"Success","LastUpdated":"2024-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2024-01-01T06:00:00Z"}',
    "missing-secret": '{"AccessKeyId":"A"}',
    "bad-expiration": '{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"}',
}, "config": {
    "both": "[default]\naws_access_key_id = AKIDFUZZ\naws_secret_access_key = fuzz/secret\n\n[ops]\naws_access_key_id=AKIDOPS\r\naws_secret_access_key: s\n\0"
            "[default]\nregion = us-east-1\nservices = local\n\n[profile ops]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n"
            "credential_process = /usr/bin/creds\n  --profile ops\n\n[services local]\nroute53 =\n  endpoint_url = http://127.0.0.1:5000\nroute53_domains =\n  endpoint_url = http://127.0.0.1:5001\n",
    "comments": "# comment\n; other\n[default]\nkey = value\n  continued\n\ttabbed\n",
    "broken": "key = before any section\n[unclosed\n",
    "twice": "[a]\nx=1\n[a]\ny=2\n",
}, "names": {
    "host": "ns1.example.com", "fqdn": "NS1.Example.COM.", "idn": "ns1.Bücher.example", "alabel": "xn--bcher-kva.example.",
    "escape": "\\052.example.com.", "dmarc": "_dmarc.example.com", "emoji": "☃.example", "long": ("a" * 63 + ".") * 3 + "com",
    "bad-idn": "xn--zz.example", "hyphen": "-ns1.example.com", "space": "  ns1.example.com  ", "german-eszett": "straße.de",
}}

def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.rstrip(".").split(".")) + b"\0"

def rr(owner, rtype, data, ttl=3600):
    return owner + struct.pack("!HHIH", rtype, 1, ttl, len(data)) + data

def packet(flags, qname, qtype, an=(), ns=(), ar=(), rcode=0):
    head = struct.pack("!HHHHHH", 0x1234, flags | rcode, 1, len(an), len(ns), len(ar))
    return head + name(qname) + struct.pack("!HH", qtype, 1) + b"".join(an) + b"".join(ns) + b"".join(ar)

A, NS_, CNAME, SOA, AAAA = 1, 2, 5, 6, 28
hosts = [f"ns{i}.example.com" for i in range(1, 5)]
referral = packet(0x8000, "example.com", NS_, ns=[rr(name("example.com"), NS_, name(h)) for h in hosts],
                  ar=[rr(name(h), A, bytes([192, 0, 2, i])) for i, h in enumerate(hosts, 1)]
                     + [rr(name(hosts[0]), AAAA, bytes(15) + b"\1")])
# The same referral with compression pointers to the question name, as real servers send it.
compressed = packet(0x8000, "example.com", NS_, ns=[rr(b"\xc0\x0c", NS_, b"\3ns1\xc0\x0c"), rr(b"\xc0\x0c", NS_, b"\3ns2\xc0\x0c")],
                    ar=[rr(b"\3ns1\xc0\x0c", A, bytes([192, 0, 2, 1]))])
answer = packet(0x8400, "example.com", NS_, an=[rr(name("example.com"), NS_, name(h)) for h in hosts])
soa = packet(0x8400, "example.com", SOA, an=[rr(name("example.com"), SOA, name(hosts[0]) + name("hostmaster.example.com") + struct.pack("!IIIII", 1, 7200, 900, 1209600, 60))])
chain = packet(0x8400, "ns1.example.com", A, an=[rr(name("ns1.example.com"), CNAME, name("a.example.com")), rr(name("a.example.com"), CNAME, name("ns1.example.com")),
                                                  rr(name("a.example.com"), A, bytes([192, 0, 2, 9]))])
seeds["dns"] = {
    "referral-glue": referral, "referral-compressed": compressed, "answer-ns": answer, "answer-soa": soa, "cname-loop": chain,
    "nxdomain": packet(0x8403, "example.com", NS_, ns=[rr(name("com"), SOA, name("a.gtld-servers.net") + name("nstld.verisign-grs.com") + struct.pack("!IIIII", 1, 2, 3, 4, 5))]),
    "servfail": packet(0x8002, "example.com", A), "refused": packet(0x8005, "example.com", A),
    "truncated": referral[: len(referral) // 2], "tc-flag": packet(0x8200, "example.com", NS_),
}

for target, items in seeds.items():
    folder = os.path.join(root, target)
    os.makedirs(folder, exist_ok=True)
    for key, value in items.items():
        with open(os.path.join(folder, "seed-" + key), "wb") as f:
            f.write(value if isinstance(value, bytes) else value.encode())
print("wrote", sum(len(v) for v in seeds.values()), "seeds", file=sys.stderr)
