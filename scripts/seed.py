#!/usr/bin/env python3
"""Seeds a moto server with an account worth walking through: a reusable delegation set, a home zone
(example.com) and two more zones in the set, a zone outside the set (to show migration), ordinary records,
and example.com registered with Route 53 Domains. Every zone gets the SOA Route 53 itself writes (moto's is
malformed). Idempotent: a second run changes nothing. Prints the set ID.

Usage: seed.py --moto http://127.0.0.1:PORT
"""
import argparse

import boto3


def fix_soa(r53, zone_id, zone_name, first_ns):
    soa = f"{first_ns.rstrip('.')}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
    current = [r for r in r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"] if r["Type"] == "SOA"]
    if current and current[0]["ResourceRecords"][0]["Value"] == soa:
        return
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": zone_name, "Type": "SOA", "TTL": 900, "ResourceRecords": [{"Value": soa}]}}]})


def zone(r53, name, ref, set_id=None):
    for z in r53.list_hosted_zones_by_name(DNSName=name)["HostedZones"]:
        if z["Name"] == name + "." and z["CallerReference"] == ref:
            return z["Id"].split("/")[-1], r53.get_hosted_zone(Id=z["Id"])["DelegationSet"]["NameServers"]
    kw = {"DelegationSetId": set_id} if set_id else {}
    z = r53.create_hosted_zone(Name=name, CallerReference=ref, **kw)
    return z["HostedZone"]["Id"].split("/")[-1], z["DelegationSet"]["NameServers"]


def records(r53, zone_id, rrsets):
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": n, "Type": t, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in vals]}}
        for n, t, ttl, vals in rrsets]})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moto", required=True)
    ap.add_argument("--no-domains", action="store_true")
    a = ap.parse_args()
    kw = dict(endpoint_url=a.moto, region_name="us-east-1")
    r53 = boto3.client("route53", **kw)
    # moto rewrites a set's CallerReference when a zone is created in it, so find the set through the home zone.
    homes = [z for z in r53.list_hosted_zones_by_name(DNSName="example.com")["HostedZones"]
             if z["Name"] == "example.com." and z["CallerReference"] == "sandbox-example.com"]
    if homes:
        set_id = r53.get_hosted_zone(Id=homes[0]["Id"])["DelegationSet"]["Id"].split("/")[-1]
    else:
        set_id = r53.create_reusable_delegation_set(CallerReference="sandbox-set")["DelegationSet"]["Id"].split("/")[-1]
    for name, in_set in (("example.com", True), ("shop.example", True), ("blog.example", True), ("legacy.example", False)):
        zid, ns = zone(r53, name, "sandbox-" + name, set_id if in_set else None)
        fix_soa(r53, zid, name + ".", ns[0])
        if name == "example.com":
            records(r53, zid, [("www.example.com.", "A", 300, ["192.0.2.10"]),
                               ("example.com.", "MX", 300, ["10 mail.example.com."]),
                               ("mail.example.com.", "A", 300, ["192.0.2.25"]),
                               ("example.com.", "TXT", 300, ['"v=spf1 mx -all"'])])
        elif name == "shop.example":
            records(r53, zid, [("www.shop.example.", "CNAME", 300, ["shops.example.net."])])
    if not a.no_domains:
        d = boto3.client("route53domains", **kw)
        names = [x["DomainName"] for x in d.list_domains().get("Domains", [])]
        if "example.com" not in names:
            contact = {"FirstName": "Dana", "LastName": "Operator", "ContactType": "PERSON", "AddressLine1": "1 Main St",
                       "City": "Springfield", "CountryCode": "US", "ZipCode": "12345", "PhoneNumber": "+1.5555550100",
                       "Email": "dana@example.com", "State": "CA"}
            d.register_domain(DomainName="example.com", DurationInYears=2, AdminContact=contact,
                              RegistrantContact=contact, TechContact=contact)
        # Registering creates a hosted zone of its own (as Route 53 Domains does); the set's zone serves instead.
        for z in r53.list_hosted_zones()["HostedZones"]:  # moto's by-name listing misses this zone
            if z["Name"].rstrip(".") == "example.com" and z["CallerReference"] != "sandbox-example.com":
                for r in r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]:
                    if r["Type"] not in ("NS", "SOA"):
                        r53.change_resource_record_sets(HostedZoneId=z["Id"], ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": r}]})
                r53.delete_hosted_zone(Id=z["Id"])
    print(set_id)


if __name__ == "__main__":
    main()
