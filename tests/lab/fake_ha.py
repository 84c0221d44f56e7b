#!/usr/bin/python3
# A fake home agent for the mobile node's lab suite (tests/lab/mn.bats):
# an independent oracle for what mip6-mn puts on the wire.
#
#   fake_ha.py IFACE HA_ADDR DIR
#
# Captures every packet to HA_ADDR on IFACE (scapy, before the kernel sees
# it), and for each Binding Update writes one line to DIR/bu.log:
#
#   t=MONOTONIC src=S hoa=H|- seq=N flags=0xF lifetime=U altcoa=A|- esp=0|1
#
# then answers as DIR/mode says (read at every BU, so a test can change
# it while this runs):
#
#   accept        BA status 0, the BU's sequence number and lifetime
#   silent        no answer (retransmissions)
#   resync N      a BU with a number other than N+1: BA 135 carrying N
#                 as the last accepted number; N+1 is accepted
#   reject S      BA status S
#
# The BA goes from HA_ADDR through a raw MH socket: to the care-of address
# with a type 2 routing header holding the home address when the BU had a
# Home Address option, else straight to the source (a deregistration from
# home).  The kernel fills in the checksum.  Ready once DIR/ready exists.
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

iface, ha_addr, work = sys.argv[1], sys.argv[2], sys.argv[3]

mh = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
mh.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, 4)
mh.bind((ha_addr, 0))


def mode():
    try:
        with open(os.path.join(work, "mode")) as f:
            return f.read().split()
    except OSError:
        return ["accept"]


def parse(data):
    """(src, hoa, esp, mh bytes) of an IPv6 packet, walking its headers."""
    src = socket.inet_ntop(socket.AF_INET6, data[8:24])
    nh, off, hoa, esp = data[6], 40, None, False
    while True:
        if nh in (0, 43, 60):
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
        elif nh == 50:
            return src, hoa, True, None
        elif nh == IPPROTO_MH:
            return src, hoa, esp, data[off:]
        else:
            return src, hoa, esp, None


def send_ba(to, hoa, status, seq, lifetime):
    ba = struct.pack("!BBBBHBBHH", 59, 1, MH_BA, 0, 0, status, 0, seq,
                     lifetime)
    ba += b"\x01\x02\x00\x00"  # PadN to 16 octets
    anc = []
    dst = to
    if hoa is not None:
        # Type 2 routing header: the kernel puts the first address in the
        # destination and the final one (hoa) into the header.
        rh = struct.pack("!BBBBI", 0, 2, 2, 1, 0) + \
            socket.inet_pton(socket.AF_INET6, to)
        anc = [(socket.IPPROTO_IPV6, IPV6_RTHDR, rh)]
        dst = hoa
    try:
        mh.sendmsg([ba], anc, 0, (dst, 0))
    except OSError as e:
        print("fake_ha: send BA:", e, file=sys.stderr, flush=True)


def on_packet(p):
    try:
        handle(p)
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()


def handle(p):
    if IPv6 not in p:
        return
    src, hoa, esp, m = parse(bytes(p[IPv6]))
    if m is None and not esp:
        return
    line = "t=%.3f src=%s hoa=%s" % (time.monotonic(), src, hoa or "-")
    if esp:
        with open(os.path.join(work, "bu.log"), "a") as f:
            f.write(line + " esp=1\n")
        return
    if len(m) < 12 or m[2] != MH_BU:
        return
    seq, flags, lifetime = struct.unpack("!HHH", m[6:12])
    altcoa = "-"
    o = 12
    while o + 1 < len(m):
        if m[o] == 0:
            o += 1
            continue
        if m[o] == 3 and m[o + 1] == 16:
            altcoa = socket.inet_ntop(socket.AF_INET6, m[o + 2:o + 18])
        o += 2 + m[o + 1]
    with open(os.path.join(work, "bu.log"), "a") as f:
        f.write("%s seq=%d flags=0x%04x lifetime=%d altcoa=%s esp=0\n" %
                (line, seq, flags, lifetime, altcoa))
    md = mode()
    if md[0] == "silent":
        return
    if md[0] == "reject":
        send_ba(src, hoa, int(md[1]), seq, 0)
    elif md[0] == "resync" and seq != (int(md[1]) + 1) % 65536:
        send_ba(src, hoa, 135, int(md[1]), 0)
    else:
        send_ba(src, hoa, 0, seq, lifetime)


sniff(iface=iface, filter="ip6 and dst host %s" % ha_addr, prn=on_packet,
      store=False, started_callback=lambda: open(os.path.join(work, "ready"),
                                                 "w").close())
