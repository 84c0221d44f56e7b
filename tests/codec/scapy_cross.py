#!/usr/bin/python3
"""Cross-check mip6's Mobility Header codec against scapy.

For ROUNDS rounds, every MH type is built by scapy with random field values
and a random set of mobility options (random order, Binding Authorization
Data last), inside an IPv6 packet with or without a Home Address option and
a type 2 routing header.  Then, through `mhtool batch`:

  * our parser must return exactly the generated fields and options, with
    the checksum verified against the pseudo-header rules;
  * our builder must produce the Mobility Header byte for byte (checksum
    included), and with -i the whole packet, extension headers included.

usage: scapy_cross.py MHTOOL ROUNDS SEED
Exits 1 on the first mismatch, printing the case.
"""
import json
import random
import subprocess
import sys

from scapy.all import IPv6, raw  # noqa: E402
from scapy.layers.inet6 import (HAO, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
                                MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_BU,
                                MIP6MH_CoT, MIP6MH_CoTI, MIP6MH_HoT,
                                MIP6MH_HoTI, MIP6OptAltCoA, MIP6OptBRAdvice,
                                MIP6OptBindingAuthData, MIP6OptMNID,
                                MIP6OptMobNetPrefix, MIP6OptNonceIndices,
                                MIP6OptUnknown)

TYPES = ["brr", "hoti", "coti", "hot", "cot", "bu", "ba", "be"]
KNOWN_OPTS = {0, 1, 2, 3, 4, 5, 6, 8}


def rand_addr(rng):
    # Mostly documentation space, sometimes anything at all.
    if rng.random() < 0.8:
        words = [0x2001, 0xdb8] + [rng.randrange(65536) for _ in range(6)]
    else:
        words = [rng.randrange(65536) for _ in range(8)]
    import ipaddress
    return str(ipaddress.IPv6Address(
        b"".join(w.to_bytes(2, "big") for w in words)))


def rand_bytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def rand_option(rng):
    """One option: (scapy object, expected JSON dict, mhtool build arg)."""
    kind = rng.choice(["bra", "altcoa", "nonce", "mnp", "mnid", "unknown"])
    if kind == "bra":
        v = rng.randrange(65536)
        return (MIP6OptBRAdvice(rinter=v), {"opt": "bra", "refresh": v},
                "bra=%d" % v)
    if kind == "altcoa":
        a = rand_addr(rng)
        return (MIP6OptAltCoA(acoa=a), {"opt": "altcoa", "addr": a},
                "altcoa=" + a)
    if kind == "nonce":
        h, c = rng.randrange(65536), rng.randrange(65536)
        # scapy's default olen for this option is wrong (16): set it.
        return (MIP6OptNonceIndices(olen=4, hni=h, coni=c),
                {"opt": "nonce", "home": h, "coa": c}, "nonce=%d,%d" % (h, c))
    if kind == "mnp":
        a, plen = rand_addr(rng), rng.randrange(129)
        return (MIP6OptMobNetPrefix(plen=plen, prefix=a),
                {"opt": "mnp", "prefix": a, "plen": plen},
                "mnp=%s/%d" % (a, plen))
    if kind == "mnid":
        sub = rng.choice([1, 1, 1, rng.randrange(256)])
        ident = rand_bytes(rng, rng.randrange(0, 48))
        return (MIP6OptMNID(subtype=sub, id=ident),
                {"opt": "mnid", "subtype": sub, "id": ident.hex()},
                "mnid=%d,%s" % (sub, ident.hex()))
    t = rng.choice([7] + [x for x in range(9, 256)])
    data = rand_bytes(rng, rng.randrange(0, 24))
    return (MIP6OptUnknown(otype=t, odata=data),
            {"opt": "unknown", "type": t, "data": data.hex()},
            "opt=%d,%s" % (t, data.hex()))


def rand_case(rng, mtype):
    args = []
    names = {"brr": "BRR", "hoti": "HoTI", "coti": "CoTI", "hot": "HoT",
             "cot": "CoT", "bu": "BU", "ba": "BA", "be": "BE"}
    fields = {"type": names[mtype]}
    if mtype == "brr":
        mh = MIP6MH_BRR()
    elif mtype in ("hoti", "coti"):
        cookie = rand_bytes(rng, 8)
        mh = (MIP6MH_HoTI if mtype == "hoti" else MIP6MH_CoTI)(cookie=cookie)
        fields["cookie"] = cookie.hex()
        args.append("cookie=" + cookie.hex())
    elif mtype in ("hot", "cot"):
        idx, cookie, token = (rng.randrange(65536), rand_bytes(rng, 8),
                              rand_bytes(rng, 8))
        mh = (MIP6MH_HoT if mtype == "hot" else MIP6MH_CoT)(
            index=idx, cookie=cookie, token=token)
        fields.update(index=idx, cookie=cookie.hex(), token=token.hex())
        args += ["index=%d" % idx, "cookie=" + cookie.hex(),
                 "token=" + token.hex()]
    elif mtype == "bu":
        seq, flags, life = (rng.randrange(65536), rng.randrange(65536),
                            rng.randrange(65536))
        mh = MIP6MH_BU(seq=seq, flags=flags >> 9, reserved=flags & 0x1ff,
                       mhtime=life)
        fields.update(seq=seq, flags=flags, lifetime=life,
                      lifetime_s=4 * life)
        args += ["seq=%d" % seq, "flags=%d" % flags, "lifetime=%d" % life]
    elif mtype == "ba":
        status, flags, seq, life = (rng.randrange(256), rng.randrange(256),
                                    rng.randrange(65536),
                                    rng.randrange(65536))
        mh = MIP6MH_BA(status=status, flags=flags >> 5, res2=flags & 0x1f,
                       seq=seq, mhtime=life)
        fields.update(status=status, flags=flags, seq=seq, lifetime=life,
                      lifetime_s=4 * life)
        args += ["status=%d" % status, "flags=%d" % flags, "seq=%d" % seq,
                 "lifetime=%d" % life]
    else:
        status, hoa = rng.randrange(256), rand_addr(rng)
        mh = MIP6MH_BE(status=status, ha=hoa)
        fields.update(status=status, hoa=hoa)
        args += ["status=%d" % status, "hoa=" + hoa]

    opts = [rand_option(rng) for _ in range(rng.choice([0, 1, 2, 3, 5, 8]))]
    if rng.random() < 0.4:
        auth = rand_bytes(rng, 12)
        opts.append((MIP6OptBindingAuthData(
            olen=12, authenticator=int.from_bytes(auth, "big")),
            {"opt": "auth", "auth": auth.hex()}, "auth=" + auth.hex()))
    mh.options = [o[0] for o in opts]
    fields["options"] = [o[1] for o in opts]
    args += [o[2] for o in opts]
    return mh, fields, args


def main():
    mhtool, rounds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    cases, cmds = [], []
    for _ in range(rounds):
        for mtype in TYPES:
            mh, fields, args = rand_case(rng, mtype)
            src, dst = rand_addr(rng), rand_addr(rng)
            hao = rand_addr(rng) if rng.random() < 0.5 else None
            rh2 = rand_addr(rng) if rng.random() < 0.5 else None
            pkt = IPv6(src=src, dst=dst, hlim=64)
            if rh2:
                pkt = pkt / IPv6ExtHdrRouting(type=2, addresses=[rh2],
                                              segleft=1)
            if hao:
                pkt = pkt / IPv6ExtHdrDestOpt(options=[HAO(hoa=hao)])
            pkt = pkt / mh
            wire = raw(pkt)
            hdrs = 40 + (24 if rh2 else 0) + (24 if hao else 0)
            mhbytes = wire[hdrs:]
            flags = ["-s", src, "-d", dst]
            if hao:
                flags += ["-H", hao]
            if rh2:
                flags += ["-R", rh2]
            cases.append((fields, mhbytes, wire, flags, args))
            cmds.append(" ".join(["decode", "-j"] + flags + [mhbytes.hex()]))
            cmds.append(" ".join(["build"] + flags + [mtype] + args))
            cmds.append(" ".join(["build", "-i"] + flags + [mtype] + args))
    out = subprocess.run([mhtool, "batch"], input="\n".join(cmds) + "\n",
                         capture_output=True, text=True, check=False)
    lines = out.stdout.splitlines()
    if len(lines) != len(cmds):
        print("mhtool batch answered %d lines for %d commands; stderr: %s"
              % (len(lines), len(cmds), out.stderr[-2000:]))
        return 1
    for i, (fields, mhbytes, wire, flags, args) in enumerate(cases):
        dec = json.loads(lines[3 * i])
        got = {k: dec.get(k) for k in fields}
        got["options"] = [o for o in dec.get("options", [])
                          if o["opt"] not in ("pad1", "padn")]
        if dec.get("cksum_checked") is not True or got != fields:
            print("decode mismatch (seed %d case %d)\n cmd: %s\n want: %s\n"
                  " got:  %s" % (seed, i, cmds[3 * i], fields, dec))
            return 1
        if dec["cksum"] != int.from_bytes(mhbytes[4:6], "big"):
            print("checksum field mismatch (seed %d case %d)" % (seed, i))
            return 1
        if lines[3 * i + 1] != mhbytes.hex():
            print("build mismatch (seed %d case %d)\n cmd: %s\n scapy: %s\n"
                  " ours:  %s" % (seed, i, cmds[3 * i + 1], mhbytes.hex(),
                                  lines[3 * i + 1]))
            return 1
        if lines[3 * i + 2] != wire.hex():
            print("packet mismatch (seed %d case %d)\n cmd: %s\n scapy: %s\n"
                  " ours:  %s" % (seed, i, cmds[3 * i + 2], wire.hex(),
                                  lines[3 * i + 2]))
            return 1
    print("%d messages agree with scapy (seed %d)" % (len(cases), seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
