"""The Route 53 stand-in: a loopback HTTP proxy in front of moto that answers like Route 53 where vanityns's cost or
safety depends on it (ROUTE53.md lists what moto does differently). Run it with `python3 scripts/route53-proxy.py`
(the launcher) or `python3 -m route53_standin` from scripts/.

One module per concern, each naming the Route 53 behaviour it emulates and the document it comes from:
- wire.py: the API's XML namespace and error bodies.
- pacing.py: request and change buckets (Throttling), changes PENDING for --pending seconds.
- records.py: ListResourceRecordSets order and paging, ChangeResourceRecordSets checked whole.
- zones.py: CallerReferences, each zone's own name servers, sets made from zones, SOA/NS, ListHostedZones by set.
- domains.py: Route 53 Domains registrations' name servers and their operations (moto allows one update ever).
- answers.py: account and set limits, ListTrafficPolicyInstancesByHostedZone.
- dnssec.py: key-signing keys backed by KMS (moto's, checked as Route 53 checks them), signing on and off, GetDNSSEC,
  and the keys the data plane signs with.
- control.py: the /__proxy/ endpoints tests use (stats, lost create answers, page size, limits, ...).
- faults.py: lost answers (a write acts, its answer never arrives) and random faults at a chosen rate.
- store.py: the state kept between requests; server.py: the HTTP server and the routing of operations.

What moto does differently and what the stand-in makes of it:
- A new zone's SOA: moto writes hostmaster.example.com and wraps the value as {'Value': '...'}; here a zone created
  through the proxy gets the SOA Route 53 writes (`<first name server>. awsdns-hostmaster.amazon.com. 1 7200 900
  1209600 86400`), and a wrapped value read through it is unwrapped.
- A reused CallerReference: moto accepts it (and makes a second set, or refuses a zone for another reason); here it
  is refused as Route 53 refuses it, 409 HostedZoneAlreadyExists / DelegationSetAlreadyCreated, even after a delete.
- moto rewrites a set's CallerReference when a zone is created in it; here a set keeps the one it was created with.
- ListHostedZones `delegationsetid`: moto ignores it; here it lists exactly the set's zones, paged by zone id with
  Marker / NextMarker / MaxItems (at most 100) the way Route 53 pages that listing.
- Changes: moto is INSYNC at once; here a change (ChangeResourceRecordSets, CreateHostedZone) stays PENDING for
  --pending seconds.
- With --buckets, Route 53's published request buckets (account 50 / 10 per s, and each operation's own) and a change
  bucket are enforced: an empty bucket answers 400 Throttling "Rate exceeded".
- For crash tests: --delay holds the answer to ChangeResourceRecordSets while the change lands at once, and
  POST /__proxy/drop-creates?count=N makes the next N creates act but lose their answer (the connection closes).
  POST /__proxy/lose-answers?op=OP&skip=N&count=K does the same for the writes that are not safe to repeat
  (ChangeResourceRecordSets, the deletes, ChangeTagsForResource, UpdateDomainNameservers), and POST
  /__proxy/faults?rate=R&seed=S adds seeded random faults (500, dropped connections, lost answers).
- Name servers: moto gives every zone and set the same four (ns-2048.awsdns-64.com ...). Here a zone created without
  a DelegationSetId gets four of its own, derived from its id in Route 53's style (ns-<k>.awsdns-<j>.com/.net/.org/
  .co.uk, k < 2048, never moto's), chosen so they share none with a zone of the same, parent or child name, as
  Route 53 chooses them: in the CreateHostedZone answer, GetHostedZone, the zone's apex NS record and its SOA MNAME.
  A set created from such a zone (CreateReusableDelegationSet with HostedZoneId) takes the zone's four, and the zone
  then belongs to the set (GetHostedZone's DelegationSet Id, the delegationsetid filter, the set's zone count); zones
  later created in that set get them too, and a second set from a zone already in a set is refused
  (DelegationSetAlreadyReusable). The first set created without a zone keeps moto's four (the data plane serves
  those); every later one gets four of its own, derived from its id and shared with no other set or zone, as Route 53
  gives each set its own (so each set needs its own group of vanity hosts).
- ConflictingDomainExists: CreateHostedZone is refused (400) when a public zone of the same name, or a parent or child
  zone, shares a name server with the ones the new zone would get. moto's four count as each set's own servers (in
  Route 53 two sets rarely share one), so only derived names and a shared set can conflict.
- ListResourceRecordSets pages like Route 53: the proxy reads the zone's whole listing from moto (which pages by name
  and type only and ignores `identifier`) and pages it itself, in Route 53's order (name with the labels reversed,
  then type, then set identifier), honouring maxitems (default and cap 300, or --page-size N / POST
  /__proxy/page-size?n=N for tests), name/type/identifier, with NextRecordName/Type and NextRecordIdentifier when the
  next record has one; `type` without `name` (or `identifier` without `type`) is InvalidInput. Alias record sets come
  back without moto's TTL 0.
- ChangeResourceRecordSets is checked whole before anything reaches moto, change by change on a copy of the zone:
  CREATE of an existing name/type/set identifier, DELETE of a missing one or with other values, and batches over
  1,000 ResourceRecord elements or 32,000 value characters (UPSERT counted twice) are refused with 400
  InvalidChangeBatch and Route 53's messages, nothing written. moto deletes every record set with a DELETE's set
  identifier, whatever its name; the proxy puts the others back.
- Limits (opt-in: --limits zones-per-set=100,hosted-zones=500,sets=100, changed with POST /__proxy/limits?sets=5&...,
  a key with the value "none" unset): GetReusableDelegationSetLimit and GetAccountLimit (MAX_HOSTED_ZONES_BY_OWNER,
  MAX_REUSABLE_DELEGATION_SETS_BY_OWNER) answer with moto's counts, and creates past a limit are refused
  (TooManyHostedZones, LimitsExceeded). Unset, they reach moto, which answers 404 (the product's fallback).
- DNSSEC (moto: no KSK operations, GetDNSSEC always NOT_SIGNING): CreateKeySigningKey, Activate/Deactivate/
  DeleteKeySigningKey, Enable/DisableHostedZoneDNSSEC and GetDNSSEC as Route 53 answers them, refusals included
  (InvalidKMSArn for a KMS key outside us-east-1, of another spec or with a policy that does not let Route 53 sign;
  KeySigningKeyInParentDSRecord while the parent serves the KSK's DS; KeySigningKeyWithActiveStatusNotFound); the
  stand-in signs with key pairs of its own (see dnssec.py). POST /__proxy/dnssec?zone=ID&status=SIGNING still
  overrides the status GetDNSSEC reports.
- ListTrafficPolicyInstancesByHostedZone (moto: 404) lists the instances registered with POST
  /__proxy/traffic-policy-instance?zone=ID&name=N&type=T[&policy=P&version=V&ttl=S&id=I] (none by default); the record
  sets of that name and type in the zone are listed with the instance's TrafficPolicyInstanceId.
- moto itself keeps hosted zone tags (ListTagsForResource / ChangeTagsForResource): forwarded unchanged.
GET /__proxy/stats answers JSON counts: requests and Throttling answers per operation (the proxy's own calls to moto
are not counted); POST /__proxy/stats/reset sets them to zero. GET /__proxy/zone-name-servers answers JSON {zone id:
[its four name servers as GetHostedZone answers them here]} for every hosted zone ([] for a private one), for
dataplane.py to serve each zone where Route 53 would. Control endpoints are neither counted nor paced. STS calls (POST / with a form body, which moto serves
on the same port) are forwarded unchanged; Route 53 Domains calls (POST / with X-Amz-Target) are too, but for the
name servers: UpdateDomainNameservers, GetDomainDetail's Nameservers and their operations are held here (domains.py),
since moto refuses every update after a domain's first.

Usage: route53-proxy.py PORT UPSTREAM_URL [DELAY] [--pending S] [--buckets] [--change-bucket CAP/RATE]
                        [--page-size N] [--limits zones-per-set=N,hosted-zones=N,sets=N] [--domains-pending S]
                        [--state-dir DIR]
"""
