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
# answered as DIR/mode.HA says (read at every BU; missing: accept):
#
#   accept      BA status 0, the BU's number and lifetime
#   silent      no answer
#   reject S    BA status S
#
# The BA goes from that HA through a raw MH socket bound to it, to the
# care-of address with a type 2 routing header holding the home address.
# Ready once DIR/ready exists.
import os
import socket
import struct
import sys
import time
import traceback

from scapy.all import sniff  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402

IPPROTO_MH = 135
IPV6_RTHDR = 57
IPV6_CHECKSUM = 7
MH_BU, MH_BA = 5, 6
DHAAD_REQ, DHAAD_REP = 144, 145

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
    else:
        send_ba(ha, src, hoa, 0, seq, lifetime)


def handle(p):
    if IPv6 not in p:
        return
    src, dst, hoa, nh, m = walk(bytes(p[IPv6]))
    if dst == socket.inet_pton(socket.AF_INET6, anycast):
        if nh == 58:
            dhaad(src, m)
    elif dst in norm and nh == IPPROTO_MH:
        bu(norm[dst], src, hoa, m)


def on_packet(p):
    try:
        handle(p)
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()


flt = "ip6 and (" + " or ".join("dst host %s" % a
                                for a in [anycast] + has) + ")"
sniff(iface=iface, filter=flt, prn=on_packet, store=False,
      started_callback=lambda: open(os.path.join(work, "ready"),
                                    "w").close())
