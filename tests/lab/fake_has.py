#!/usr/bin/python3
# Several fake home agents and a DHAAD responder on the home link, for the
# mobile node's conformance suite (tests/lab/mnconf.bats): an independent
# oracle of what mip6-mn sends (scapy captures before the kernel sees it).
#
#   fake_has.py IFACE DIR ANYCAST HA...
#
# Every address (ANYCAST and each HA) must be on IFACE already.
#
# A DHAAD Request (ICMPv6 144) to ANYCAST: one line in DIR/dhaad.log
#
#   t=MONOTONIC src=S id=N
#
# and a Reply (145) with its identifier listing the addresses of
# DIR/halist (one line, space-separated, read at every request; empty or
# missing: no reply), sent from the first HA to the request's source.
#
# A Binding Update to one of the HAs: one line in DIR/bu.log
#
#   t=MONOTONIC ha=HA src=S hoa=H|- seq=N flags=0xF lifetime=U
#
# (an ESP packet to one of the HAs: "t=... ha=HA src=S hoa=H|- esp=1
# spi=0xN", unanswered) answered as DIR/mode.HA says (read at every BU; missing: accept):
#
#   accept [L]  BA status 0, the BU's number and lifetime (or L, in 4 s
#               units, when L is less)
#   accept1     BA status 1 (accepted, prefix discovery necessary)
#   silent      no answer
#   reject S    BA status S
#
# The BA goes from that HA through a raw MH socket bound to it, to the
# care-of address with a type 2 routing header holding the home address.
#
# A Mobile Prefix Solicitation (ICMPv6 146) to one of the HAs: one line in
# DIR/mps.log
#
#   t=MONOTONIC ha=HA src=S hoa=H|- id=N
#
# answered, when DIR/mpa holds "VALID PREFERRED", with a Mobile Prefix
# Advertisement (147) echoing the identifier: one Prefix Information
# option (L, A) for the home prefix with those
# lifetimes, from HA to the home address through a type 2 routing header
# to the care-of address.
#
# DIR/unsolicited holding "HA HOA COA ID VALID PREFERRED" makes the fake
# send that advertisement unasked (the file is removed, then the line
# "t=... unsolicited id=ID" goes to DIR/mps.log).
#
# DIR/be holding "HA DST HOA STATUS" makes the fake send a Binding Error
# (MH type 7) with that status and home address from HA to DST (the file
# is removed, then "t=... be status=STATUS" goes to DIR/bu.log).
#
# The home prefix of the advertisements: environment HOME_PREFIX
# (default 2001:db8:1::/64).  Ready once DIR/ready exists.
import os
import socket
import struct
import sys
import threading
import time
import traceback

from scapy.all import sniff  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402

IPPROTO_MH = 135
IPV6_RTHDR = 57
IPV6_CHECKSUM = 7
MH_BU, MH_BA = 5, 6
DHAAD_REQ, DHAAD_REP = 144, 145
MPS, MPA = 146, 147

iface, work, anycast = sys.argv[1], sys.argv[2], sys.argv[3]
has = sys.argv[4:]
norm = {socket.inet_pton(socket.AF_INET6, a): a for a in has}

mh = {}
for a in has:
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, 4)
    s.bind((a, 0))
    mh[a] = s
icmp = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
icmp.bind((has[0], 0))
icmp_from = {}
for a in has:
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.bind((a, 0))
    icmp_from[a] = s
pfx, plen = os.environ.get("HOME_PREFIX", "2001:db8:1::/64").split("/")


def read(name):
    try:
        with open(os.path.join(work, name)) as f:
            return f.read().split()
    except OSError:
        return []


def log(name, line):
    with open(os.path.join(work, name), "a") as f:
        f.write("t=%.3f %s\n" % (time.monotonic(), line))


def walk(data):
    """(src, dst, hoa, next header, payload) of an IPv6 packet."""
    src = socket.inet_ntop(socket.AF_INET6, data[8:24])
    dst = data[24:40]
    nh, off, hoa = data[6], 40, None
    while nh in (0, 43, 60):
        hlen = (data[off + 1] + 1) * 8
        if nh == 60:
            o = off + 2
            while o < off + hlen:
                if data[o] == 0:
                    o += 1
                    continue
                if data[o] == 0xC9 and data[o + 1] == 16:
                    hoa = socket.inet_ntop(socket.AF_INET6,
                                           data[o + 2:o + 18])
                o += 2 + data[o + 1]
        nh, off = data[off], off + hlen
    return src, dst, hoa, nh, data[off:]


def send_ba(ha, to, hoa, status, seq, lifetime):
    ba = struct.pack("!BBBBHBBHH", 59, 1, MH_BA, 0, 0, status, 0, seq,
                     lifetime)
    ba += b"\x01\x02\x00\x00"  # PadN to 16 octets
    anc, dst = [], to
    if hoa is not None:
        rh = struct.pack("!BBBBI", 0, 2, 2, 1, 0) + \
            socket.inet_pton(socket.AF_INET6, to)
        anc = [(socket.IPPROTO_IPV6, IPV6_RTHDR, rh)]
        dst = hoa
    try:
        mh[ha].sendmsg([ba], anc, 0, (dst, 0))
    except OSError as e:
        print("fake_has: send BA:", e, file=sys.stderr, flush=True)


def dhaad(src, m):
    if len(m) < 8 or m[0] != DHAAD_REQ:
        return
    ident = struct.unpack("!H", m[4:6])[0]
    log("dhaad.log", "src=%s id=%d" % (src, ident))
    lst = read("halist")
    if not lst:
        return
    rep = struct.pack("!BBHHH", DHAAD_REP, 0, 0, ident, 0)
    for a in lst:
        rep += socket.inet_pton(socket.AF_INET6, a)
    try:
        icmp.sendto(rep, (src, 0))
    except OSError as e:
        print("fake_has: send reply:", e, file=sys.stderr, flush=True)


def bu(ha, src, hoa, m):
    if len(m) < 12 or m[2] != MH_BU:
        return
    seq, flags, lifetime = struct.unpack("!HHH", m[6:12])
    log("bu.log", "ha=%s src=%s hoa=%s seq=%d flags=0x%04x lifetime=%d" %
        (ha, src, hoa or "-", seq, flags, lifetime))
    md = read("mode." + ha) or ["accept"]
    if md[0] == "silent":
        return
    if md[0] == "reject":
        send_ba(ha, src, hoa, int(md[1]), seq, 0)
    elif md[0] == "accept1":
        send_ba(ha, src, hoa, 1, seq, lifetime)
    elif len(md) > 1 and int(md[1]) < lifetime:
        send_ba(ha, src, hoa, 0, seq, int(md[1]))
    else:
        send_ba(ha, src, hoa, 0, seq, lifetime)


def send_mpa(ha, coa, hoa, ident, valid, preferred):
    """A Mobile Prefix Advertisement through a type 2 routing header."""
    mpa = struct.pack("!BBHHH", MPA, 0, 0, ident, 0)
    mpa += struct.pack("!BBBBIII", 3, 4, int(plen), 0xC0, valid, preferred,
                       0) + socket.inet_pton(socket.AF_INET6, pfx)
    rh = struct.pack("!BBBBI", 0, 2, 2, 1, 0) + \
        socket.inet_pton(socket.AF_INET6, coa)
    try:
        icmp_from[ha].sendmsg([mpa], [(socket.IPPROTO_IPV6, IPV6_RTHDR, rh)],
                              0, (hoa, 0))
    except OSError as e:
        print("fake_has: send MPA:", e, file=sys.stderr, flush=True)


def mps(ha, src, hoa, m):
    ident = struct.unpack("!H", m[4:6])[0]
    log("mps.log", "ha=%s src=%s hoa=%s id=%d" % (ha, src, hoa or "-",
                                                  ident))
    lt = read("mpa")
    if len(lt) == 2 and hoa is not None:
        send_mpa(ha, src, hoa, ident, int(lt[0]), int(lt[1]))


def send_be(ha, dst, hoa, status):
    be = struct.pack("!BBBBHBB", 59, 2, 7, 0, 0, status, 0) + \
        socket.inet_pton(socket.AF_INET6, hoa)
    try:
        mh[ha].sendto(be, (dst, 0))
    except OSError as e:
        print("fake_has: send BE:", e, file=sys.stderr, flush=True)


def unsolicited():
    f = os.path.join(work, "unsolicited")
    while True:
        time.sleep(0.1)
        try:
            w = read("be")
            if len(w) == 4:
                os.unlink(os.path.join(work, "be"))
                send_be(w[0], w[1], w[2], int(w[3]))
                log("bu.log", "be status=%s hoa=%s" % (w[3], w[2]))
            w = read("unsolicited")
            if len(w) == 6:
                os.unlink(f)
                send_mpa(w[0], w[2], w[1], int(w[3]), int(w[4]), int(w[5]))
                log("mps.log", "unsolicited id=%s" % w[3])
        except Exception:
            traceback.print_exc()
            sys.stderr.flush()


def handle(p):
    if IPv6 not in p:
        return
    src, dst, hoa, nh, m = walk(bytes(p[IPv6]))
    if dst == socket.inet_pton(socket.AF_INET6, anycast):
        if nh == 58:
            dhaad(src, m)
    elif dst in norm and nh == 50:
        # ESP: opaque here; one line so a test sees what went where.
        log("bu.log", "ha=%s src=%s hoa=%s esp=1 spi=0x%x" %
            (norm[dst], src, hoa or "-", struct.unpack("!I", m[0:4])[0]))
    elif dst in norm and nh == IPPROTO_MH:
        bu(norm[dst], src, hoa, m)
    elif dst in norm and nh == 58 and len(m) >= 8 and m[0] == MPS:
        mps(norm[dst], src, hoa, m)


def on_packet(p):
    try:
        handle(p)
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()


threading.Thread(target=unsolicited, daemon=True).start()
flt = "ip6 and (" + " or ".join("dst host %s" % a
                                for a in [anycast] + has) + ")"
sniff(iface=iface, filter=flt, prn=on_packet, store=False,
      started_callback=lambda: open(os.path.join(work, "ready"),
                                    "w").close())
