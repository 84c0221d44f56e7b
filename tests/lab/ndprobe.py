#!/usr/bin/python3
"""One Neighbor Solicitation and the Neighbor Advertisements it gets back,
made and decoded by scapy: an oracle independent of mip6-ha's codec.

usage: ndprobe.py IFACE TARGET KIND [TIMEOUT]
  KIND  ns       a multicast NS from IFACE's link-local address with a
                 Source Link-Layer Address option (address resolution)
        unicast  the same to TARGET itself, at the MAC of $ND_DST_MAC
        hoplimit the ns, hop limit 254 (RFC 4861 7.1.1: discard)
        badsum   the ns with a wrong ICMPv6 checksum
        dad      from ::, no option (another node's DAD)
With $ND_TRIGGER set, it loads, creates $ND_TRIGGER.ready and sends only
once $ND_TRIGGER exists (scapy loads slowly; a DAD window is one second).
Prints one line per NA about TARGET seen within TIMEOUT (default 2.5 s):
  na src=IP smac=MAC dst=IP hlim=N R=0|1 S=0|1 O=0|1 target=IP tlla=MAC|-
"""
import os
import sys
import threading
import time

from scapy.all import (AsyncSniffer, Ether, IPv6, ICMPv6ND_NS, ICMPv6ND_NA,
                       ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr,
                       get_if_hwaddr, in6_getnsma, in6_getnsmac, inet_pton,
                       inet_ntop, sendp, conf)
import socket

conf.verb = 0


def link_local(iface):
    with open("/proc/net/if_inet6") as f:
        for line in f:
            p = line.split()
            if p[5] == iface and p[0].startswith("fe80"):
                return inet_ntop(socket.AF_INET6, bytes.fromhex(p[0]))
    raise SystemExit("no link-local address on " + iface)


def main():
    iface, target, kind = sys.argv[1:4]
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 2.5
    mac = get_if_hwaddr(iface)
    snm = inet_ntop(socket.AF_INET6,
                    in6_getnsma(inet_pton(socket.AF_INET6, target)))
    src = link_local(iface)
    dst, dmac = snm, in6_getnsmac(inet_pton(socket.AF_INET6, snm))
    hlim = 255
    opts = ICMPv6NDOptSrcLLAddr(lladdr=mac)
    if kind == "unicast":
        dst, dmac = target, os.environ["ND_DST_MAC"]
    elif kind == "hoplimit":
        hlim = 254
    elif kind == "dad":
        src, opts = "::", None
    ns = ICMPv6ND_NS(tgt=target)
    if kind == "badsum":
        ns.cksum = 0x1234
    pkt = Ether(src=mac, dst=dmac) / IPv6(src=src, dst=dst, hlim=hlim) / ns
    if opts is not None:
        pkt = pkt / opts
    # Send only once the capture runs: on a loaded host the sniffer's
    # start can take longer than the answer.
    ready = threading.Event()
    sn = AsyncSniffer(iface=iface, filter="icmp6",
                      lfilter=lambda p: ICMPv6ND_NA in p and
                      p[ICMPv6ND_NA].tgt == target,
                      started_callback=ready.set)
    sn.start()
    ready.wait(30)
    time.sleep(0.2)
    trig = os.environ.get("ND_TRIGGER")
    if trig:
        open(trig + ".ready", "w").close()
        for _ in range(600):
            if os.path.exists(trig):
                break
            time.sleep(0.05)
    sendp(pkt, iface=iface)
    time.sleep(timeout)
    got = sn.stop() or []
    for p in got:
        na = p[ICMPv6ND_NA]
        tl = p[ICMPv6NDOptDstLLAddr].lladdr if ICMPv6NDOptDstLLAddr in p \
            else "-"
        print("na src=%s smac=%s dst=%s hlim=%d R=%d S=%d O=%d target=%s "
              "tlla=%s" % (p[IPv6].src, p[Ether].src, p[IPv6].dst,
                           p[IPv6].hlim, na.R, na.S, na.O, na.tgt, tl))


main()
