#!/usr/bin/python3
"""A mobile node by hand, for tests/lab/ha.bats: send one Mobility Header
message to the home agent from a care-of address with a Home Address
option (scapy for the frame), then capture what comes back to the care-of
address for a while and print one line per Mobility Header message seen.

The Mobility Header and its checksum are laid out here, not by scapy's
MIP6 classes nor by our codec, so the test is an independent oracle.

  mnsim.py --hoa H --coa C --ha A [--seq N] [--lifetime UNITS] [--flags AH]
           [--type 5] [--bad overrun|optlen] [--no-hao] [--wait S]
           [--count N] [--until N] [--listen-only] [--esp-spi N --esp-auth HEX --esp-enc HEX]

Output lines (what arrived at the care-of address, in order):
  BA status=0 seq=1 lifetime=25 flags=0x00 rh2=HOA src=HA
  BRR rh2=HOA src=HA
  BE status=2 hoa=HOA src=HA
  ESP spi=0x... rh2=HOA src=HA      (a protected message: not decrypted)
  NONE                              (nothing arrived)
"""
import argparse
import socket
import struct
import sys
import threading
import time

from scapy.config import conf
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, HAO
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import AsyncSniffer, sendp

conf.verb = 0

IPPROTO_MH = 135
MH_UNIT = 8


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def mh_build(mhtype, body, src, dst):
    """Mobility Header: proto 59, Header Len, type, reserved, checksum,
    body; padded to 8 octets; checksum over the pseudo-header."""
    length = 6 + len(body)
    pad = (-length) % MH_UNIT
    body = body + b"\0" * pad
    length += pad
    hdr = struct.pack("!BBBBH", 59, length // MH_UNIT - 1, mhtype, 0, 0)
    mh = hdr + body
    pseudo = (socket.inet_pton(socket.AF_INET6, src) +
              socket.inet_pton(socket.AF_INET6, dst) +
              struct.pack("!I3xB", len(mh), IPPROTO_MH))
    c = checksum(pseudo + mh)
    return mh[:4] + struct.pack("!H", c) + mh[6:]


FLAGS = {"A": 0x8000, "H": 0x4000, "L": 0x2000, "K": 0x1000, "R": 0x0400}


def bu_body(seq, flags, lifetime, bad):
    body = struct.pack("!HHH", seq, flags, lifetime)
    if bad == "overrun":
        # PadN claiming more octets than the message has.
        body += bytes([1, 40])
    elif bad == "optlen":
        # Binding Refresh Advice (type 2) must be 2 octets long: 4 here.
        body += bytes([2, 4, 0, 0, 0, 0])
    return body


def parse(frame, coa):
    """One line for a frame to coa carrying MH (maybe behind RH2/ESP)."""
    if IPv6 not in frame:
        return None
    ip = frame[IPv6]
    if ip.dst != coa:
        return None
    raw = bytes(ip)
    nh = raw[6]
    off = 40
    rh2 = None
    while True:
        if nh in (0, 60):
            nh, hl = raw[off], raw[off + 1]
            off += (hl + 1) * 8
        elif nh == 43:
            hl, rtype = raw[off + 1], raw[off + 2]
            if rtype == 2 and hl == 2:
                rh2 = socket.inet_ntop(socket.AF_INET6,
                                       raw[off + 8:off + 24])
            nh = raw[off]
            off += (hl + 1) * 8
        else:
            break
    tail = " rh2=%s src=%s" % (rh2 or "-", ip.src)
    if nh == 50:
        spi = struct.unpack("!I", raw[off:off + 4])[0]
        return "ESP spi=0x%x%s" % (spi, tail)
    if nh != IPPROTO_MH:
        return None
    mh = raw[off:]
    mtype = mh[2]
    if mtype == 6:
        status, flags, seq, life = struct.unpack("!BBHH", mh[6:12])
        return "BA status=%d seq=%d lifetime=%d flags=0x%02x%s" % (
            status, seq, life, flags, tail)
    if mtype == 0:
        return "BRR" + tail
    if mtype == 7:
        hoa = socket.inet_ntop(socket.AF_INET6, mh[8:24])
        return "BE status=%d hoa=%s%s" % (mh[6], hoa, tail)
    return "MH type=%d%s" % (mtype, tail)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hoa", required=True)
    p.add_argument("--coa", required=True)
    p.add_argument("--ha", required=True)
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--lifetime", type=int, default=25)
    p.add_argument("--flags", default="AH")
    p.add_argument("--type", type=int, default=5)
    p.add_argument("--bad", choices=["overrun", "optlen"])
    p.add_argument("--no-hao", action="store_true")
    p.add_argument("--wait", type=float, default=2.0)
    p.add_argument("--until", type=int, default=1,
                   help="stop after this many messages")
    p.add_argument("--listen-only", action="store_true")
    p.add_argument("--count", type=int, default=1,
                   help="send the message this many times, back to back")
    p.add_argument("--iface", default="mn0")
    p.add_argument("--router-mac", default="02:00:00:00:01:02")
    p.add_argument("--mac", default="02:00:00:00:00:10")
    p.add_argument("--esp-spi", type=lambda s: int(s, 0))
    p.add_argument("--esp-auth")
    p.add_argument("--esp-enc")
    a = p.parse_args()

    seen = []

    # A real mobile node may share the care-of address: when sending,
    # frames routed to another home address are its, not ours.
    hoa = socket.inet_ntop(socket.AF_INET6,
                           socket.inet_pton(socket.AF_INET6, a.hoa))
    ours = [] if a.listen_only else [" rh2=%s " % hoa, " rh2=- "]

    def keep(frame):
        line = parse(frame, a.coa)
        if line and (not ours or any(o in line for o in ours)):
            seen.append(line)

    ready = threading.Event()
    sn = AsyncSniffer(iface=a.iface, prn=keep, store=False,
                      stop_filter=lambda f: len(seen) >= a.until,
                      started_callback=ready.set)
    sn.start()
    ready.wait(30)          # slow on a loaded host: send once it captures
    time.sleep(0.2)
    if not a.listen_only:
        flags = 0
        for ch in a.flags:
            flags |= FLAGS[ch]
        if a.type == 5:
            body = bu_body(a.seq, flags, a.lifetime, a.bad)
        else:
            body = b"\0" * 10
        src = a.coa if a.no_hao else a.hoa
        mh = mh_build(a.type, body, src, a.ha)
        if a.no_hao:
            pkt = IPv6(src=a.coa, dst=a.ha, nh=IPPROTO_MH) / Raw(mh)
        else:
            pkt = (IPv6(src=a.coa, dst=a.ha) /
                   IPv6ExtHdrDestOpt(nh=IPPROTO_MH,
                                     options=[HAO(hoa=a.hoa)]) /
                   Raw(mh))
        if a.esp_spi is not None:
            from scapy.layers import ipsec
            # Linux's hmac(sha256) without AUTH_TRUNC keeps 96 bits.
            sha = ipsec.AUTH_ALGOS["SHA2-256-128"]
            ipsec.AUTH_ALGOS["SHA2-256-96"] = ipsec.AuthAlgo(
                "SHA2-256-96", mac=sha.mac, digestmod=sha.digestmod,
                icv_size=12)
            sa = ipsec.SecurityAssociation(
                ipsec.ESP, spi=a.esp_spi, crypt_algo="AES-CBC",
                crypt_key=bytes.fromhex(a.esp_enc),
                auth_algo="SHA2-256-96",
                auth_key=bytes.fromhex(a.esp_auth))
            pkt = sa.encrypt(IPv6(bytes(pkt)))
        sendp(Ether(src=a.mac, dst=a.router_mac) / pkt, iface=a.iface,
              count=a.count)
    end = time.time() + a.wait
    while time.time() < end and len(seen) < a.until:
        time.sleep(0.05)
    try:
        sn.stop()
    except Exception:
        pass  # it stopped by itself (stop_filter)
    for line in seen or ["NONE"]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
