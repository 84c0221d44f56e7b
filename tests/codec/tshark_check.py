#!/usr/bin/python3
"""Have tshark decode a capture written by mip6's builder.

mhtool writes a pcap holding every MH type, each with and without a Home
Address option and a type 2 routing header, with random field values and
options.  tshark must decode every frame as the MH type we built, flag no
malformed packet and no error, and show the field values we put in.  Its
MH dissector does not verify checksums, so each frame's checksum is compared
with the one scapy computes for it from the same capture.

usage: tshark_check.py MHTOOL PCAP SEED
"""
import ipaddress
import random
import subprocess
import sys

from scapy.all import raw, rdpcap
from scapy.layers.inet6 import HAO, IPv6ExtHdrDestOpt, _MobilityHeader
from scapy.packet import NoPayload

TYPES = ["brr", "hoti", "coti", "hot", "cot", "bu", "ba", "be"]
FIELDS = ["frame.number", "mip6.mhtype", "mip6.csum", "_ws.malformed",
          "_ws.expert.severity", "_ws.expert.message",
          "ipv6.opt.mipv6.home_address", "ipv6.routing.mipv6.home_address",
          "mip6.bu.seqnr", "mip6.bu.lifetime", "mip6.ba.seqnr",
          "mip6.ba.status", "mip6.be.status", "mip6.be.haddr",
          "mip6.hoti.cookie", "mip6.coti.cookie", "mip6.hot.nindex",
          "mip6.hot.cookie", "mip6.hot.token", "mip6.cot.nindex",
          "mip6.cot.cookie", "mip6.ni.hni", "mip6.ni.cni", "mip6.acoa.acoa",
          "mip6.bra.interval", "mip6.bad.auth", "mip6.nemo.mnp.mnp",
          "mip6.nemo.mnp.pfl", "mip6.mnid.identifier"]
EXPERT_ERROR = 0x00800000       # PI_ERROR in epan/proto.h


def addr(rng):
    return str(ipaddress.IPv6Address((0x20010db8 << 96) |
                                     rng.getrandbits(96)))


def scapy_checksums(pkt):
    """(scapy's checksum, the captured one) for a frame's MH."""
    layer, mh = pkt, None
    while layer is not None and not isinstance(layer, NoPayload):
        if isinstance(layer, IPv6ExtHdrDestOpt):
            # scapy applies the HAO rule only to a lone HAO: drop the
            # padding, which its autopad puts back identically.
            layer.options = [o for o in layer.options if isinstance(o, HAO)]
        if isinstance(layer, _MobilityHeader):
            mh = layer
            break
        layer = layer.payload
    if mh is None:
        return None, None
    captured = mh.cksum
    mh.cksum = None
    again = pkt.__class__(raw(pkt))
    while not isinstance(again, _MobilityHeader):
        again = again.payload
    return again.cksum, captured


def main():
    mhtool, pcap, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    frames = []
    for mtype in TYPES:
        for hao, rh2 in ((0, 0), (1, 0), (0, 1), (1, 1)):
            want = {"mip6.mhtype": str(TYPES.index(mtype))}
            src, dst = addr(rng), addr(rng)
            flags = ["-w", pcap, "-s", src, "-d", dst]
            if hao:
                a = addr(rng)
                flags += ["-H", a]
                want["ipv6.opt.mipv6.home_address"] = a
            if rh2:
                a = addr(rng)
                flags += ["-R", a]
                want["ipv6.routing.mipv6.home_address"] = a
            args = []
            if mtype in ("hoti", "coti"):
                c = rng.randbytes(8).hex()
                args.append("cookie=" + c)
                want["mip6.%s.cookie" % mtype] = "0x" + c
            elif mtype in ("hot", "cot"):
                i, c, t = (rng.randrange(65536), rng.randbytes(8).hex(),
                           rng.randbytes(8).hex())
                args += ["index=%d" % i, "cookie=" + c, "token=" + t]
                want["mip6.%s.nindex" % mtype] = str(i)
                want["mip6.%s.cookie" % mtype] = "0x" + c
                if mtype == "hot":
                    want["mip6.hot.token"] = "0x" + t
            elif mtype == "bu":
                s, life = rng.randrange(65536), rng.randrange(65536)
                args += ["seq=%d" % s, "lifetime=%d" % life,
                         "flags=%d" % (rng.randrange(128) << 9)]
                want["mip6.bu.seqnr"] = str(s)
                want["mip6.bu.lifetime"] = str(life)
            elif mtype == "ba":
                s, st = rng.randrange(65536), rng.choice([0, 1, 128, 135,
                                                          140, 174])
                args += ["seq=%d" % s, "status=%d" % st,
                         "flags=%d" % (rng.randrange(8) << 5)]
                want["mip6.ba.seqnr"] = str(s)
                want["mip6.ba.status"] = str(st)
            elif mtype == "be":
                st, h = rng.choice([1, 2]), addr(rng)
                args += ["status=%d" % st, "hoa=" + h]
                want["mip6.be.status"] = str(st)
                want["mip6.be.haddr"] = h
            # One of each option, random order, authorization data last.
            opts = []
            h, c = rng.randrange(65536), rng.randrange(65536)
            opts.append(("nonce=%d,%d" % (h, c),
                         {"mip6.ni.hni": str(h), "mip6.ni.cni": str(c)}))
            a = addr(rng)
            opts.append(("altcoa=" + a, {"mip6.acoa.acoa": a}))
            r = rng.randrange(65536)
            opts.append(("bra=%d" % r, {"mip6.bra.interval": str(r)}))
            p, pl = addr(rng), rng.randrange(129)
            opts.append(("mnp=%s/%d" % (p, pl), {"mip6.nemo.mnp.mnp": p,
                                                 "mip6.nemo.mnp.pfl": str(pl)}))
            nai = "mn%d@example.net" % rng.randrange(10000)
            opts.append(("mnid=1,%s" % nai.encode().hex(),
                         {"mip6.mnid.identifier": nai}))
            rng.shuffle(opts)
            opts = opts[:rng.randrange(1, len(opts) + 1)]
            au = rng.randbytes(12).hex()
            opts.append(("auth=" + au, {"mip6.bad.auth": au}))
            for arg, w in opts:
                args.append(arg)
                want.update(w)
            r = subprocess.run([mhtool, "build"] + flags + [mtype] + args,
                               capture_output=True, text=True, check=False)
            if r.returncode != 0:
                print("mhtool build failed: %s %s" % (args, r.stderr))
                return 1
            frames.append(want)

    out = subprocess.run(["tshark", "-n", "-r", pcap, "-T", "fields", "-E",
                          "separator=|", "-E", "occurrence=a"] +
                         sum([["-e", f] for f in FIELDS], []),
                         capture_output=True, text=True, check=False)
    rows = [ln.split("|") for ln in out.stdout.splitlines()]
    if out.returncode != 0 or len(rows) != len(frames):
        print("tshark: rc %d, %d frames of %d: %s" % (
            out.returncode, len(rows), len(frames), out.stderr[-1000:]))
        return 1
    pkts = rdpcap(pcap)
    for n, (row, want, pkt) in enumerate(zip(rows, frames, pkts), 1):
        got = dict(zip(FIELDS, row))
        if got["_ws.malformed"] or "alformed" in got["_ws.expert.message"]:
            print("frame %d: tshark says malformed: %s" % (n, got))
            return 1
        sev = [int(s, 0) for s in got["_ws.expert.severity"].split(",") if s]
        if any(s >= EXPERT_ERROR for s in sev):
            print("frame %d: tshark reports an error: %s" % (
                n, got["_ws.expert.message"]))
            return 1
        for k, v in want.items():
            if got[k] != v:
                print("frame %d: tshark %s = %r, we built %r" % (
                    n, k, got[k], v))
                return 1
        # scapy recomputes the checksum of the frame as captured.
        theirs, ours = scapy_checksums(pkt)
        if theirs is None:
            print("frame %d: scapy finds no Mobility Header" % n)
            return 1
        if int(got["mip6.csum"], 16) != ours or theirs != ours:
            print("frame %d: checksum %s, scapy computes 0x%04x" % (
                n, got["mip6.csum"], theirs))
            return 1
    print("tshark decoded %d frames: types and fields as built, none "
          "malformed, checksums as scapy computes" % len(frames))
    return 0


if __name__ == "__main__":
    sys.exit(main())
