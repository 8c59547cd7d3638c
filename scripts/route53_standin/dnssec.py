"""DNSSEC signing of hosted zones: key-signing keys (KSKs) backed by a KMS key, signing switched on and off, and
GetDNSSEC's answer, with Route 53's refusals.

Route 53 behaviour (Amazon Route 53 API Reference: CreateKeySigningKey, ActivateKeySigningKey,
DeactivateKeySigningKey, DeleteKeySigningKey, EnableHostedZoneDNSSEC, DisableHostedZoneDNSSEC, GetDNSSEC, and the
KeySigningKey and DNSSECStatus data types; Developer Guide, "Configuring DNSSEC signing in Amazon Route 53" and
"Working with customer managed keys for DNSSEC"; shapes and error codes from botocore's route53 2013-04-01 model):
- CreateKeySigningKey (POST /2013-04-01/keysigningkey, 201 with Location, ChangeInfo and the KeySigningKey):
  NoSuchHostedZone for a zone not in the account; InvalidKeySigningKeyName unless Name is 3-128 letters, digits and
  underscores; InvalidKeySigningKeyStatus unless Status is ACTIVE or INACTIVE; KeySigningKeyAlreadyExists (409) for a
  Name or KMS key the zone's KSKs already use (a resent create meets it too); TooManyKeySigningKeys past two per zone;
  InvalidKMSArn unless the KMS key is in us-east-1, exists, is Enabled, has key spec ECC_NIST_P256 and usage
  SIGN_VERIFY, and its key policy allows the service principal dnssec-route53.amazonaws.com kms:DescribeKey,
  kms:GetPublicKey and kms:Sign. The key, its spec and its policy are read from moto's KMS (DescribeKey,
  GetKeyPolicy) as Route 53 reads them.
- ActivateKeySigningKey / DeactivateKeySigningKey (POST .../keysigningkey/{zone}/{name}/activate|deactivate):
  NoSuchKeySigningKey (404); deactivating the only ACTIVE KSK of a signing zone is KeySigningKeyInUse; deactivating
  a KSK whose DS the parent serves is KeySigningKeyInParentDSRecord.
- DeleteKeySigningKey (DELETE .../keysigningkey/{zone}/{name}): InvalidKeySigningKeyStatus unless INACTIVE.
- EnableHostedZoneDNSSEC (POST /2013-04-01/hostedzone/{id}/enable-dnssec): KeySigningKeyWithActiveStatusNotFound
  without an ACTIVE KSK. DisableHostedZoneDNSSEC (.../disable-dnssec): DNSSECNotFound for a zone that never had a
  KSK, KeySigningKeyInParentDSRecord while the parent serves a DS of one of the zone's KSKs. Both answer a
  ChangeInfo that is PENDING for --pending seconds (pacing.py), as the KSK operations do.
- GetDNSSEC (GET /2013-04-01/hostedzone/{id}/dnssec): Status/ServeSignature (SIGNING or NOT_SIGNING) and every KSK
  with Name, KmsArn, Flag 257, SigningAlgorithmMnemonic ECDSAP256SHA256 / Type 13, DigestAlgorithmMnemonic SHA-256 /
  Type 2, KeyTag, DigestValue, PublicKey, DSRecord, DNSKEYRecord, Status, CreatedDate, LastModifiedDate.

How Route 53 knows the parent serves a DS: it asks the parent's name servers. The stand-in does the same: the data
plane (dataplane.py) tells it where its registry servers answer (POST /__proxy/dataplane?port=N), and the stand-in
asks the first registry server (127.0.0.100) for the zone's DS over UDP; without a data plane no DS is seen.

What differs from Route 53, and why: Route 53 signs with the KMS key itself (kms:Sign), so the KSK's public key is
the KMS key's. moto's KMS key cannot sign anything a DNS server serves, so the stand-in holds a P-256 key pair of its
own per KSK, and one zone-signing key (ZSK) per zone as Route 53 manages one, in its state directory (--state-dir,
default a new temporary folder) as BIND key files (K<zone>+013+<tag>.key / .private), and GetDNSSEC reports that
key's DNSKEY and DS. dataplane.py reads GET /__proxy/dnssec-keys ({zone id: {"zone", "signing", "keys": [key file
base names]}}) and signs the zones that sign with ldns-signzone and those keys.
The older POST /__proxy/dnssec?zone=ID&status=S still overrides ServeSignature (tests of refusals for a signing zone).
"""
import base64, datetime, hashlib, json, os, re, struct, tempfile, threading, time, uuid
import xml.etree.ElementTree as ET

from .store import lock, settings, state
from .wire import API, bare, error_xml, leaf, tag, xml_doc

ROUTE53_PRINCIPAL = "dnssec-route53.amazonaws.com"
NEEDED_ACTIONS = ("kms:DescribeKey", "kms:GetPublicKey", "kms:Sign")
KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key/([A-Za-z0-9-]+)$")
KSK_NAME = re.compile(r"^[A-Za-z0-9_]{3,128}$")
INVALID_KMS = "The KeyManagementServiceArn that you specified isn't valid to use with DNSSEC signing"

state_dir = None       # set by configure(): --state-dir, or None for a temporary folder made on first use
dataplane = {}         # {"port": N} once dataplane.py has said where its registry servers answer
_kms = threading.local()


def configure(directory):
    """--state-dir: where the stand-in keeps its key files (a new temporary folder, made when the first key is)."""
    global state_dir
    state_dir = directory


def keys_dir():
    """The folder of the key files, made on first use."""
    global state_dir
    if state_dir is None:
        state_dir = tempfile.mkdtemp(prefix="r53-standin-")
    path = os.path.join(state_dir, "dnssec")
    os.makedirs(path, exist_ok=True)
    return path


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.lower().encode()
    return out + b"\0"


def key_tag(rdata):
    """RFC 4034 appendix B."""
    ac = 0
    for i, b in enumerate(rdata):
        ac += b if i & 1 else b << 8
    ac += ac >> 16
    return ac & 0xFFFF


class Key:
    """A P-256 key pair for one zone (flags 257: KSK, 256: ZSK), stored as BIND key files for ldns-signzone."""

    def __init__(self, zone, flags, private_value=None):
        from cryptography.hazmat.primitives.asymmetric import ec
        self.zone, self.flags = zone.lower().rstrip(".") + ".", flags
        self.private = (ec.derive_private_key(private_value, ec.SECP256R1()) if private_value
                        else ec.generate_private_key(ec.SECP256R1()))
        nums = self.private.public_key().public_numbers()
        self.public = nums.x.to_bytes(32, "big") + nums.y.to_bytes(32, "big")
        self.rdata = struct.pack("!HBB", flags, 3, 13) + self.public
        self.tag = key_tag(self.rdata)
        self.digest = hashlib.sha256(wire_name(self.zone) + self.rdata).hexdigest().upper()

    @property
    def public_b64(self):
        return base64.b64encode(self.public).decode()

    def dnskey(self):
        return "%d 3 13 %s" % (self.flags, self.public_b64)

    def ds(self):
        return "%d 13 2 %s" % (self.tag, self.digest)

    def write(self, directory):
        """Writes K<zone>+013+<tag>.key and .private; returns the base name ldns-signzone takes."""
        base = os.path.join(directory, "K%s+013+%05d" % (self.zone, self.tag))
        with open(base + ".key", "w") as f:
            f.write("%s 3600 IN DNSKEY %s\n" % (self.zone, self.dnskey()))
        d = self.private.private_numbers().private_value.to_bytes(32, "big")
        with os.fdopen(os.open(base + ".private", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write("Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: %s\n" % base64.b64encode(d).decode())
        return base


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def policy_allows_route53(policy_text):
    """True when one Allow statement names the service principal dnssec-route53.amazonaws.com and, with the other
    Allow statements for it, covers kms:DescribeKey, kms:GetPublicKey and kms:Sign (kms:* covers all)."""
    try:
        policy = json.loads(policy_text)
    except ValueError:
        return False
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    allowed = set()
    for s in statements:
        if s.get("Effect") != "Allow":
            continue
        principal = s.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        if ROUTE53_PRINCIPAL not in services:
            continue
        actions = s.get("Action", [])
        allowed.update([actions] if isinstance(actions, str) else actions)
    return "kms:*" in allowed or all(a in allowed for a in NEEDED_ACTIONS)


def kms_problem(arn, upstream):
    """Why the KMS key `arn` cannot back a KSK (Route 53's checks), or None."""
    m = KMS_ARN.match(arn or "")
    if not m:
        return "%s: %r is not a KMS key ARN (arn:aws:kms:us-east-1:ACCOUNT:key/ID)." % (INVALID_KMS, arn)
    if m.group(1) != "us-east-1":
        return "%s: the key is in %s; DNSSEC signing needs a key in us-east-1." % (INVALID_KMS, m.group(1))
    if getattr(_kms, "client", None) is None:
        import boto3
        _kms.client = boto3.client("kms", endpoint_url=upstream, region_name="us-east-1",
                                   aws_access_key_id="AKIDPROXY0000000001", aws_secret_access_key="proxy")
    kms = _kms.client
    try:
        meta = kms.describe_key(KeyId=arn)["KeyMetadata"]
        policy = kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"]
    except Exception as e:  # NotFoundException and the like
        return "%s: the key was not found in us-east-1 (%s)." % (INVALID_KMS, type(e).__name__)
    if meta.get("KeyState") != "Enabled":
        return "%s: the key's state is %s, not Enabled." % (INVALID_KMS, meta.get("KeyState"))
    if meta.get("KeySpec") != "ECC_NIST_P256" or meta.get("KeyUsage") != "SIGN_VERIFY":
        usage = " with usage %s" % meta["KeyUsage"] if meta.get("KeyUsage") else ""
        return "%s: the key spec is %s%s; DNSSEC signing needs ECC_NIST_P256 and SIGN_VERIFY." % (
            INVALID_KMS, meta.get("KeySpec"), usage)
    if not policy_allows_route53(policy):
        return ("%s: the key policy does not allow the service principal %s kms:DescribeKey, kms:GetPublicKey and "
                "kms:Sign." % (INVALID_KMS, ROUTE53_PRINCIPAL))
    return None


def parent_ds_tags(zone_name):
    """Key tags of the DS records the parent serves for `zone_name` (asked of the data plane's first registry
    server), or an empty set when no data plane said where it answers."""
    port = dataplane.get("port")
    if not port:
        return set()
    import dnsprobe
    answer = dnsprobe.query("127.0.0.100", int(port), zone_name, "DS", 1.0)
    return {int(hexdata[:4], 16) for hexdata in (answer[2] if answer else [])}


def zone_record(zid):
    """The zone's DNSSEC record in the stand-in's state, created on first use."""
    return state["dnssec_zones"].setdefault(zid, {"signing": False, "ksks": {}, "zsk": None, "name": None})


class DNSSECMixin:
    """The request handler's DNSSEC operations."""

    def zone_name(self, zid):
        """The zone's name from moto, or None when the account has no such zone (NoSuchHostedZone answered)."""
        status, data, hdrs = self.upstream("GET", API + "/hostedzone/" + zid)
        if status != 200:
            self.answer(status, data, hdrs)
            return None
        return ET.fromstring(data).findtext("%s/%s" % (tag("HostedZone"), tag("Name")))

    def refuse(self, status, code, message):
        self.answer(status, error_xml(code, message))

    def change_info(self, root, parent=None):
        doc = parent if parent is not None else ET.Element(tag(root))
        info = ET.SubElement(doc, tag("ChangeInfo"))
        cid = "C" + uuid.uuid4().hex[:20].upper()
        with lock:  # GetChange answers it (INSYNC at once; pacing.py's pending() makes it PENDING for --pending s)
            state["changes"][cid] = (time.monotonic() - settings.pending, 0)
        leaf(info, "Id", "/change/" + cid)
        leaf(info, "Status", "INSYNC")
        leaf(info, "SubmittedAt", now_iso())
        return doc

    def ksk_element(self, parent, ksk):
        e = ET.SubElement(parent, tag("KeySigningKey"))
        key = ksk["key"]
        for k, v in (("Name", ksk["name"]), ("KmsArn", ksk["kms"]), ("Flag", 257),
                     ("SigningAlgorithmMnemonic", "ECDSAP256SHA256"), ("SigningAlgorithmType", 13),
                     ("DigestAlgorithmMnemonic", "SHA-256"), ("DigestAlgorithmType", 2), ("KeyTag", key.tag),
                     ("DigestValue", key.digest), ("PublicKey", key.public_b64), ("DSRecord", key.ds()),
                     ("DNSKEYRecord", key.dnskey()), ("Status", ksk["status"]), ("CreatedDate", ksk["created"]),
                     ("LastModifiedDate", ksk["modified"])):
            leaf(e, k, v)
        return e

    def create_ksk(self, body):
        try:
            req = ET.fromstring(body or b"")
        except ET.ParseError:
            return self.refuse(400, "InvalidInput", "The request body is not valid XML.")
        get = lambda k: (req.findtext(tag(k)) or "").strip()
        zid, name, arn, status, ref = bare(get("HostedZoneId")), get("Name"), get("KeyManagementServiceArn"), get("Status"), get("CallerReference")
        if not ref:
            return self.refuse(400, "InvalidInput", "CallerReference is required.")
        zone = self.zone_name(zid)
        if zone is None:
            return
        if not KSK_NAME.match(name):
            return self.refuse(400, "InvalidKeySigningKeyName", "The key-signing key (KSK) name that you specified isn't a valid name: "
                               "3 to 128 letters, digits and underscores.")
        if status not in ("ACTIVE", "INACTIVE"):
            return self.refuse(400, "InvalidKeySigningKeyStatus", "Status must be ACTIVE or INACTIVE.")
        with lock:
            zr = zone_record(zid)
            taken = [k for k in zr["ksks"].values() if k["name"] == name or k["kms"] == arn]
            count = len(zr["ksks"])
        if taken:
            return self.refuse(409, "KeySigningKeyAlreadyExists", "You've already created a key-signing key (KSK) with this name "
                               "or with the same customer managed key ARN.")
        if count >= 2:
            return self.refuse(400, "TooManyKeySigningKeys", "You can only have two KSKs per hosted zone.")
        problem = kms_problem(arn, self.upstream_url())
        if problem:
            return self.refuse(400, "InvalidKMSArn", problem)
        key = Key(zone, 257)
        ts = now_iso()
        ksk = {"name": name, "kms": arn, "status": status, "key": key, "file": key.write(keys_dir()), "created": ts,
               "modified": ts, "ref": ref}
        with lock:
            zr = zone_record(zid)
            zr["name"] = key.zone
            zr["ksks"][name] = ksk
            if zr["zsk"] is None:
                zsk = Key(zone, 256)
                zr["zsk"] = {"key": zsk, "file": zsk.write(keys_dir())}
        doc = self.change_info("CreateKeySigningKeyResponse")
        self.ksk_element(doc, ksk)
        self.answer(201, self.pending(xml_doc(doc)), [("Location", "https://route53.amazonaws.com" + API + "/keysigningkey/%s/%s" % (zid, name))])

    def find_ksk(self, zid, name):
        with lock:
            ksk = state["dnssec_zones"].get(zid, {}).get("ksks", {}).get(name)
        if ksk is None:
            if self.zone_name(zid) is not None:
                self.refuse(404, "NoSuchKeySigningKey", "The specified key-signing key (KSK) doesn't exist.")
        return ksk

    def ksk_action(self, method, path):
        """Activate, Deactivate (POST .../{zone}/{name}/activate|deactivate) and Delete (DELETE .../{zone}/{name})."""
        parts = [p for p in path[len(API):].split("/") if p]
        zid, name = bare(parts[1]), parts[2]
        action = "delete" if method == "DELETE" else parts[3]
        ksk = self.find_ksk(zid, name)
        if ksk is None:
            return
        root = {"activate": "ActivateKeySigningKeyResponse", "deactivate": "DeactivateKeySigningKeyResponse",
                "delete": "DeleteKeySigningKeyResponse"}[action]
        with lock:
            zr = state["dnssec_zones"][zid]
            active = [k for k in zr["ksks"].values() if k["status"] == "ACTIVE"]
            signing = zr["signing"]
        if action == "deactivate" and ksk["status"] == "ACTIVE":
            if signing and len(active) == 1:
                return self.refuse(400, "KeySigningKeyInUse", "The key-signing key (KSK) that you specified can't be deactivated "
                                   "because it's the only KSK for a currently-enabled DNSSEC. Disable DNSSEC signing, or add or "
                                   "enable another KSK.")
            if ksk["key"].tag in parent_ds_tags(zr["name"]):
                return self.refuse(400, "KeySigningKeyInParentDSRecord", "The key-signing key (KSK) is specified in a parent DS "
                                   "record (key tag %d)." % ksk["key"].tag)
        if action == "delete" and ksk["status"] != "INACTIVE":
            return self.refuse(400, "InvalidKeySigningKeyStatus", "The key-signing key (KSK) status isn't valid: deactivate "
                               "the KSK before deleting it.")
        with lock:
            if action == "delete":
                del zr["ksks"][name]
                for ext in (".key", ".private"):
                    try:
                        os.remove(ksk["file"] + ext)
                    except FileNotFoundError:
                        pass
            else:
                ksk["status"] = "ACTIVE" if action == "activate" else "INACTIVE"
                ksk["modified"] = now_iso()
        self.answer(200, self.pending(xml_doc(self.change_info(root))))

    def signing_action(self, path):
        """EnableHostedZoneDNSSEC and DisableHostedZoneDNSSEC (POST /hostedzone/{id}/enable-dnssec|disable-dnssec)."""
        parts = [p for p in path[len(API):].split("/") if p]
        zid, enable = bare(parts[1]), parts[2] == "enable-dnssec"
        zone = self.zone_name(zid)
        if zone is None:
            return
        with lock:
            zr = state["dnssec_zones"].get(zid)
            active = [k for k in (zr or {}).get("ksks", {}).values() if k["status"] == "ACTIVE"]
        if enable and not active:
            return self.refuse(400, "KeySigningKeyWithActiveStatusNotFound", "A key-signing key (KSK) with ACTIVE status wasn't found.")
        if not enable:
            if zr is None:
                return self.refuse(400, "DNSSECNotFound", "The hosted zone doesn't have any DNSSEC resources.")
            in_parent = parent_ds_tags(zone) & {k["key"].tag for k in zr["ksks"].values()}
            if zr["signing"] and in_parent:
                return self.refuse(400, "KeySigningKeyInParentDSRecord", "The key-signing key (KSK) is specified in a parent DS "
                                   "record (key tag %s)." % ", ".join(str(t) for t in sorted(in_parent)))
        with lock:
            zone_record(zid)["signing"] = enable
            state["dnssec"].pop(zid, None)
        root = "EnableHostedZoneDNSSECResponse" if enable else "DisableHostedZoneDNSSECResponse"
        self.answer(200, self.pending(xml_doc(self.change_info(root))))

    def get_dnssec(self, path, _):
        zid = path.split("/")[3]
        if self.zone_name(zid) is None:
            return True
        with lock:
            zr = state["dnssec_zones"].get(zid, {"signing": False, "ksks": {}})
            override = state["dnssec"].get(zid)
            ksks = list(zr["ksks"].values())
        doc = ET.Element(tag("GetDNSSECResponse"))
        st = ET.SubElement(doc, tag("Status"))
        leaf(st, "ServeSignature", override["status"] if override else ("SIGNING" if zr["signing"] else "NOT_SIGNING"))
        if override and override["message"]:
            leaf(st, "StatusMessage", override["message"])
        keys = ET.SubElement(doc, tag("KeySigningKeys"))
        for ksk in ksks:
            self.ksk_element(keys, ksk)
        self.answer(200, xml_doc(doc))
        return True


def control_dnssec_keys(_):
    """GET /__proxy/dnssec-keys: {zone id: {"zone", "signing", "keys": [key file base names: active KSKs, the ZSK]}}."""
    result = {}
    for zid, zr in state["dnssec_zones"].items():
        if zr["name"] is None:
            continue
        keys = [k["file"] for k in zr["ksks"].values() if k["status"] == "ACTIVE"]
        result[zid] = {"zone": zr["name"], "signing": bool(zr["signing"] and keys),
                       "keys": keys + ([zr["zsk"]["file"]] if zr["zsk"] else [])}
    return result


def control_dataplane(q):
    """POST /__proxy/dataplane?port=N: where the data plane's registry servers answer (for parent DS look-ups)."""
    dataplane["port"] = int(q["port"])
    return dict(dataplane)
