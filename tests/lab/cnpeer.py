#!/usr/bin/python3
"""A mobile node's side of return routability, written from RFC 6275 alone
(no code shared with mip6): the oracle for tests/lab/cn.bats.

Runs in the mobile node's namespace, sends raw frames on IFACE to the
router and reads the answers off the same interface (AF_PACKET), so it
sees the HoT (routed to the home address: the lab routes it to us, as a
home agent's tunnel would), the CoT, BAs with their type 2 routing header
and Binding Errors.  Tokens, Kbm and the authenticator are computed here
with hashlib/hmac from what the correspondent sent.

  cnpeer.py STATE hoti HOA CN          HoTI from HOA -> "hot nonce=N cookie=ok"
  cnpeer.py STATE coti COA CN          CoTI from COA -> "cot nonce=N cookie=ok"
  cnpeer.py STATE bu SEQ LIFETIME [ack] [forge] [home-nonce=N|stale] [coa-nonce=N|stale]
                  [coa=ADDR]
                                       BU from COA with a Home Address option
                                       -> "ba status=S seq=Q lifetime=L
                                       auth=ok|bad|none via=COA rh2=HOA"
                                       or "no ba"
  cnpeer.py STATE mhtype TYPE          an MH of that type from COA -> "be ..."
  cnpeer.py STATE haoping              an echo request from COA with a Home
                                       Address option -> "be status=1 hoa=HOA"
  cnpeer.py STATE echo [from=ADDR]     the same from ADDR (default COA), any
                                       answer -> "reply to=A rh2=HOA" or
                                       "be status=S hoa=HOA to=A" or "nothing"
  cnpeer.py STATE init-hao hoti|coti   a HoTI/CoTI carrying a Home Address
                                       option -> "hot ..."/"cot ..." or "nothing"
BU words besides those above: home (from the home address, no Home Address
option: returning home), altcoa=ADDR (Alternate Care-of Address option;
the CoTI was ADDR's), h (H flag), no-nonce, no-auth, pad (Pad1, PadN and
an unknown option type 200 before the Nonce Indices), auth-not-last (a PadN
after the Binding Authorization Data).

STATE is a JSON file keeping the addresses, nonce indices and tokens.
Environment: CNPEER_IF (default mn0), CNPEER_GW_MAC (the router's MAC on
the link, default r-f1's 02:00:00:00:01:02), CNPEER_TIMEOUT (s, default 2).
"""

import hashlib
import hmac
import ipaddress
import json
import os
import socket
import struct
import sys
import time

IFACE = os.environ.get("CNPEER_IF", "mn0")
GW_MAC = os.environ.get("CNPEER_GW_MAC", "02:00:00:00:01:02")
TIMEOUT = float(os.environ.get("CNPEER_TIMEOUT", "2"))
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
MH, DSTOPTS, ROUTING, ICMPV6, NONE = 135, 60, 43, 58, 59


def a2b(a):
    return ipaddress.IPv6Address(a).packed


def b2a(b):
    return str(ipaddress.IPv6Address(bytes(b)))


def csum(src, dst, nh, data):
    """Internet checksum with the IPv6 pseudo-header (RFC 8200 8.1)."""
    ph = a2b(src) + a2b(dst) + struct.pack("!IxxxB", len(data), nh)
    s = ph + data
    if len(s) % 2:
        s += b"\0"
    t = sum(struct.unpack("!%dH" % (len(s) // 2), s))
    while t >> 16:
        t = (t & 0xFFFF) + (t >> 16)
    return (~t) & 0xFFFF


def mh(mhtype, body):
    """A Mobility Header: proto 59, length, type, reserved, checksum 0."""
    total = 6 + len(body)
    assert total % 8 == 0, "caller pads"
    return struct.pack("!BBBBH", NONE, total // 8 - 1, mhtype, 0, 0) + body


def with_csum(m, src, dst):
    c = csum(src, dst, MH, m)
    return m[:4] + struct.pack("!H", c) + m[6:]


def hao_dstopts(hoa, nh):
    """Destination Options header: PadN(4) + Home Address option at 8n+6."""
    return struct.pack("!BB", nh, 2) + b"\x01\x02\0\0" + \
        struct.pack("!BB", 0xC9, 16) + a2b(hoa)


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, 64) + \
        a2b(src) + a2b(dst) + payload


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


class Link:
    def __init__(self):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_IPV6))
        self.s.bind((IFACE, ETH_P_IPV6))
        self.me = self.s.getsockname()[4]

    def send(self, pkt):
        self.s.send(mac(GW_MAC) + self.me + struct.pack("!H", ETH_P_IPV6) +
                    pkt)

    def recv(self, want, timeout=TIMEOUT):
        """First incoming IPv6 packet for which want(parsed) is true."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                frame, addr = self.s.recvfrom(65535)
            except socket.timeout:
                return None
            if addr[2] == PACKET_OUTGOING:
                continue
            p = parse(frame[14:])
            if p is not None and want(p):
                return p


def parse(pkt):
    """IPv6 header, routing header type 2, destination options, MH/ICMPv6."""
    if len(pkt) < 40 or pkt[0] >> 4 != 6:
        return None
    p = {"src": b2a(pkt[8:24]), "dst": b2a(pkt[24:40]), "rh2": None,
         "mh": None, "icmp": None}
    nh, off = pkt[6], 40
    while True:
        if nh in (ROUTING, DSTOPTS, 0):
            if len(pkt) < off + 8:
                return None
            hl = (pkt[off + 1] + 1) * 8
            if nh == ROUTING and pkt[off + 2] == 2 and hl == 24:
                # every type 2 routing header, to see a doubled one
                a = b2a(pkt[off + 8:off + 24])
                p["rh2"] = a if p["rh2"] is None else p["rh2"] + "," + a
            nh, off = pkt[off], off + hl
            continue
        break
    if nh == MH and len(pkt) >= off + 6:
        hl = (pkt[off + 1] + 1) * 8
        p["mh"] = pkt[off:off + hl]
        p["mhtype"] = pkt[off + 2]
    elif nh == ICMPV6:
        p["icmp"] = pkt[off:]
    return p


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def save(path, st):
    with open(path, "w") as f:
        json.dump(st, f)


def test_init(st, kind, addr, cn):
    """HoTI (kind 1) from the home address or CoTI (2) from the care-of."""
    cookie = os.urandom(8)
    m = with_csum(mh(kind, b"\0\0" + cookie), addr, cn)
    link = Link()
    link.send(ipv6(addr, cn, MH, m))
    want = kind + 2
    p = link.recv(lambda p: p["mhtype"] == want and p["src"] == cn
                  and p["dst"] == addr if p["mh"] else False)
    name = "hot" if kind == 1 else "cot"
    if p is None:
        print("no %s" % name)
        return 1
    m = p["mh"]
    idx, = struct.unpack("!H", m[6:8])
    ok = m[8:16] == cookie
    token = m[16:24]
    if kind == 1:
        st.update(hoa=addr, cn=cn, hni=idx, htok=token.hex())
    else:
        st.update(coa=addr, cn=cn, cni=idx, ctok=token.hex())
    rh = " rh2=%s" % p["rh2"] if p["rh2"] else ""
    print("%s nonce=%d cookie=%s%s" % (name, idx, "ok" if ok else "bad", rh))
    return 0 if ok else 1


def bu(st, seq, lifetime, flags):
    hoa, coa, cn = st["hoa"], flags.get("coa", st["coa"]), st["cn"]
    if "home" in flags:
        coa = hoa
    # the care-of address bound: the Alternate Care-of Address option's,
    # else the source's (RFC 6275 6.2.5); tokens and authenticator use it
    bcoa = flags.get("altcoa", coa)
    hni = flags.get("home-nonce", st["hni"])
    cni = flags.get("coa-nonce", st.get("cni", 0))
    # "stale": half the index space away from the one handed out
    hni = (st["hni"] + 32768) & 0xFFFF if hni == "stale" else int(hni)
    cni = (st["cni"] + 32768) & 0xFFFF if cni == "stale" else int(cni)
    dereg = lifetime == 0 or bcoa == hoa
    htok = bytes.fromhex(st["htok"])
    kbm = hashlib.sha1(htok if dereg else
                       htok + bytes.fromhex(st["ctok"])).digest()
    fl = 0x8000 if "ack" in flags else 0
    if "h" in flags:
        fl |= 0x4000
    # fixed part 12, Nonce Indices at 12 (2n), BAD at 18 (8n+2): 32 octets
    nonce = struct.pack("!BBHH", 4, 4, hni, cni)
    if "no-nonce" in flags:
        nonce = b"\1\4\0\0\0\0"                 # PadN in its place
    if "altcoa" in flags:
        # PadN(2), Alternate CoA at 14 (8n+6), Nonce Indices at 32 (2n),
        # PadN(4): the BAD at 42 (8n+2)
        nonce = b"\1\0" + struct.pack("!BB", 3, 16) + a2b(bcoa) + nonce + \
            b"\1\2\0\0"
    if "pad" in flags:
        # Pad1, PadN(1), unknown type 200 (4 octets): the options move by
        # 8 octets, alignment kept; a receiver skips all three
        nonce = b"\0" + b"\1\1\0" + b"\xc8\2\xab\xcd" + nonce
    bad = struct.pack("!BB", 5, 12) + b"\0" * 12
    if "no-auth" in flags:
        bad = b"\1\14" + b"\0" * 12                # PadN in its place
    tail = b"\1\6" + b"\0" * 6 if "auth-not-last" in flags else b""
    body = struct.pack("!HHH", seq, fl, lifetime // 4) + nonce + bad + tail
    m = mh(5, body)
    end = len(m) - len(tail)
    auth = hmac.new(kbm, a2b(bcoa) + a2b(cn) + m[:end - 12],
                    hashlib.sha1).digest()[:12]
    if "forge" in flags:
        auth = bytes(b ^ 0xFF for b in auth)
    if "no-auth" not in flags:
        m = m[:end - 12] + auth + m[end:]
    m = with_csum(m, hoa, cn)
    link = Link()
    if "home" in flags:
        link.send(ipv6(hoa, cn, MH, m))
    else:
        link.send(ipv6(coa, cn, DSTOPTS, hao_dstopts(hoa, MH) + m))
    p = link.recv(lambda p: p["mh"] is not None and p["mhtype"] == 6 and
                  p["src"] == cn)
    if p is None:
        print("no ba")
        return 0
    m = p["mh"]
    status, _, bseq, blife = struct.unpack("!BBHH", m[6:12])
    auth = "none"
    # a BAD option (type 5, length 12) ends the BA when it has one
    if len(m) >= 26 and m[-14] == 5 and m[-13] == 12:
        z = m[:4] + b"\0\0" + m[6:-12]
        want = hmac.new(kbm, a2b(bcoa) + a2b(cn) + z,
                        hashlib.sha1).digest()[:12]
        auth = "ok" if want == m[-12:] else "bad"
    print("ba status=%d seq=%d lifetime=%d auth=%s via=%s rh2=%s" %
          (status, bseq, blife * 4, auth, p["dst"], p["rh2"]))
    return 0


def be_wait(link, cn):
    p = link.recv(lambda p: p["mh"] is not None and p["mhtype"] == 7 and
                  p["src"] == cn)
    if p is None:
        print("no be")
        return 0
    m = p["mh"]
    print("be status=%d hoa=%s to=%s" % (m[6], b2a(m[8:24]), p["dst"]))
    return 0


def mhtype(st, t):
    coa, cn = st["coa"], st["cn"]
    m = with_csum(mh(t, b"\0" * 10), coa, cn)
    link = Link()
    link.send(ipv6(coa, cn, MH, m))
    return be_wait(link, cn)


def haoping(st):
    hoa, coa, cn = st["hoa"], st["coa"], st["cn"]
    icmp = struct.pack("!BBHHH", 128, 0, 0, 0x4d36, 1) + b"cnpeer"
    c = csum(hoa, cn, ICMPV6, icmp)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    link = Link()
    link.send(ipv6(coa, cn, DSTOPTS, hao_dstopts(hoa, ICMPV6) + icmp))
    return be_wait(link, cn)


def echo(st, flags):
    """Echo request with a Home Address option; whatever comes back."""
    hoa, cn = st["hoa"], st["cn"]
    coa = flags.get("from", st["coa"])
    ident = os.getpid() & 0xFFFF
    icmp = struct.pack("!BBHHH", 128, 0, 0, ident, 1) + b"cnpeer"
    c = csum(hoa, cn, ICMPV6, icmp)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    link = Link()
    link.send(ipv6(coa, cn, DSTOPTS, hao_dstopts(hoa, ICMPV6) + icmp))

    def want(p):
        if p["src"] != cn:
            return False
        if p["mh"] is not None:
            return p["mhtype"] == 7
        i = p["icmp"]
        return i is not None and len(i) >= 6 and i[0] == 129 and \
            struct.unpack("!H", i[4:6])[0] == ident
    p = link.recv(want)
    if p is None:
        print("nothing")
    elif p["mh"] is not None:
        m = p["mh"]
        print("be status=%d hoa=%s to=%s" % (m[6], b2a(m[8:24]), p["dst"]))
    else:
        print("reply to=%s rh2=%s" % (p["dst"], p["rh2"]))
    return 0


def init_hao(st, kind):
    """A HoTI (1) or CoTI (2) with a Home Address option (RFC 6275 9.4)."""
    hoa, coa, cn = st["hoa"], st["coa"], st["cn"]
    m = with_csum(mh(kind, b"\0\0" + os.urandom(8)), hoa, cn)
    link = Link()
    link.send(ipv6(coa, cn, DSTOPTS, hao_dstopts(hoa, MH) + m))
    p = link.recv(lambda p: p["mh"] is not None and
                  p["mhtype"] == kind + 2 and p["src"] == cn)
    print("nothing" if p is None else
          "%s to=%s" % ("hot" if kind == 1 else "cot", p["dst"]))
    return 0


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, cmd, args = argv[1], argv[2], argv[3:]
    st = load(path)
    if cmd == "hoti":
        rc = test_init(st, 1, args[0], args[1])
    elif cmd == "coti":
        rc = test_init(st, 2, args[0], args[1])
    elif cmd == "bu":
        flags = {}
        for a in args[2:]:
            k, _, v = a.partition("=")
            flags[k] = v
        rc = bu(st, int(args[0]), int(args[1]), flags)
    elif cmd == "mhtype":
        rc = mhtype(st, int(args[0]))
    elif cmd == "haoping":
        rc = haoping(st)
    elif cmd == "echo":
        rc = echo(st, dict(a.partition("=")[::2] for a in args))
    elif cmd == "init-hao":
        rc = init_hao(st, 1 if args[0] == "hoti" else 2)
    else:
        print("unknown command %s" % cmd, file=sys.stderr)
        return 2
    save(path, st)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
