#!/usr/bin/python3
"""Cross-check mip6's return-routability crypto against Python's hmac and
hashlib (RFC 6275 5.2), for random keys, addresses and nonces:

  home/care-of keygen token = First(64, HMAC_SHA1(Kcn, addr | nonce | 0/1))
  Kbm = SHA1(home token | care-of token), SHA1(home token) to deregister
  authenticator = First(96, HMAC_SHA1(Kbm, coa | cn | MH data)), MH data
  with the checksum zero and without the authenticator.

A signed BU must also carry a checksum that scapy recomputes identically.

usage: rr_cross.py MHTOOL CASES SEED
"""
import hashlib
import hmac
import ipaddress
import random
import subprocess
import sys

from scapy.all import IPv6, raw
from scapy.layers.inet6 import MIP6MH_BU


def addr(rng):
    return str(ipaddress.IPv6Address(rng.getrandbits(128)))


def main():
    mhtool, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    cmds, want = [], []
    for _ in range(n):
        kcn = rng.randbytes(20)
        a, nonce = addr(rng), rng.randbytes(8)
        for which, octet in (("home", 0), ("coa", 1)):
            cmds.append("token %s %s %s %s" % (kcn.hex(), a, nonce.hex(),
                                                which))
            mac = hmac.new(kcn, ipaddress.IPv6Address(a).packed + nonce +
                           bytes([octet]), hashlib.sha1).digest()
            want.append(mac[:8].hex())
        ht, ct = rng.randbytes(8), rng.randbytes(8)
        cmds.append("kbm %s %s" % (ht.hex(), ct.hex()))
        want.append(hashlib.sha1(ht + ct).hexdigest())
        cmds.append("kbm %s" % ht.hex())
        want.append(hashlib.sha1(ht).hexdigest())
    # Signing: build a BU with a zero authenticator, sign it, compare.
    signs = []
    for _ in range(n):
        kbm, coa, cn, hoa = rng.randbytes(20), addr(rng), addr(rng), addr(rng)
        seq, life = rng.randrange(65536), rng.randrange(65536)
        h, c = rng.randrange(65536), rng.randrange(65536)
        signs.append((kbm, coa, cn, hoa, seq, life, h, c))
        cmds.append("build bu seq=%d lifetime=%d nonce=%d,%d auth=%s"
                    % (seq, life, h, c, "00" * 12))
    out = subprocess.run([mhtool, "batch"], input="\n".join(cmds) + "\n",
                         capture_output=True, text=True, check=False)
    lines = out.stdout.splitlines()
    if len(lines) != len(cmds):
        print("mhtool answered %d lines for %d: %s" % (len(lines), len(cmds),
                                                       out.stderr[-1000:]))
        return 1
    for i, w in enumerate(want):
        if lines[i] != w:
            print("mismatch (seed %d): %s\n want %s\n got  %s"
                  % (seed, cmds[i], w, lines[i]))
            return 1
    built = lines[len(want):]
    cmds2, want2 = [], []
    for (kbm, coa, cn, hoa, seq, life, h, c), mh in zip(signs, built):
        mh = bytes.fromhex(mh)
        data = mh[:4] + b"\0\0" + mh[6:-12]
        auth = hmac.new(kbm, ipaddress.IPv6Address(coa).packed +
                        ipaddress.IPv6Address(cn).packed + data,
                        hashlib.sha1).digest()[:12]
        signed = mh[:-12] + auth
        # The checksum after signing, as scapy computes it: HoA -> CN.
        pkt = IPv6(raw(IPv6(src=hoa, dst=cn, nh=135) / signed))
        pkt[MIP6MH_BU].cksum = None
        signed = raw(pkt)[40:]
        cmds2.append("sign -s %s -d %s %s %s %s %s" % (hoa, cn, kbm.hex(),
                                                       coa, cn, mh.hex()))
        want2.append(signed.hex())
    out = subprocess.run([mhtool, "batch"], input="\n".join(cmds2) + "\n",
                         capture_output=True, text=True, check=False)
    lines = out.stdout.splitlines()
    for c, w, g in zip(cmds2, want2, lines):
        if g != w:
            print("sign mismatch (seed %d): %s\n want %s\n got  %s"
                  % (seed, c, w, g))
            return 1
    if len(lines) != len(cmds2):
        print("sign: %d lines for %d" % (len(lines), len(cmds2)))
        return 1
    print("%d tokens, %d Kbm, %d authenticators agree with hashlib "
          "(seed %d)" % (2 * n, 2 * n, n, seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
