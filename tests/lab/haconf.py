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

Output, one line per case:
  NAME: BA status=0 seq=1 lifetime=25 flags=0x00 rh2=HOA src=HA
  NAME: PARAMPROB code=0 pointer=40 src=HA
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
ICMP6_PARAMPROB = 4


def parse(frame, coa):
    """mnsim's line for a Mobility Header, or one for a Parameter
    Problem to the care-of address."""
    line = mnsim.parse(frame, coa)
    if line:
        return line
    if IPv6 not in frame or frame[IPv6].dst != coa:
        return None
    raw = bytes(frame[IPv6])
    if raw[6] != 58 or len(raw) < 48 or raw[40] != ICMP6_PARAMPROB:
        return None
    code = raw[41]
    pointer = struct.unpack("!I", raw[44:48])[0]
    return "PARAMPROB code=%d pointer=%d src=%s" % (
        code, pointer, frame[IPv6].src)


def build(a, spec):
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
                      prn=lambda f: seen.append(parse(f, a.coa)))
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
        while time.time() < end:
            if len([x for x in seen if x]) >= until:
                break
            time.sleep(0.05)
        got = [x for x in seen if x]
        print("%s: %s" % (name, " | ".join(got) if got else "NONE"),
              flush=True)
    sn.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
