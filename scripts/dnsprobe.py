"""One DNS question over UDP, one try, with a timeout: what the data plane (dataplane.py) asks its own nsds to know
that what it wrote is served, and what dataplane-churn.py asks to count unanswered questions. Neither can use dig
or drill for this: drill has no timeout or try-count option, and a question must be exactly one UDP try.
"""
import random, socket, struct, time

TYPES = {"A": 1, "NS": 2, "SOA": 6, "AAAA": 28, "DS": 43}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(msg, i):
    """(name, index after it) at `i`, following compression pointers."""
    labels, end = [], None
    while True:
        n = msg[i]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = i + 2
            i = ((n & 0x3F) << 8) | msg[i + 1]
            continue
        if n == 0:
            return ".".join(labels) + ".", (end if end is not None else i + 1)
        labels.append(msg[i + 1:i + 1 + n].decode())
        i += 1 + n


def rdata_text(msg, i, rtype, length):
    if rtype == 1:
        return socket.inet_ntop(socket.AF_INET, msg[i:i + length])
    if rtype == 28:
        return socket.inet_ntop(socket.AF_INET6, msg[i:i + length])
    if rtype == 2:
        return read_name(msg, i)[0]
    if rtype == 6:
        mname, j = read_name(msg, i)
        rname, j = read_name(msg, j)
        return " ".join([mname, rname] + [str(v) for v in struct.unpack(">IIIII", msg[j:j + 20])])
    return msg[i:i + length].hex()


def query(address, port, name, rtype, timeout=1.0):
    """One UDP try: (rcode, authoritative, [the answer's `rtype` data as text]), or None when nothing answered within
    `timeout` seconds or the address refused the question (nothing listening: ICMP port unreachable)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    qid = random.randrange(65536)
    packet = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + encode_name(name) + struct.pack(">HH", TYPES[rtype], 1)
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        try:
            s.connect((address, port))
            s.send(packet)
            deadline = time.monotonic() + timeout
            while True:
                s.settimeout(max(0.001, deadline - time.monotonic()))
                msg = s.recv(4096)
                if len(msg) >= 12 and struct.unpack(">H", msg[:2])[0] == qid:
                    break
        except OSError:  # socket.timeout and ConnectionRefusedError included
            return None
    _, flags, qd, an, _, _ = struct.unpack(">HHHHHH", msg[:12])
    i = 12
    for _ in range(qd):
        _, i = read_name(msg, i)
        i += 4
    data = []
    for _ in range(an):
        _, i = read_name(msg, i)
        t, _, _, length = struct.unpack(">HHIH", msg[i:i + 10])
        i += 10
        if t == TYPES[rtype]:
            data.append(rdata_text(msg, i, t, length))
        i += length
    return flags & 0xF, bool(flags & 0x0400), data
