#!/usr/bin/python3
"""Dynamic home agent discovery and mobile prefix discovery by hand, for
tests/lab/dhaad.bats.  Every byte (IPv6 header, Destination Options with a
Home Address option, ICMPv6 and its checksum, Router Advertisement options)
is laid out here with struct, not by our codec: an independent oracle.
Frames go out and come in on a packet socket (no scapy: it takes ~10 s to
start in the lab).

  dhaadpkt.py req --iface mn0 --src COA --dst ANYCAST --id N [--wait S]
      a DHAAD Request (144); prints what came back to COA:
      REPLY id=N code=0 src=HA has=A1,A2,...   or NONE
  dhaadpkt.py mps --iface mn0 --coa C --hoa H --ha A --id N [--wait S]
      a Mobile Prefix Solicitation (146) from C with a Home Address option
      for H; prints what came back to C:
      MPA id=N src=A rh2=H flags=0x00 prefixes=P/L:valid:preferred:flags,...
      or NONE
  dhaadpkt.py ra --iface IF --ll LL --mac MAC --addr G [--pref P]
      [--ha-lifetime L] [--router-lifetime R] [--no-h] [--no-info] [--hlim N]
      a Router Advertisement from LL to all nodes: H flag, Home Agent
      Information option, a Prefix Information option with the R flag
      holding G.
"""
import argparse
import select
import socket
import struct
import sys
import time

ETH_P_IPV6 = 0x86DD
ALL_NODES_MAC = "33:33:00:00:00:01"


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def n6(b):
    return socket.inet_ntop(socket.AF_INET6, b)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def icmp6(src, dst, body):
    """ICMPv6 message with its checksum; src/dst of the pseudo-header are
    the home address with a HAO and the final destination (RFC 8200 8.1)."""
    pseudo = a6(src) + a6(dst) + struct.pack("!I3xB", len(body), 58)
    c = checksum(pseudo + body)
    return body[:2] + struct.pack("!H", c) + body[4:]


def ip6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, hlim) + \
        a6(src) + a6(dst) + payload


def hao_dstopts(nh, hoa):
    # Next Header, Hdr Ext Len 2, PadN(4) for 8n+6, HAO type 201 length 16.
    return struct.pack("!BB", nh, 2) + bytes([1, 2, 0, 0]) + \
        bytes([201, 16]) + a6(hoa)


def open_sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_IPV6))
    s.bind((iface, ETH_P_IPV6))
    return s


def send(s, iface, dst_mac, src_mac, pkt):
    s.send(mac_bytes(dst_mac) + mac_bytes(src_mac) +
           struct.pack("!H", ETH_P_IPV6) + pkt)


def parse(frame):
    """(src, dst, rh2, icmp bytes) of an ICMPv6 frame, else None."""
    if len(frame) < 54 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IPV6:
        return None
    raw = frame[14:]
    nh, src, dst = raw[6], n6(raw[8:24]), n6(raw[24:40])
    off, rh2 = 40, None
    while nh in (0, 43, 60) and off + 2 <= len(raw):
        hl = raw[off + 1]
        if nh == 43 and raw[off + 2] == 2 and hl == 2:
            rh2 = n6(raw[off + 8:off + 24])
        nh = raw[off]
        off += (hl + 1) * 8
    if nh != 58:
        return None
    return src, dst, rh2, raw[off:]


def wait_for(s, want_type, to, wait):
    end = time.time() + wait
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if not r:
            break
        p = parse(s.recv(65535))
        if p is None:
            continue
        src, dst, rh2, msg = p
        if dst == to and msg and msg[0] == want_type:
            return src, dst, rh2, msg
    return None


def cmd_req(a):
    s = open_sock(a.iface)
    body = struct.pack("!BBHHH", 144, 0, 0, a.id, 0)
    send(s, a.iface, a.router_mac, a.mac,
         ip6(a.src, a.dst, 58, icmp6(a.src, a.dst, body)))
    p = wait_for(s, 145, a.src, a.wait)
    if p is None:
        print("NONE")
        return
    src, _, _, msg = p
    ident = struct.unpack("!H", msg[4:6])[0]
    has = [n6(msg[i:i + 16]) for i in range(8, len(msg) - 15, 16)]
    print("REPLY id=%d code=%d src=%s has=%s len=%d" % (
        ident, msg[1], src, ",".join(has), len(msg)))


def cmd_mps(a):
    s = open_sock(a.iface)
    body = struct.pack("!BBHHH", 146, 0, 0, a.id, 0)
    pkt = hao_dstopts(58, a.hoa) + icmp6(a.hoa, a.ha, body)
    send(s, a.iface, a.router_mac, a.mac, ip6(a.coa, a.ha, 60, pkt))
    p = wait_for(s, 147, a.coa, a.wait)
    if p is None:
        print("NONE")
        return
    src, _, rh2, msg = p
    ident = struct.unpack("!H", msg[4:6])[0]
    pfx, off = [], 8
    while off + 2 <= len(msg):
        t, ln = msg[off], msg[off + 1] * 8
        if ln == 0:
            break
        if t == 3 and ln == 32:
            plen, flags = msg[off + 2], msg[off + 3]
            valid, pref = struct.unpack("!II", msg[off + 4:off + 12])
            pfx.append("%s/%d:%d:%d:0x%02x" % (
                n6(msg[off + 16:off + 32]), plen, valid, pref, flags))
        off += ln
    # The checksum must hold over the home address (the final destination).
    ok = checksum(a6(src) + a6(rh2 or a.coa) +
                  struct.pack("!I3xB", len(msg), 58) + msg) == 0
    print("MPA id=%d src=%s rh2=%s flags=0x%02x cksum=%s prefixes=%s" % (
        ident, src, rh2 or "-", msg[6], "ok" if ok else "bad",
        ",".join(pfx)))


def cmd_ra(a):
    s = open_sock(a.iface)
    flags = 0 if a.no_h else 0x20
    ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, flags, a.router_lifetime,
                     0, 0)
    if not a.no_info:
        ra += struct.pack("!BBHhH", 8, 1, 0, a.pref, a.ha_lifetime)
    ra += struct.pack("!BBBBIII", 3, 4, 64, 0x80 | 0x40 | 0x20, 600, 300,
                      0) + a6(a.addr)
    ra += struct.pack("!BB", 1, 1) + mac_bytes(a.mac)
    dst = "ff02::1"
    send(s, a.iface, ALL_NODES_MAC, a.mac,
         ip6(a.ll, dst, 58, icmp6(a.ll, dst, ra), hlim=a.hlim))
    print("SENT")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("req", "mps", "ra"):
        q = sub.add_parser(name)
        q.add_argument("--iface", default="mn0")
        q.add_argument("--mac", default="02:00:00:00:00:10")
        q.add_argument("--router-mac", default="02:00:00:00:01:02")
        q.add_argument("--wait", type=float, default=2.0)
        q.add_argument("--id", type=int, default=1)
    q = sub.choices["req"]
    q.add_argument("--src", required=True)
    q.add_argument("--dst", required=True)
    q = sub.choices["mps"]
    q.add_argument("--coa", required=True)
    q.add_argument("--hoa", required=True)
    q.add_argument("--ha", required=True)
    q = sub.choices["ra"]
    q.add_argument("--ll", required=True)
    q.add_argument("--addr", required=True)
    q.add_argument("--pref", type=int, default=0)
    q.add_argument("--ha-lifetime", type=int, default=60)
    q.add_argument("--router-lifetime", type=int, default=0)
    q.add_argument("--no-h", action="store_true")
    q.add_argument("--no-info", action="store_true")
    q.add_argument("--hlim", type=int, default=255)
    a = p.parse_args()
    {"req": cmd_req, "mps": cmd_mps, "ra": cmd_ra}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
