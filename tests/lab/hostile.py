#!/usr/bin/python3
"""Hostile input for tests/lab/hostile.bats: thousands of malformed,
truncated, spoofed and unsolicited Mobility Header and ICMPv6 messages,
sent as Ethernet frames from a tester namespace (the router r) straight
to one role's host.

Frames are laid out here byte by byte (IPv6, Home Address option, type 2
routing header, Mobility Header and its checksum, from RFC 8200, RFC 6275
and RFC 4443/4861), not with our codec: the test is an oracle of its own.
scapy decodes a sample of them (--check) to show the generator writes
what it means to write (checksums right or wrong on purpose, Header Len).

For every frame the generator also predicts what the receiving kernel
does with it, so that the test can account for every packet:
  filtered   the kernel's mip6 module refuses it before any socket sees it
             (net/ipv6/mip6.c mip6_mh_filter: shorter than 6 octets,
             (Header Len + 1) * 8 longer than the packet, Header Len below
             the type's minimum, Payload Proto not 59), or an ICMPv6
             socket filter passes no such type (icmp-filtered)
  csum       queued on the raw socket, dropped by the kernel at recvmsg
             because the checksum is wrong (IPV6_CHECKSUM)
  policy     dropped by an IPsec policy (RFC 3776: BU to and BA from the
             home agent must be under ESP)
  delivered  read by the role, which must count it under some reason

  hostile.py send --target ha|cn|mn --per-type N [--seed S] [--pps R]
  hostile.py check [--count N]      scapy decodes a sample (self-test)

`send` prints one JSON object: sent, by_kind, predicted filtered/csum/
policy/delivered, per message type, and the time it took.
"""

import argparse
import json
import os
import random
import socket
import struct
import sys
import time

ETH_P_IPV6 = 0x86DD
NH_DSTOPTS = 60
NH_ROUTING = 43
NH_MH = 135
NH_ICMP6 = 58
NH_NONE = 59

# Minimum Header Len per type the kernel insists on (mip6_mh_len).
KERNEL_MIN_HDRLEN = {0: 0, 1: 1, 2: 1, 3: 2, 4: 2, 5: 1, 6: 1, 7: 2}
# Message Data length after the 6-octet header (RFC 6275 6.1.2-6.1.9).
DATA_LEN = {0: 2, 1: 10, 2: 10, 3: 18, 4: 18, 5: 6, 6: 6, 7: 18}
# How the roles name the types in their counters (mh_type_str).
MH_TYPE_KEYS = ['BRR', 'HoTI', 'CoTI', 'HoT', 'CoT', 'BU', 'BA', 'BE']
TYPE_NAMES = {0: 'brr', 1: 'hoti', 2: 'coti', 3: 'hot', 4: 'cot', 5: 'bu',
              6: 'ba', 7: 'be'}

ENV = os.environ


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def pseudo(src, dst, length, nh):
    return src + dst + struct.pack('!IxxxB', length, nh)


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack('!IHBB', 6 << 28, len(payload), nh, hlim) + src + \
        dst + payload


def hao_hdr(nh, hoa):
    # RFC 6275 6.3: PadN(2) puts the option at 8n+6.
    return bytes([nh, 2, 1, 2, 0, 0, 0xC9, 16]) + hoa


def rh2_hdr(nh, hoa):
    return bytes([nh, 2, 2, 1, 0, 0, 0, 0]) + hoa


def pad_options(opts, fixed_len):
    """PadN so that header + data + options is a multiple of 8."""
    total = 6 + fixed_len + len(opts)
    need = (-total) % 8
    if need == 1:
        return opts + b'\0'
    if need >= 2:
        return opts + bytes([1, need - 2]) + b'\0' * (need - 2)
    return opts


def good_option(rng):
    t = rng.choice([2, 3, 4, 5, 1, 0, 7, 8, 100, 200])
    if t == 0:
        return b'\0'
    ln = {2: 2, 3: 16, 4: 4, 5: 12}.get(t, rng.randint(0, 20))
    return bytes([t, ln]) + bytes(rng.getrandbits(8) for _ in range(ln))


def bad_option(rng, kind):
    if kind == 'opt_trunc':
        # The length runs past the end of the message.
        t = rng.choice([1, 2, 3, 4, 5, 9, 150])
        return bytes([t, rng.randint(40, 255)]) + b'\xab' * rng.randint(0, 6)
    # opt_len: a known option with the wrong length.
    t, good = rng.choice([(2, 2), (3, 16), (4, 4), (5, 12)])
    ln = rng.choice([x for x in (0, 1, 3, 7, 15, 17, 30) if x != good])
    return bytes([t, ln]) + bytes(rng.getrandbits(8) for _ in range(ln))


KINDS = ['valid', 'opt_trunc', 'opt_len', 'random_body', 'hdrlen_short',
         'hdrlen_long', 'odd_len', 'truncated', 'bad_csum', 'proto']


def mh_message(rng, mtype, kind):
    """(mh bytes without checksum, intended checksum ok)"""
    dlen = DATA_LEN.get(mtype, rng.choice([0, 2, 6, 10, 18, 26]))
    data = bytes(rng.getrandbits(8) for _ in range(dlen))
    proto = NH_NONE
    opts = b''
    if kind in ('valid', 'bad_csum', 'proto', 'hdrlen_short', 'hdrlen_long'):
        for _ in range(rng.randint(0, 3)):
            opts += good_option(rng)
    elif kind in ('opt_trunc', 'opt_len'):
        if rng.random() < 0.5:
            opts += good_option(rng)
        opts += bad_option(rng, kind)
    elif kind == 'random_body':
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 120)))
        dlen = len(data)
    if kind == 'proto':
        proto = rng.choice([6, 17, 58, 60, 255])
    if kind not in ('random_body', 'odd_len', 'truncated'):
        # Pad with PadN; an overrunning option stays overrunning.
        if kind == 'opt_trunc':
            tot = 6 + dlen + len(opts)
            opts += b'\0' * ((-tot) % 8)
        else:
            opts = pad_options(opts, dlen)
    body = data + opts
    if kind == 'random_body':
        body += b'\0' * ((-(6 + len(body))) % 8)
    total = 6 + len(body)
    hdrlen = total // 8 - 1
    if kind == 'hdrlen_short':
        # Say less than there is (but at least the kernel's minimum).
        body += bytes([1, 6]) + b'\0' * 6
        total += 8
    elif kind == 'hdrlen_long':
        hdrlen += rng.randint(1, 30)
    elif kind == 'odd_len':
        body += b'\x01' * rng.randint(1, 7)
        total = 6 + len(body)
        hdrlen = total // 8 - 1 + rng.choice([0, 1])
    if hdrlen < 0:
        hdrlen = 0
    if hdrlen > 255:
        hdrlen = 255
    mh = bytes([proto, hdrlen, mtype, 0, 0, 0]) + body
    if kind == 'truncated':
        mh = mh[:rng.randint(1, min(len(mh), 5 + dlen))]
        if len(mh) >= 2:
            # An honest Header Len for what is left would not be
            # truncated: keep a random one.
            mh = mh[:1] + bytes([rng.randint(0, 3)]) + mh[2:]
    return mh, kind != 'bad_csum'


def kernel_filters(mh):
    """net/ipv6/mip6.c mip6_mh_filter"""
    if len(mh) < 6:
        return True
    hdrlen, mtype = mh[1], mh[2]
    if (hdrlen + 1) * 8 > len(mh):
        return True
    if hdrlen < KERNEL_MIN_HDRLEN.get(mtype, 0):
        return True
    if mh[0] != NH_NONE:
        return True
    return False


def with_checksum(mh, src, dst, ok):
    if len(mh) < 6:
        return mh
    c = csum(pseudo(src, dst, len(mh), NH_MH) + mh[:4] + b'\0\0' + mh[6:])
    if not ok:
        c ^= 0x5a5a
    return mh[:4] + struct.pack('!H', c) + mh[6:]


class Net:
    def __init__(self, target):
        self.target = target
        net = {'ha': ('HOME_NET', '2001:db8:1::'), 'cn': ('CN_NET',
               '2001:db8:c::'), 'mn': ('F1_NET', '2001:db8:f1::')}
        self.home = ENV.get('HOME_NET', '2001:db8:1::')
        self.hoa = a6(ENV.get('MN_HOA', self.home + '100'))
        self.ha = a6(ENV.get('HA_ADDR', self.home + '2'))
        if target == 'ha':
            self.iface = ENV.get('R_IF_HOME', 'r-home')
            self.src_mac = mac('02:00:00:00:01:01')
            self.dst_mac = mac('02:00:00:00:00:02')
            self.dst = self.ha
        elif target == 'cn':
            self.iface = ENV.get('R_IF_CN', 'r-cn')
            self.src_mac = mac('02:00:00:00:01:04')
            self.dst_mac = mac('02:00:00:00:00:03')
            self.dst = a6(ENV.get('CN_ADDR', '2001:db8:c::2'))
        else:
            self.iface = ENV.get('R_IF_F1', 'r-f1')
            self.src_mac = mac('02:00:00:00:01:02')
            self.dst_mac = mac(ENV.get('MN_MAC', '02:00:00:00:00:10'))
            self.dst = a6(ENV.get('MN_COA_F1', '2001:db8:f1::ff:fe00:10'))
        del net

    def spoofed(self, rng):
        # Global unicast sources that exist nowhere, and neighbours'.
        p = rng.random()
        if p < 0.6:
            return a6('2001:db8:dead:%x::%x:%x' % (rng.getrandbits(16),
                      rng.getrandbits(16), rng.getrandbits(16) | 1))
        if p < 0.8:
            return a6('2001:db8:f2::%x' % (rng.getrandbits(16) | 1))
        return a6('2001:db8:c::%x' % (rng.getrandbits(12) + 0x100))

    def frame(self, ip):
        return self.dst_mac + self.src_mac + struct.pack('!H', ETH_P_IPV6) + ip


def mh_frames(net, rng, mtype, n, stats, intents=None):
    """n frames of one Mobility Header type towards net.target; intents,
    when given, gets whether each one's checksum is meant to be right"""
    out = []
    for _ in range(n):
        kind = rng.choice(KINDS)
        mh, ok = mh_message(rng, mtype, kind)
        src = net.spoofed(rng)
        dst = net.dst
        hao = rh2 = None
        if net.target in ('ha', 'cn') and rng.random() < 0.3:
            # A Home Address option: a home address of the home prefix,
            # now and then the real mobile node's (policy for a BU).
            if rng.random() < 0.2:
                hao = net.hoa
            else:
                hao = a6(net.home + '%x' % (rng.getrandbits(12) + 0x200))
        if net.target == 'mn':
            p = rng.random()
            if p < 0.4:
                src = net.ha		# as if from the home agent
            if p < 0.15:
                rh2 = net.hoa		# and to the home address
        if net.target == 'ha' and hao is None and rng.random() < 0.05:
            src = net.hoa		# the mobile node's own address
        # The checksum's source is the home address when a HAO is there,
        # its destination the final one (RFC 6275 6.1.1).
        cs = hao if hao is not None else src
        cd = rh2 if rh2 is not None else dst
        mh = with_checksum(mh, cs, cd, ok)
        payload, nh = mh, NH_MH
        if rh2 is not None:
            payload, nh = rh2_hdr(nh, rh2) + payload, NH_ROUTING
        if hao is not None:
            payload, nh = hao_hdr(nh, hao) + payload, NH_DSTOPTS
        out.append(net.frame(ipv6(src, dst, nh, payload)))
        if intents is not None:
            intents.append(ok)
        # What the kernel does with it.
        if kernel_filters(mh):
            fate = 'filtered'
        elif (net.target == 'ha' and
              (hao == net.hoa or (hao is None and src == net.hoa))):
            # From the mobile node's home address to the home agent:
            # only under ESP (RFC 3776; mip6-priv's policy takes any type).
            fate = 'policy'
        elif net.target == 'mn' and rh2 is not None and mh[2] == 6:
            # A BA through the type 2 routing header to the home
            # address, not under ESP: the kernel drops it.
            fate = 'policy'
        elif not ok:
            fate = 'csum'
        else:
            fate = 'delivered'
        stats['fate'][fate] += 1
        stats['kind'][kind] = stats['kind'].get(kind, 0) + 1
        t = TYPE_NAMES.get(mtype, 'type%d' % mtype if mtype <= 16 else
                           'unknown')
        d = stats['per_type'].setdefault(t, {'sent': 0, 'delivered': 0})
        d['sent'] += 1
        if fate == 'delivered':
            d['delivered'] += 1
    return out


def oversize_frames(net, rng, n, stats):
    """Mobility Headers longer than any Header Len can say (2,100 to
    3,000 octets: trailing data after the message), in IPv6 fragments:
    the kernel reassembles them, its filter lets them by, the role's
    2,048-octet read truncates them: it must count them all the same."""
    out = []
    for _ in range(n):
        mtype = rng.randint(0, 7)
        mh, _ = mh_message(rng, mtype, 'valid')
        mh += bytes(rng.getrandbits(8) for _ in range(rng.randint(2100, 3000)
                                                        - len(mh)))
        src = net.spoofed(rng)
        mh = with_checksum(mh, src, net.dst, True)
        ident = rng.getrandbits(32)
        off = 0
        while off < len(mh):
            chunk = mh[off:off + 1400]
            more = 1 if off + len(chunk) < len(mh) else 0
            frag = struct.pack('!BBHI', NH_MH, 0, off | more, ident) + chunk
            out.append(net.frame(ipv6(src, net.dst, 44, frag)))
            off += len(chunk)
        stats['fate']['delivered'] += 1
        d = stats['per_type'].setdefault('oversize', {'sent': 0,
                                                      'delivered': 0})
        d['sent'] += 1
        d['delivered'] += 1
    return out


def icmp6(src, dst, body, ok=True):
    c = csum(pseudo(src, dst, len(body), NH_ICMP6) + body[:2] + b'\0\0' +
             body[4:])
    if not ok:
        c ^= 0x1111
    return body[:2] + struct.pack('!H', c) + body[4:]


def garbage(rng, lo, hi):
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(lo, hi)))


def icmp_frames(net, rng, n, stats):
    """ICMPv6 towards the role's host: home agent address discovery
    (144-147) and Mobile Prefix messages with garbage, and for the mobile
    node router advertisements that must not be taken, for the home agent
    Neighbor Solicitations/Advertisements with garbage."""
    out = []
    all_nodes = a6('ff02::1')
    for _ in range(n):
        kind = rng.choice(['dhaad', 'nd'])
        if kind == 'dhaad':
            t = rng.choice([144, 145, 146, 147])
            body = bytes([t, rng.randint(0, 3), 0, 0]) + garbage(rng, 4, 60)
            src, dst, hlim = net.spoofed(rng), net.dst, 64
            body = icmp6(src, dst, body)
            stats['icmp']['type%d' % t] = stats['icmp'].get('type%d' % t,
                                                            0) + 1
            stats['fate']['dhaad'] += 1
        elif net.target == 'mn':
            # Router advertisements: off-link source or hop limit below
            # 255 (RFC 4861 6.1.2), or malformed options.
            v = rng.choice(['hlim', 'offlink', 'short', 'optlen0',
                            'optrun'])
            ra = bytes([134, 0, 0, 0, 64, 0, 0, 0]) + b'\0' * 8
            src, hlim = a6('fe80::bad:%x' % rng.getrandbits(16)), 255
            if v == 'hlim':
                hlim = rng.choice([1, 64, 254])
            elif v == 'offlink':
                src = net.spoofed(rng)
            elif v == 'short':
                ra = ra[:rng.randint(4, 15)]
            elif v == 'optlen0':
                ra += bytes([rng.choice([1, 3, 5, 7, 8, 99]), 0]) + \
                    b'\0' * 6
            else:
                ra += bytes([3, rng.randint(5, 30)]) + garbage(rng, 0, 20)
            dst = all_nodes if rng.random() < 0.5 else \
                a6('fe80::ff:fe00:10')
            body = icmp6(src, dst, ra)
            stats['icmp']['ra_' + v] = stats['icmp'].get('ra_' + v, 0) + 1
            stats['fate']['ra_garbage'] += 1
        else:
            # NS/NA that are not a DAD answer: short, or for addresses
            # nobody probes.
            t = rng.choice([135, 136])
            v = rng.choice(['short', 'target', 'options'])
            nd = bytes([t, 0, 0, 0, 0, 0, 0, 0])
            if v == 'short':
                nd = nd[:rng.randint(4, 8)] + garbage(rng, 0, 15)
            else:
                nd += a6('2001:db8:dead::%x' % rng.getrandbits(16))
                if v == 'options':
                    nd += bytes([rng.choice([1, 2, 14]), rng.randint(0, 3)])\
                        + garbage(rng, 0, 22)
            src, dst, hlim = a6('fe80::bad:%x' % rng.getrandbits(16)), \
                net.dst, 255
            body = icmp6(src, dst, nd)
            stats['icmp']['nd_' + v] = stats['icmp'].get('nd_' + v, 0) + 1
            stats['fate']['nd_garbage'] += 1
        out.append(net.frame(ipv6(src, dst, NH_ICMP6, body, hlim)))
    return out


def cmd_send(args):
    rng = random.Random(args.seed)
    net = Net(args.target)
    stats = {'target': args.target, 'per_type_count': args.per_type,
             'fate': {'filtered': 0, 'csum': 0, 'policy': 0, 'delivered': 0,
                      'dhaad': 0, 'ra_garbage': 0, 'nd_garbage': 0},
             'kind': {}, 'per_type': {}, 'icmp': {}}
    frames = []
    for t in list(range(17)) + ['unknown']:
        if t == 'unknown':
            for _ in range(args.per_type):
                frames += mh_frames(net, rng, rng.randint(17, 255), 1, stats)
        else:
            frames += mh_frames(net, rng, t, args.per_type, stats)
    frames += icmp_frames(net, rng, args.icmp, stats)
    # Fragments of one datagram stay in order (the kernel would take
    # them in any order; the shuffle is for the rest).
    big = oversize_frames(net, rng, max(1, args.per_type // 20), stats)
    rng.shuffle(frames)
    frames += big
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((net.iface, 0))
    t0 = time.monotonic()
    burst = max(1, args.pps // 50)
    for i, f in enumerate(frames):
        s.send(f)
        if (i + 1) % burst == 0:
            # Paced: the role's socket queue must not overflow (an
            # overflow would be counted by the kernel, not the role).
            due = t0 + (i + 1) / args.pps
            d = due - time.monotonic()
            if d > 0:
                time.sleep(d)
    stats['seconds'] = round(time.monotonic() - t0, 2)
    stats['sent'] = len(frames)
    stats['sent_mh'] = sum(v['sent'] for v in stats['per_type'].values())
    stats['fragments'] = len(big)
    print(json.dumps(stats, sort_keys=True))
    return 0


def cmd_check(args):
    """scapy decodes a sample: the Mobility Header checksum it computes
    (with the Home Address option's address as source and the type 2
    routing header's as destination, as RFC 6275 6.1.1 asks) matches ours
    exactly when the frame was meant to be right."""
    from scapy.layers.l2 import Ether
    from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt,
                                    IPv6ExtHdrRouting, in6_chksum)
    rng = random.Random(args.seed)
    bad = n = 0
    for target in ('ha', 'mn'):
        net = Net(target)
        stats = {'fate': {k: 0 for k in ('filtered', 'csum', 'policy',
                                         'delivered')},
                 'kind': {}, 'per_type': {}}
        for t in list(range(8)) + [rng.randint(17, 255) for _ in range(3)]:
            intents = []
            frames = mh_frames(net, rng, t, args.count, stats, intents)
            for f, meant in zip(frames, intents):
                u = Ether(f)[IPv6]
                while isinstance(u.payload, (IPv6ExtHdrDestOpt,
                                             IPv6ExtHdrRouting)):
                    u = u.payload
                    if isinstance(u, IPv6ExtHdrDestOpt):
                        # scapy's in6_chksum looks for a HAO alone in
                        # its header: leave it just the decoded option.
                        u.options = [o for o in u.options
                                     if isinstance(o, HAO)]
                mh = bytes(u.payload)
                if len(mh) < 6:
                    continue
                n += 1
                c = in6_chksum(NH_MH, u, mh[:4] + b'\0\0' + mh[6:])
                ok = c == struct.unpack('!H', mh[4:6])[0]
                if ok != meant:
                    bad += 1
    print('scapy checked %d Mobility Headers: %d disagreements' % (n, bad))
    return 1 if bad else 0


def delta(before, after):
    return {k: after.get(k, 0) - before.get(k, 0) for k in after
            if isinstance(after.get(k), int)}


def role_accounted(role, d):
    """What the role counted for the Mobility Headers it read, one count
    per packet, and the reasons shown.  Each role counts a message once
    by its fate, plus some views on top (e.g. the home agent counts an
    unknown type both as rx_error.unknown_mh_type and as rx.unknown_type):
    those views are left out here.

      ha   rx_error.* (the parser, the extension headers, oversize)
           + rx.<type> of the messages it parsed (BUs then under bu.*)
      cn   rate_limited + rx_error.* + rx.<type> parsed
      mn   rx.malformed + rx.<type> parsed
    """
    reasons = {}
    if role == 'ha':
        for k, v in d.items():
            if k.startswith('rx_error.') or k.startswith('rx.'):
                reasons[k] = v
        # Views counted on top of the fate.
        extra = d.get('rx_error.unknown_mh_type', 0) + \
            d.get('rx_error.bad_extension_header', 0)
    elif role == 'cn':
        for k, v in d.items():
            if k.startswith('rx_error.') or k == 'rate_limited' or \
                    (k.startswith('rx.') and k not in
                     ('rx.unknown_type', 'rx.ignored',
                      'rx.test_init_with_hao')):
                reasons[k] = v
        extra = 0
    else:
        for k, v in d.items():
            if k == 'rx.malformed' or k in ['rx.' + t for t in
                                            MH_TYPE_KEYS]:
                reasons[k] = v
        extra = 0
    return sum(reasons.values()) - extra, {k: v for k, v in
                                           reasons.items() if v}


def cmd_account(args):
    sent = json.load(open(args.sent))
    before = json.load(open(args.before))
    after = json.load(open(args.after))
    d = delta(before, after)
    fate = sent['fate']
    counted, reasons = role_accounted(args.role, d)
    drops = args.socket_drops
    predicted_drops = fate['csum'] + fate['policy']
    # More drops than predicted: the socket's queue was full (the kernel
    # counts those too); the role cannot have read them.
    overflow = drops - predicted_drops
    expect = fate['delivered'] + args.legit - max(overflow, 0)
    nbig = sent['per_type'].get('oversize', {}).get('sent', 0)
    print('%s: sent %d frames in %.1f s (%d Mobility Headers, %d of them '
          'oversized in %d fragments; %d ICMPv6)'
          % (args.role, sent['sent'], sent['seconds'], sent['sent_mh'], nbig,
             sent.get('fragments', 0), sent['sent'] - sent['sent_mh'] -
             sent.get('fragments', 0) + nbig))
    print('%s: kernel: %d refused by the mip6 filter, %d dropped at the '
          'socket (predicted: %d bad checksum + %d IPsec policy; queue '
          'full: %d)' % (args.role, fate['filtered'], drops, fate['csum'],
                         fate['policy'], overflow))
    print('%s: kernel: IPsec policy drops (/proc/net/xfrm_stat): %d'
          % (args.role, args.xfrm_drops))
    print('%s: delivered to the role: %d (+%d legitimate); the role '
          'counted %d' % (args.role, fate['delivered'], args.legit,
                          counted))
    for k in sorted(reasons):
        print('%s:   %-40s %d' % (args.role, k, reasons[k]))
    for k in sorted(d):
        if d[k] and k not in reasons and not k.startswith('tx.'):
            print('%s:   (also) %-33s %d' % (args.role, k, d[k]))
    ok = True
    if overflow < 0:
        print('%s: MISMATCH: the kernel dropped %d at the socket, %d '
              'predicted (bad checksum and IPsec policy): %d packets the '
              'kernel should have refused reached the role'
              % (args.role, drops, predicted_drops, -overflow))
        ok = False
    if args.xfrm_drops != fate['policy']:
        print('%s: MISMATCH: %d IPsec policy drops predicted, the kernel '
              'counted %d' % (args.role, fate['policy'], args.xfrm_drops))
        ok = False
    allowed = int(fate['delivered'] * args.max_overflow_share)
    if overflow > allowed:
        print('%s: the socket queue overflowed: %d lost (at most %d '
              'allowed)' % (args.role, overflow, allowed))
        ok = False
    if counted != expect:
        print('%s: MISMATCH: %d delivered, %d counted (%+d)'
              % (args.role, expect, counted, counted - expect))
        ok = False
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('send')
    s.add_argument('--target', choices=['ha', 'cn', 'mn'], required=True)
    s.add_argument('--per-type', type=int, default=1000)
    s.add_argument('--icmp', type=int, default=1000)
    s.add_argument('--seed', type=int, default=8)
    s.add_argument('--pps', type=int, default=2000)
    c = sub.add_parser('check')
    c.add_argument('--count', type=int, default=20)
    c.add_argument('--seed', type=int, default=8)
    a = sub.add_parser('account')
    a.add_argument('--role', choices=['ha', 'cn', 'mn'], required=True)
    a.add_argument('--sent', required=True)
    a.add_argument('--before', required=True)
    a.add_argument('--after', required=True)
    a.add_argument('--socket-drops', type=int, required=True)
    a.add_argument('--legit', type=int, default=0)
    a.add_argument('--xfrm-drops', type=int, default=0)
    # The role must keep up with the campaign's pace: at most this share
    # of what the kernel delivered may be lost at a full queue.
    a.add_argument('--max-overflow-share', type=float, default=0.05)
    args = ap.parse_args()
    return {'send': cmd_send, 'check': cmd_check,
            'account': cmd_account}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
