/*
 * Mobility Header codec: parse and validate (RFC 6275 9.2), build with
 * option alignment (RFC 6275 6.2), checksum over the IPv6 pseudo-header,
 * Home Address option and type 2 routing header.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mh.h"
#include "wire.h"

/* Formatting for logs, mip6ctl and mhtool: a bounded appender. */
struct fmt {
	char	*buf;
	size_t	 size;
	size_t	 len;		/* needed so far, may exceed size */
};

struct opt_align {
	uint8_t	x;
	uint8_t	y;
};

static uint32_t	 sum_bytes(uint32_t, const uint8_t *, size_t);
static uint32_t	 sum_pseudo(const struct in6_addr *, const struct in6_addr *,
		    size_t);
static uint16_t	 fold(uint32_t);
static void	 parse_fixed(const uint8_t *, struct mh_msg *);
static enum mh_err parse_opts(const uint8_t *, size_t, size_t,
		    struct mh_opts *);
static int	 single_valued(uint8_t);
static struct opt_align opt_align(uint8_t);
static size_t	 opt_wire_len(const struct mh_opt *);
static void	 write_pad(uint8_t *, size_t);
static void	 write_opt(uint8_t *, const struct mh_opt *);
static void	 build_fixed(const struct mh_msg *, uint8_t *);
static void	 fmt_add(struct fmt *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 fmt_hex(struct fmt *, const uint8_t *, size_t);
static void	 fmt_flags(struct fmt *, int, unsigned, const char *const *,
		    int);
static void	 fmt_opts(struct fmt *, int, const uint8_t *,
		    const struct mh_msg *);

static const char *const err_names[MH_ERR_COUNT] = {
	[MH_OK] = "ok",
	[MH_ERR_SHORT] = "too_short_for_type",
	[MH_ERR_HDRLEN] = "header_len_mismatch",
	[MH_ERR_CKSUM] = "bad_checksum",
	[MH_ERR_OPT_OVERRUN] = "option_overrun",
	[MH_ERR_OPT_LEN] = "bad_option_length",
	[MH_ERR_PROTO] = "bad_payload_proto",
	[MH_ERR_TYPE] = "unknown_mh_type",
	[MH_ERR_EXTHDR] = "bad_extension_header",
	[MH_ERR_NOHAO] = "no_home_address_option",
	[MH_ERR_NOSPACE] = "no_space",
	[MH_ERR_INVAL] = "invalid_field",
};

static const char *const type_names[MH_TYPE_MAX + 1] = {
	[MH_TYPE_BRR] = "BRR",
	[MH_TYPE_HOTI] = "HoTI",
	[MH_TYPE_COTI] = "CoTI",
	[MH_TYPE_HOT] = "HoT",
	[MH_TYPE_COT] = "CoT",
	[MH_TYPE_BU] = "BU",
	[MH_TYPE_BA] = "BA",
	[MH_TYPE_BE] = "BE",
};

static const uint8_t data_len[MH_TYPE_MAX + 1] = {
	[MH_TYPE_BRR] = MH_BRR_DATA_LEN,
	[MH_TYPE_HOTI] = MH_HOTI_DATA_LEN,
	[MH_TYPE_COTI] = MH_HOTI_DATA_LEN,
	[MH_TYPE_HOT] = MH_HOT_DATA_LEN,
	[MH_TYPE_COT] = MH_HOT_DATA_LEN,
	[MH_TYPE_BU] = MH_BU_DATA_LEN,
	[MH_TYPE_BA] = MH_BA_DATA_LEN,
	[MH_TYPE_BE] = MH_BE_DATA_LEN,
};

const char *
mh_err_str(enum mh_err e)
{
	if ((unsigned)e >= MH_ERR_COUNT)
		return "unknown";
	return err_names[e];
}

const char *
mh_type_str(uint8_t type)
{
	return type <= MH_TYPE_MAX ? type_names[type] : NULL;
}

size_t
mh_fixed_len(uint8_t type)
{
	return type <= MH_TYPE_MAX ? MH_HDR_LEN + data_len[type] : 0;
}

/* One's-complement sum of big-endian 16-bit words, odd octet zero-padded. */
static uint32_t
sum_bytes(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len >= 2) {
		sum += wire_get16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* RFC 8200 8.1: source, destination, upper-layer length, next header. */
static uint32_t
sum_pseudo(const struct in6_addr *src, const struct in6_addr *dst,
    size_t len)
{
	uint32_t sum = 0;

	sum = sum_bytes(sum, src->s6_addr, sizeof(src->s6_addr));
	sum = sum_bytes(sum, dst->s6_addr, sizeof(dst->s6_addr));
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	sum += IPPROTO_MH;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
mh_checksum(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *buf, size_t len)
{
	uint32_t sum = sum_pseudo(src, dst, len);

	/* Skip the checksum field: it counts as zero. */
	if (len <= MH_OFF_CKSUM)
		sum = sum_bytes(sum, buf, len);
	else {
		sum = sum_bytes(sum, buf, MH_OFF_CKSUM);
		if (len > MH_HDR_LEN)
			sum = sum_bytes(sum, buf + MH_HDR_LEN,
			    len - MH_HDR_LEN);
	}
	return (uint16_t)~fold(sum);
}

void
mh_set_checksum(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t *buf, size_t len)
{
	if (len < MH_HDR_LEN)
		return;
	wire_put16(buf + MH_OFF_CKSUM, mh_checksum(src, dst, buf, len));
}

void
mh_cksum_addrs(const struct in6_addr *ip_src, const struct in6_addr *ip_dst,
    const struct in6_addr *hao, const struct in6_addr *rh2,
    const struct in6_addr **src, const struct in6_addr **dst)
{
	*src = hao ? hao : ip_src;
	*dst = rh2 ? rh2 : ip_dst;
}

int
mh_opt_next(const uint8_t *area, size_t len, size_t *off,
    struct mh_rawopt *o, enum mh_err *err)
{
	size_t left;

	if (*off >= len)
		return 0;
	left = len - *off;
	o->off = *off;
	o->type = area[*off];
	if (o->type == MH_OPT_PAD1) {
		o->len = 0;
		o->data = NULL;
		*off += 1;
		return 1;
	}
	if (left < MH_OPT_HDR_LEN ||
	    left - MH_OPT_HDR_LEN < area[*off + 1]) {
		*err = MH_ERR_OPT_OVERRUN;
		return -1;
	}
	o->len = area[*off + 1];
	o->data = area + *off + MH_OPT_HDR_LEN;
	*off += MH_OPT_HDR_LEN + o->len;
	return 1;
}

enum mh_err
mh_opt_decode(const struct mh_rawopt *r, struct mh_opt *o)
{
	o->type = r->type;
	switch (r->type) {
	case MH_OPT_PAD1:
		break;
	case MH_OPT_BRA:
		if (r->len != MH_OPT_BRA_LEN)
			return MH_ERR_OPT_LEN;
		o->u.refresh = wire_get16(r->data);
		break;
	case MH_OPT_ALTCOA:
		if (r->len != MH_OPT_ALTCOA_LEN)
			return MH_ERR_OPT_LEN;
		memcpy(&o->u.altcoa, r->data, sizeof(o->u.altcoa));
		break;
	case MH_OPT_NONCE:
		if (r->len != MH_OPT_NONCE_LEN)
			return MH_ERR_OPT_LEN;
		o->u.nonce.home = wire_get16(r->data);
		o->u.nonce.coa = wire_get16(r->data + 2);
		break;
	case MH_OPT_AUTH:
		if (r->len != MH_OPT_AUTH_LEN)
			return MH_ERR_OPT_LEN;
		memcpy(o->u.auth, r->data, MIP6_AUTH_LEN);
		break;
	case MH_OPT_MNP:
		if (r->len != MH_OPT_MNP_LEN)
			return MH_ERR_OPT_LEN;
		/* data[0] is reserved */
		o->u.mnp.plen = r->data[1];
		memcpy(&o->u.mnp.prefix, r->data + 2,
		    sizeof(o->u.mnp.prefix));
		break;
	case MH_OPT_MNID:
		if (r->len < MH_OPT_MNID_MIN_LEN)
			return MH_ERR_OPT_LEN;
		o->u.mnid.subtype = r->data[0];
		o->u.mnid.len = r->len - MH_OPT_MNID_MIN_LEN;
		o->u.mnid.id = r->data + MH_OPT_MNID_MIN_LEN;
		break;
	default:		/* PadN and anything we skip by length */
		o->u.raw.len = r->len;
		o->u.raw.data = r->data;
		break;
	}
	return MH_OK;
}

static void
parse_fixed(const uint8_t *buf, struct mh_msg *m)
{
	const uint8_t *d = buf + MH_HDR_LEN;

	switch (m->type) {
	case MH_TYPE_HOTI:
	case MH_TYPE_COTI:
		/* d[0..1] reserved */
		memcpy(m->u.init.cookie, d + 2, MIP6_COOKIE_LEN);
		break;
	case MH_TYPE_HOT:
	case MH_TYPE_COT:
		m->u.test.nonce_idx = wire_get16(d);
		memcpy(m->u.test.cookie, d + 2, MIP6_COOKIE_LEN);
		memcpy(m->u.test.token, d + 2 + MIP6_COOKIE_LEN,
		    MIP6_TOKEN_LEN);
		break;
	case MH_TYPE_BU:
		m->u.bu.seq = wire_get16(d);
		m->u.bu.flags = wire_get16(d + 2);
		m->u.bu.lifetime = wire_get16(d + 4);
		break;
	case MH_TYPE_BA:
		m->u.ba.status = d[0];
		m->u.ba.flags = d[1];
		m->u.ba.seq = wire_get16(d + 2);
		m->u.ba.lifetime = wire_get16(d + 4);
		break;
	case MH_TYPE_BE:
		m->u.be.status = d[0];
		memcpy(&m->u.be.hoa, d + 2, sizeof(m->u.be.hoa));
		break;
	default:		/* BRR: reserved only */
		break;
	}
}

static int
single_valued(uint8_t type)
{
	switch (type) {
	case MH_OPT_BRA:
	case MH_OPT_ALTCOA:
	case MH_OPT_NONCE:
	case MH_OPT_AUTH:
	case MH_OPT_MNID:
		return 1;
	default:
		return 0;
	}
}

static enum mh_err
parse_opts(const uint8_t *buf, size_t off, size_t len, struct mh_opts *po)
{
	struct mh_rawopt r;
	struct mh_opt o;
	enum mh_err err = MH_OK;
	size_t pos = 0;
	int rc;

	memset(&o, 0, sizeof(o));	/* struct copies below carry padding */
	while ((rc = mh_opt_next(buf + off, len - off, &pos, &r, &err)) > 0) {
		if ((err = mh_opt_decode(&r, &o)) != MH_OK)
			return err;
		/* The first of each single-valued option counts. */
		if (single_valued(r.type) && MH_HAS_OPT(po, r.type))
			continue;
		switch (r.type) {
		case MH_OPT_PAD1:
		case MH_OPT_PADN:
			break;
		case MH_OPT_BRA:
			po->refresh = o.u.refresh;
			break;
		case MH_OPT_ALTCOA:
			po->altcoa = o.u.altcoa;
			break;
		case MH_OPT_NONCE:
			po->home_nonce_idx = o.u.nonce.home;
			po->coa_nonce_idx = o.u.nonce.coa;
			break;
		case MH_OPT_AUTH:
			memcpy(po->auth, o.u.auth, MIP6_AUTH_LEN);
			po->auth_off = (uint16_t)(off + r.off +
			    MH_OPT_HDR_LEN);
			break;
		case MH_OPT_MNP:
			if (po->nmnp < MH_MAX_MNP)
				po->mnp[po->nmnp++] = o.u.mnp;
			if (po->mnp_total < UINT8_MAX)
				po->mnp_total++;
			break;
		case MH_OPT_MNID:
			po->mnid_subtype = o.u.mnid.subtype;
			po->mnid_len = o.u.mnid.len;
			po->mnid = o.u.mnid.id;
			break;
		default:
			po->nunknown++;
			break;
		}
		if (r.type < 32)
			po->present |= 1u << r.type;
	}
	return rc < 0 ? err : MH_OK;
}

enum mh_err
mh_parse(const uint8_t *buf, size_t len, const struct in6_addr *src,
    const struct in6_addr *dst, struct mh_msg *m)
{
	uint32_t sum;
	size_t fixed;

	memset(m, 0, sizeof(*m));
	if (len < MH_UNIT || len > MH_MAX_LEN ||
	    (size_t)(buf[MH_OFF_HLEN] + 1) * MH_UNIT != len)
		return MH_ERR_HDRLEN;
	if (src != NULL && dst != NULL) {
		/* Summed with the field itself, a good packet folds to ~0. */
		sum = sum_pseudo(src, dst, len);
		sum = sum_bytes(sum, buf, len);
		if (fold(sum) != 0xffff)
			return MH_ERR_CKSUM;
	}
	m->proto = buf[MH_OFF_PROTO];
	m->type = buf[MH_OFF_TYPE];
	m->len = (uint16_t)len;
	m->cksum = wire_get16(buf + MH_OFF_CKSUM);
	/* RFC 6275 9.2, in its order: type, payload proto, header len. */
	if (m->type > MH_TYPE_MAX) {
		m->answer.kind = MH_ANSWER_BE;
		m->answer.be_status = BE_STATUS_UNKNOWN_MH_TYPE;
		return MH_ERR_TYPE;
	}
	if (m->proto != MIP6_PROTO_NONE) {
		m->answer.kind = MH_ANSWER_PARAMPROB;
		m->answer.pointer = MH_OFF_PROTO;
		return MH_ERR_PROTO;
	}
	fixed = mh_fixed_len(m->type);
	if (len < fixed) {
		m->answer.kind = MH_ANSWER_PARAMPROB;
		m->answer.pointer = MH_OFF_HLEN;
		return MH_ERR_SHORT;
	}
	parse_fixed(buf, m);
	m->opts_off = fixed;
	return parse_opts(buf, fixed, len, &m->opts);
}

static struct opt_align
opt_align(uint8_t type)
{
	struct opt_align a = { 0, 0 };

	switch (type) {
	case MH_OPT_BRA:
		a.x = MH_OPT_BRA_ALIGN_X;
		a.y = MH_OPT_BRA_ALIGN_Y;
		break;
	case MH_OPT_ALTCOA:
		a.x = MH_OPT_ALTCOA_ALIGN_X;
		a.y = MH_OPT_ALTCOA_ALIGN_Y;
		break;
	case MH_OPT_NONCE:
		a.x = MH_OPT_NONCE_ALIGN_X;
		a.y = MH_OPT_NONCE_ALIGN_Y;
		break;
	case MH_OPT_AUTH:
		a.x = MH_OPT_AUTH_ALIGN_X;
		a.y = MH_OPT_AUTH_ALIGN_Y;
		break;
	case MH_OPT_MNP:
		a.x = MH_OPT_MNP_ALIGN_X;
		a.y = MH_OPT_MNP_ALIGN_Y;
		break;
	default:
		break;
	}
	return a;
}

/* Octets the option takes on the wire, type and length included. */
static size_t
opt_wire_len(const struct mh_opt *o)
{
	switch (o->type) {
	case MH_OPT_PAD1:
		return 1;
	case MH_OPT_BRA:
		return MH_OPT_HDR_LEN + MH_OPT_BRA_LEN;
	case MH_OPT_ALTCOA:
		return MH_OPT_HDR_LEN + MH_OPT_ALTCOA_LEN;
	case MH_OPT_NONCE:
		return MH_OPT_HDR_LEN + MH_OPT_NONCE_LEN;
	case MH_OPT_AUTH:
		return MH_OPT_HDR_LEN + MH_OPT_AUTH_LEN;
	case MH_OPT_MNP:
		return MH_OPT_HDR_LEN + MH_OPT_MNP_LEN;
	case MH_OPT_MNID:
		return MH_OPT_HDR_LEN + MH_OPT_MNID_MIN_LEN + o->u.mnid.len;
	default:
		return MH_OPT_HDR_LEN + o->u.raw.len;
	}
}

/* Pad1 for one octet, PadN with zeros for more. */
static void
write_pad(uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	memset(p, 0, n);
	if (n == 1) {
		p[0] = MH_OPT_PAD1;
		return;
	}
	p[0] = MH_OPT_PADN;
	p[1] = (uint8_t)(n - MH_OPT_HDR_LEN);
}

static void
write_opt(uint8_t *p, const struct mh_opt *o)
{
	uint8_t *d = p + MH_OPT_HDR_LEN;

	p[0] = o->type;
	if (o->type == MH_OPT_PAD1)
		return;
	p[1] = (uint8_t)(opt_wire_len(o) - MH_OPT_HDR_LEN);
	switch (o->type) {
	case MH_OPT_BRA:
		wire_put16(d, o->u.refresh);
		break;
	case MH_OPT_ALTCOA:
		memcpy(d, &o->u.altcoa, sizeof(o->u.altcoa));
		break;
	case MH_OPT_NONCE:
		wire_put16(d, o->u.nonce.home);
		wire_put16(d + 2, o->u.nonce.coa);
		break;
	case MH_OPT_AUTH:
		memcpy(d, o->u.auth, MIP6_AUTH_LEN);
		break;
	case MH_OPT_MNP:
		d[0] = 0;
		d[1] = o->u.mnp.plen;
		memcpy(d + 2, &o->u.mnp.prefix, sizeof(o->u.mnp.prefix));
		break;
	case MH_OPT_MNID:
		d[0] = o->u.mnid.subtype;
		if (o->u.mnid.len)
			memcpy(d + 1, o->u.mnid.id, o->u.mnid.len);
		break;
	case MH_OPT_PADN:
		memset(d, 0, o->u.raw.len);
		break;
	default:
		if (o->u.raw.len)
			memcpy(d, o->u.raw.data, o->u.raw.len);
		break;
	}
}

static void
build_fixed(const struct mh_msg *m, uint8_t *buf)
{
	uint8_t *d = buf + MH_HDR_LEN;

	buf[MH_OFF_PROTO] = MIP6_PROTO_NONE;
	buf[MH_OFF_TYPE] = m->type;
	switch (m->type) {
	case MH_TYPE_HOTI:
	case MH_TYPE_COTI:
		memcpy(d + 2, m->u.init.cookie, MIP6_COOKIE_LEN);
		break;
	case MH_TYPE_HOT:
	case MH_TYPE_COT:
		wire_put16(d, m->u.test.nonce_idx);
		memcpy(d + 2, m->u.test.cookie, MIP6_COOKIE_LEN);
		memcpy(d + 2 + MIP6_COOKIE_LEN, m->u.test.token,
		    MIP6_TOKEN_LEN);
		break;
	case MH_TYPE_BU:
		wire_put16(d, m->u.bu.seq);
		wire_put16(d + 2, m->u.bu.flags);
		wire_put16(d + 4, m->u.bu.lifetime);
		break;
	case MH_TYPE_BA:
		d[0] = m->u.ba.status;
		d[1] = m->u.ba.flags;
		wire_put16(d + 2, m->u.ba.seq);
		wire_put16(d + 4, m->u.ba.lifetime);
		break;
	case MH_TYPE_BE:
		d[0] = m->u.be.status;
		memcpy(d + 2, &m->u.be.hoa, sizeof(m->u.be.hoa));
		break;
	default:
		break;
	}
}

enum mh_err
mh_build(const struct mh_msg *m, const struct mh_opt *opts, size_t nopts,
    const struct in6_addr *src, const struct in6_addr *dst, uint8_t *buf,
    size_t size, size_t *outlen)
{
	struct opt_align a;
	size_t pos, pad, olen, i;

	if (m->type > MH_TYPE_MAX || nopts > MH_MAX_OPTS)
		return MH_ERR_INVAL;
	pos = mh_fixed_len(m->type);
	if (size < pos)
		return MH_ERR_NOSPACE;
	memset(buf, 0, pos);
	build_fixed(m, buf);
	for (i = 0; i < nopts; i++) {
		const struct mh_opt *o = &opts[i];

		/* RFC 6275 6.2.7: the authenticator covers all before it. */
		if (o->type == MH_OPT_AUTH && i + 1 != nopts)
			return MH_ERR_INVAL;
		if (o->type == MH_OPT_MNID &&
		    o->u.mnid.len > UINT8_MAX - MH_OPT_MNID_MIN_LEN)
			return MH_ERR_INVAL;
		a = opt_align(o->type);
		pad = a.x ? (size_t)((a.y + a.x - pos % a.x) % a.x) : 0;
		olen = opt_wire_len(o);
		if (size - pos < pad + olen)
			return MH_ERR_NOSPACE;
		write_pad(buf + pos, pad);
		pos += pad;
		write_opt(buf + pos, o);
		pos += olen;
	}
	pad = (MH_UNIT - pos % MH_UNIT) % MH_UNIT;
	if (size - pos < pad)
		return MH_ERR_NOSPACE;
	write_pad(buf + pos, pad);
	pos += pad;
	if (pos > MH_MAX_LEN)
		return MH_ERR_NOSPACE;
	buf[MH_OFF_HLEN] = (uint8_t)(pos / MH_UNIT - 1);
	if (src != NULL && dst != NULL)
		mh_set_checksum(src, dst, buf, pos);
	*outlen = pos;
	return MH_OK;
}

/* Extension headers: next header, Hdr Ext Len in 8 octets beyond the first 8. */
#define EXT_OFF_NH		0
#define EXT_OFF_LEN		1
#define DSTOPT_HAO_HDRLEN	2	/* 24 octets */
#define DSTOPT_OPTS_OFF		2
#define RH_OFF_TYPE		2
#define RH_OFF_SEGLEFT		3
#define RH2_OFF_ADDR		8

enum mh_err
mh_hao_build(uint8_t next_hdr, const struct in6_addr *hoa, uint8_t *buf,
    size_t size, size_t *outlen)
{
	size_t pos = DSTOPT_OPTS_OFF, pad;

	if (size < HAO_DSTOPT_LEN)
		return MH_ERR_NOSPACE;
	memset(buf, 0, HAO_DSTOPT_LEN);
	buf[EXT_OFF_NH] = next_hdr;
	buf[EXT_OFF_LEN] = DSTOPT_HAO_HDRLEN;
	/* 8n+6: PadN of 4 octets before the option at offset 6. */
	pad = (IP6OPT_HAO_ALIGN_Y + IP6OPT_HAO_ALIGN_X - pos) %
	    IP6OPT_HAO_ALIGN_X;
	buf[pos] = IP6OPT_PADN_TYPE;
	buf[pos + 1] = (uint8_t)(pad - 2);
	pos += pad;
	buf[pos] = IP6OPT_HOME_ADDRESS;
	buf[pos + 1] = IP6OPT_HAO_LEN;
	memcpy(buf + pos + 2, hoa, sizeof(*hoa));
	*outlen = HAO_DSTOPT_LEN;
	return MH_OK;
}

enum mh_err
mh_hao_parse(const uint8_t *buf, size_t len, struct in6_addr *hoa)
{
	size_t hl, pos = DSTOPT_OPTS_OFF;

	if (len < MH_UNIT)
		return MH_ERR_EXTHDR;
	hl = (size_t)(buf[EXT_OFF_LEN] + 1) * MH_UNIT;
	if (hl > len)
		return MH_ERR_EXTHDR;
	while (pos < hl) {
		uint8_t t = buf[pos], ol;

		if (t == IP6OPT_PAD1_TYPE) {
			pos++;
			continue;
		}
		if (hl - pos < 2 || hl - pos - 2 < buf[pos + 1])
			return MH_ERR_EXTHDR;
		ol = buf[pos + 1];
		if (t == IP6OPT_HOME_ADDRESS) {
			if (ol != IP6OPT_HAO_LEN)
				return MH_ERR_EXTHDR;
			memcpy(hoa, buf + pos + 2, sizeof(*hoa));
			return MH_OK;
		}
		pos += 2 + (size_t)ol;
	}
	return MH_ERR_NOHAO;
}

enum mh_err
mh_rh2_build(uint8_t next_hdr, const struct in6_addr *hoa, uint8_t *buf,
    size_t size, size_t *outlen)
{
	if (size < RH2_LEN)
		return MH_ERR_NOSPACE;
	memset(buf, 0, RH2_LEN);
	buf[EXT_OFF_NH] = next_hdr;
	buf[EXT_OFF_LEN] = RH2_HDRLEN_UNITS;
	buf[RH_OFF_TYPE] = IPV6_RTHDR_TYPE_2;
	buf[RH_OFF_SEGLEFT] = RH2_SEGLEFT;
	memcpy(buf + RH2_OFF_ADDR, hoa, sizeof(*hoa));
	*outlen = RH2_LEN;
	return MH_OK;
}

/* Segments Left is 1 on the wire and 0 once the kernel has processed it. */
enum mh_err
mh_rh2_parse(const uint8_t *buf, size_t len, struct in6_addr *hoa)
{
	if (len < RH2_LEN || buf[EXT_OFF_LEN] != RH2_HDRLEN_UNITS ||
	    buf[RH_OFF_TYPE] != IPV6_RTHDR_TYPE_2 ||
	    buf[RH_OFF_SEGLEFT] > RH2_SEGLEFT)
		return MH_ERR_EXTHDR;
	memcpy(hoa, buf + RH2_OFF_ADDR, sizeof(*hoa));
	return MH_OK;
}

static void
fmt_add(struct fmt *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(f->len < f->size ? f->buf + f->len : NULL,
	    f->len < f->size ? f->size - f->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->len += (size_t)n;
}

static void
fmt_hex(struct fmt *f, const uint8_t *p, size_t len)
{
	while (len--)
		fmt_add(f, "%02x", *p++);
}

/* Flag letters, most significant bit first. */
static void
fmt_flags(struct fmt *f, int json, unsigned v, const char *const *names,
    int width)
{
	int i, n = 0;

	fmt_add(f, json ? ",\"flag_names\":\"" : " flag_names=");
	for (i = 0; i < width; i++)
		if (v & (1u << (width - 1 - i))) {
			fmt_add(f, "%s", names[i]);
			n++;
		}
	if (!json && n == 0)
		fmt_add(f, "-");
	if (json)
		fmt_add(f, "\"");
}

static void
fmt_opts(struct fmt *f, int json, const uint8_t *buf, const struct mh_msg *m)
{
	struct mh_rawopt r;
	struct mh_opt o;
	enum mh_err err;
	char a[INET6_ADDRSTRLEN];
	size_t off = 0;
	int first = 1;

	if (json)
		fmt_add(f, ",\"options\":[");
	while (mh_opt_next(buf + m->opts_off, m->len - m->opts_off, &off, &r,
	    &err) == 1) {
		if (mh_opt_decode(&r, &o) != MH_OK)
			break;		/* mh_parse already refused those */
		fmt_add(f, json ? (first ? "{" : ",{") : " ");
		first = 0;
		switch (o.type) {
		case MH_OPT_PAD1:
			fmt_add(f, json ? "\"opt\":\"pad1\"" : "pad1");
			break;
		case MH_OPT_PADN:
			fmt_add(f, json ? "\"opt\":\"padn\",\"len\":%u" :
			    "padn=%u", r.len);
			break;
		case MH_OPT_BRA:
			fmt_add(f, json ? "\"opt\":\"bra\",\"refresh\":%u" :
			    "bra=%u", o.u.refresh);
			break;
		case MH_OPT_ALTCOA:
			fmt_add(f, json ? "\"opt\":\"altcoa\",\"addr\":\"%s\"" :
			    "altcoa=%s", inet_ntop(AF_INET6, &o.u.altcoa, a,
			    sizeof(a)));
			break;
		case MH_OPT_NONCE:
			fmt_add(f, json ? "\"opt\":\"nonce\",\"home\":%u,"
			    "\"coa\":%u" : "nonce=%u,%u", o.u.nonce.home,
			    o.u.nonce.coa);
			break;
		case MH_OPT_AUTH:
			fmt_add(f, json ? "\"opt\":\"auth\",\"auth\":\"" :
			    "auth=");
			fmt_hex(f, o.u.auth, sizeof(o.u.auth));
			fmt_add(f, json ? "\"" : "");
			break;
		case MH_OPT_MNP:
			fmt_add(f, json ? "\"opt\":\"mnp\",\"prefix\":\"%s\","
			    "\"plen\":%u" : "mnp=%s/%u", inet_ntop(AF_INET6,
			    &o.u.mnp.prefix, a, sizeof(a)), o.u.mnp.plen);
			break;
		case MH_OPT_MNID:
			fmt_add(f, json ? "\"opt\":\"mnid\",\"subtype\":%u,"
			    "\"id\":\"" : "mnid=%u,", o.u.mnid.subtype);
			fmt_hex(f, o.u.mnid.id, o.u.mnid.len);
			fmt_add(f, json ? "\"" : "");
			break;
		default:
			fmt_add(f, json ? "\"opt\":\"unknown\",\"type\":%u,"
			    "\"data\":\"" : "opt=%u,", o.type);
			fmt_hex(f, o.u.raw.data, o.u.raw.len);
			fmt_add(f, json ? "\"" : "");
			break;
		}
		if (json)
			fmt_add(f, "}");
	}
	if (json)
		fmt_add(f, "]");
}

size_t
mh_format(char *buf, size_t size, int json, const uint8_t *mh,
    const struct mh_msg *m, int cksum_checked)
{
	static const char *const bu_flags[] = {
		"A", "H", "L", "K", "M", "R", "P", "F", "T"
	};
	static const char *const ba_flags[] = { "K", "R", "P" };
	struct fmt f = { buf, size, 0 };
	char a[INET6_ADDRSTRLEN];
	const char *type = mh_type_str(m->type);

	if (size)
		buf[0] = '\0';
	if (type == NULL)
		type = "unknown";
	if (json)
		fmt_add(&f, "\"type\":\"%s\",\"mh_type\":%u,\"len\":%u,"
		    "\"proto\":%u,\"cksum\":%u,\"cksum_checked\":%s", type,
		    m->type, m->len, m->proto, m->cksum,
		    cksum_checked ? "true" : "false");
	else
		fmt_add(&f, "type=%s len=%u cksum=0x%04x%s", type, m->len,
		    m->cksum, cksum_checked ? " (ok)" : "");
	switch (m->type) {
	case MH_TYPE_HOTI:
	case MH_TYPE_COTI:
		fmt_add(&f, json ? ",\"cookie\":\"" : " cookie=");
		fmt_hex(&f, m->u.init.cookie, MIP6_COOKIE_LEN);
		fmt_add(&f, json ? "\"" : "");
		break;
	case MH_TYPE_HOT:
	case MH_TYPE_COT:
		fmt_add(&f, json ? ",\"index\":%u,\"cookie\":\"" :
		    " index=%u cookie=", m->u.test.nonce_idx);
		fmt_hex(&f, m->u.test.cookie, MIP6_COOKIE_LEN);
		fmt_add(&f, json ? "\",\"token\":\"" : " token=");
		fmt_hex(&f, m->u.test.token, MIP6_TOKEN_LEN);
		fmt_add(&f, json ? "\"" : "");
		break;
	case MH_TYPE_BU:
		fmt_add(&f, json ? ",\"seq\":%u,\"flags\":%u" :
		    " seq=%u flags=0x%04x", m->u.bu.seq, m->u.bu.flags);
		/* 9 named flags at the top of the 16-bit word */
		fmt_flags(&f, json, m->u.bu.flags >> 7, bu_flags, 9);
		fmt_add(&f, json ? ",\"lifetime\":%u,\"lifetime_s\":%u" :
		    " lifetime=%u lifetime_s=%u", m->u.bu.lifetime,
		    mip6_lifetime_to_sec(m->u.bu.lifetime));
		break;
	case MH_TYPE_BA:
		fmt_add(&f, json ? ",\"status\":%u,\"flags\":%u" :
		    " status=%u flags=0x%02x", m->u.ba.status, m->u.ba.flags);
		/* 3 named flags at the top of the octet */
		fmt_flags(&f, json, m->u.ba.flags >> 5, ba_flags, 3);
		fmt_add(&f, json ? ",\"seq\":%u,\"lifetime\":%u,"
		    "\"lifetime_s\":%u" : " seq=%u lifetime=%u lifetime_s=%u",
		    m->u.ba.seq, m->u.ba.lifetime,
		    mip6_lifetime_to_sec(m->u.ba.lifetime));
		break;
	case MH_TYPE_BE:
		fmt_add(&f, json ? ",\"status\":%u,\"hoa\":\"%s\"" :
		    " status=%u hoa=%s", m->u.be.status,
		    inet_ntop(AF_INET6, &m->u.be.hoa, a, sizeof(a)));
		break;
	default:
		break;
	}
	fmt_opts(&f, json, mh, m);
	return f.len;
}

const char *
mh_answer_str(enum mh_answer_kind k)
{
	switch (k) {
	case MH_ANSWER_PARAMPROB:
		return "param_problem";
	case MH_ANSWER_BE:
		return "binding_error";
	default:
		return "discard";
	}
}

size_t
mh_format_error(char *buf, size_t size, int json, enum mh_err e,
    const struct mh_msg *m)
{
	struct fmt f = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	fmt_add(&f, json ? "\"error\":\"%s\",\"answer\":\"%s\"" :
	    "error=%s answer=%s", mh_err_str(e),
	    mh_answer_str(m->answer.kind));
	if (m->answer.kind == MH_ANSWER_PARAMPROB)
		fmt_add(&f, json ? ",\"pointer\":%u" : " pointer=%u",
		    m->answer.pointer);
	if (m->answer.kind == MH_ANSWER_BE)
		fmt_add(&f, json ? ",\"be_status\":%u" : " be_status=%u",
		    m->answer.be_status);
	return f.len;
}
