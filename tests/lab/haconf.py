#!/usr/bin/python3
"""RFC 6275 conformance probes against the home agent, for
tests/lab/haconf.bats: a tester on foreign link 1 sends crafted Mobility
Header messages from its care-of address and prints, per case, what came
back to the care-of address (one scapy start for many cases).

  haconf.py --ha A --coa C CASE [CASE ...]

A CASE is NAME,key=value,...; keys:
  hoa=ADDR      home address (Home Address option; default --hoa)
  seq=N flags=AHL... life=UNITS   the Binding Update's fields
  opts=HEX      mobility options after the fixed part (padded with Pad1)
  altcoa=ADDR   an Alternate Care-of Address option (PadN to 8n+6 first)
  proto=N       Payload Proto (default 59), checksum kept right
  short=1       a BU of 8 octets: Header Len 0, below the BU's minimum
  nohao=1       no Home Address option: sent from the care-of address
  wait=S        how long to listen (default 3), until=N messages (1)
  gap=S         pause before sending (default 0.3)
  echo=1        an ICMPv6 echo request with a Home Address option (hoa)
                instead of a Binding Update (RFC 6275 9.3.1)
  from=ADDR     the packet's source (care-of address; default --coa):
                answers to ADDR are read

Output, one line per case:
  NAME: BA status=0 seq=1 lifetime=25 flags=0x00 rh2=HOA src=HA
  NAME: PARAMPROB code=0 pointer=40 src=HA
  NAME: ECHOREPLY src=HA dst=HOA outer=HA   (an echo reply tunnelled to
                                             the care-of address)
  NAME: NONE
several answers joined with " | ".  The Mobility Header is laid out by
mnsim.py (not by our codec nor scapy's MIP6 classes): an independent
oracle.
"""
import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scapy.config import conf  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, HAO  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.sendrecv import AsyncSniffer, sendp  # noqa: E402

import mnsim  # noqa: E402

conf.verb = 0

IPPROTO_MH = 135
IPPROTO_ICMPV6 = 58
ICMP6_PARAMPROB = 4
ICMP6_ECHO_REQUEST = 128
ICMP6_ECHO_REPLY = 129


def parse(frame, coa):
    """mnsim's line for a Mobility Header, or one for a Parameter
    Problem or a tunnelled echo reply to the care-of address."""
    line = mnsim.parse(frame, coa)
    if line:
        return line
    if IPv6 not in frame or frame[IPv6].dst != coa:
        return None
    raw = bytes(frame[IPv6])
    if raw[6] == 41 and len(raw) >= 88 and raw[40 + 6] == IPPROTO_ICMPV6 \
            and raw[80] == ICMP6_ECHO_REPLY:
        return "ECHOREPLY src=%s dst=%s outer=%s" % (
            socket.inet_ntop(socket.AF_INET6, raw[48:64]),
            socket.inet_ntop(socket.AF_INET6, raw[64:80]), frame[IPv6].src)
    if raw[6] != 58 or len(raw) < 48 or raw[40] != ICMP6_PARAMPROB:
        return None
    code = raw[41]
    pointer = struct.unpack("!I", raw[44:48])[0]
    return "PARAMPROB code=%d pointer=%d src=%s" % (
        code, pointer, frame[IPv6].src)


def build_echo(a, spec):
    """An echo request from the care-of address with a Home Address
    option; the checksum over the home address (RFC 6275 6.3)."""
    hoa = spec.get("hoa", a.hoa)
    src = spec.get("from", a.coa)
    icmp = bytearray(struct.pack("!BBHHH", ICMP6_ECHO_REQUEST, 0, 0,
                                 os.getpid() & 0xFFFF, 1) + b"haconf")
    pseudo = (socket.inet_pton(socket.AF_INET6, hoa) +
              socket.inet_pton(socket.AF_INET6, a.ha) +
              struct.pack("!I3xB", len(icmp), IPPROTO_ICMPV6))
    icmp[2:4] = struct.pack("!H", mnsim.checksum(pseudo + bytes(icmp)))
    return (IPv6(src=src, dst=a.ha) /
            IPv6ExtHdrDestOpt(nh=IPPROTO_ICMPV6, options=[HAO(hoa=hoa)]) /
            Raw(bytes(icmp)))


def build(a, spec):
    if spec.get("echo") == "1":
        return build_echo(a, spec)
    hoa = spec.get("hoa", a.hoa)
    nohao = spec.get("nohao") == "1"
    flags = 0
    for ch in spec.get("flags", "AH"):
        flags |= mnsim.FLAGS[ch]
    if spec.get("short") == "1":
        body = struct.pack("!H", int(spec.get("seq", "1")))
    else:
        body = struct.pack("!HHH", int(spec.get("seq", "1")), flags,
                           int(spec.get("life", "25")))
        body += bytes.fromhex(spec.get("opts", ""))
        if "altcoa" in spec:
            # The option at 8n+6: 12 octets so far, PadN of 2 (4 octets).
            while (6 + len(body)) % 8 != 6:
                body += b"\0"     # Pad1
            body += bytes([3, 16]) + socket.inet_pton(socket.AF_INET6,
                                                      spec["altcoa"])
    src = a.coa if nohao else hoa
    mh = bytearray(mnsim.mh_build(5, body, src, a.ha))
    proto = int(spec.get("proto", "59"))
    if proto != 59:
        # The checksum summed again over the changed header.
        mh[0] = proto
        mh[4:6] = b"\0\0"
        pseudo = (socket.inet_pton(socket.AF_INET6, src) +
                  socket.inet_pton(socket.AF_INET6, a.ha) +
                  struct.pack("!I3xB", len(mh), IPPROTO_MH))
        mh[4:6] = struct.pack("!H", mnsim.checksum(pseudo + bytes(mh)))
    if nohao:
        return IPv6(src=a.coa, dst=a.ha, nh=IPPROTO_MH) / Raw(bytes(mh))
    return (IPv6(src=a.coa, dst=a.ha) /
            IPv6ExtHdrDestOpt(nh=IPPROTO_MH, options=[HAO(hoa=hoa)]) /
            Raw(bytes(mh)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hoa", required=True)
    p.add_argument("--coa", required=True)
    p.add_argument("--ha", required=True)
    p.add_argument("--iface", default="mn0")
    p.add_argument("--router-mac", default="02:00:00:00:01:02")
    p.add_argument("--mac", default="02:00:00:00:00:10")
    p.add_argument("cases", nargs="+")
    a = p.parse_args()

    seen = []
    sn = AsyncSniffer(iface=a.iface, store=False,
                      prn=lambda f: seen.append(f))
    sn.start()
    time.sleep(0.3)
    for case in a.cases:
        name, *kvs = case.split(",")
        spec = dict(kv.split("=", 1) for kv in kvs)
        time.sleep(float(spec.get("gap", "0.3")))
        del seen[:]
        sendp(Ether(src=a.mac, dst=a.router_mac) / build(a, spec),
              iface=a.iface)
        end = time.time() + float(spec.get("wait", "3"))
        until = int(spec.get("until", "1"))
        dst = spec.get("from", a.coa)
        while time.time() < end:
            if len([x for x in seen[:] if parse(x, dst)]) >= until:
                break
            time.sleep(0.05)
        got = [y for y in (parse(x, dst) for x in seen[:]) if y]
        print("%s: %s" % (name, " | ".join(got) if got else "NONE"),
              flush=True)
    sn.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
