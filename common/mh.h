/*
 * Mobility Header codec (RFC 6275 section 6; RFC 3963 Mobile Network
 * Prefix; RFC 4283 Mobile Node Identifier), and the two IPv6 extension
 * headers that carry mobility: the Home Address destination option and the
 * type 2 routing header.
 *
 * The parser works on the caller's buffer and the caller's struct: no heap
 * allocation, no read past `len`.  Pointers it hands back (an NAI, raw
 * option data) point into that buffer.
 */
#ifndef MIP6_MH_H
#define MIP6_MH_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "mip6_const.h"

/* Why a message was rejected: one counter per reason. */
enum mh_err {
	MH_OK = 0,
	MH_ERR_SHORT,		/* Header Len below the type's minimum */
	MH_ERR_HDRLEN,		/* Header Len disagrees with the packet */
	MH_ERR_CKSUM,		/* bad checksum */
	MH_ERR_OPT_OVERRUN,	/* an option runs past the end */
	MH_ERR_OPT_LEN,		/* a known option with a malformed length */
	MH_ERR_PROTO,		/* Payload Proto is not 59 */
	MH_ERR_TYPE,		/* unknown MH Type */
	MH_ERR_EXTHDR,		/* malformed HAO destination options / RH2 */
	MH_ERR_NOHAO,		/* destination options without a HAO */
	MH_ERR_NOSPACE,		/* builder: output buffer or MH too small */
	MH_ERR_INVAL,		/* builder: field out of range */
	MH_ERR_COUNT
};

/* What RFC 6275 9.2 says to send back for a rejected message. */
enum mh_answer_kind {
	MH_ANSWER_NONE = 0,	/* silently discard */
	MH_ANSWER_PARAMPROB,	/* ICMPv6 Parameter Problem, code 0 */
	MH_ANSWER_BE		/* Binding Error */
};

struct mh_answer {
	enum mh_answer_kind	 kind;
	uint16_t		 pointer;	/* PARAMPROB: offset in the MH;
						 * add the MH's offset in the packet */
	uint8_t			 be_status;	/* BE */
};

struct mh_mnp {
	uint8_t			 plen;
	struct in6_addr		 prefix;
};

/*
 * One mobility option, decoded (parser, mh_opt_decode) or to be laid out
 * (builder).  Pad1/PadN given to the builder are written as they are, on top
 * of the padding the builder adds for alignment.
 */
struct mh_opt {
	uint8_t			 type;		/* MH_OPT_* or any other */
	union {
		uint16_t	 refresh;	/* BRA: 4-s units */
		struct in6_addr	 altcoa;
		struct {
			uint16_t home;
			uint16_t coa;
		}		 nonce;
		uint8_t		 auth[MIP6_AUTH_LEN];
		struct mh_mnp	 mnp;
		struct {
			uint8_t	 subtype;
			uint8_t	 len;
			const uint8_t *id;
		}		 mnid;
		struct {
			uint8_t	 len;		/* PadN: data octets (zeros) */
			const uint8_t *data;	/* other types: the data */
		}		 raw;
	} u;
};

#define MH_MAX_MNP		8	/* prefixes kept by mh_parse per message */
#define MH_MAX_OPTS		32	/* options the builder lays out */

/* The options of a parsed message, by kind (first one wins for the
 * single-valued ones; walk with mh_opt_next for all of them in order). */
struct mh_opts {
	uint32_t		 present;	/* 1 << MH_OPT_* per type seen */
	uint16_t		 refresh;
	struct in6_addr		 altcoa;
	uint16_t		 home_nonce_idx;
	uint16_t		 coa_nonce_idx;
	uint8_t			 auth[MIP6_AUTH_LEN];
	uint16_t		 auth_off;	/* authenticator's offset in the MH */
	struct mh_mnp		 mnp[MH_MAX_MNP];
	uint8_t			 nmnp;		/* kept in mnp[] */
	uint8_t			 mnp_total;	/* seen, may exceed MH_MAX_MNP */
	uint8_t			 mnid_subtype;
	uint8_t			 mnid_len;
	const uint8_t		*mnid;		/* into the packet */
	uint16_t		 nunknown;	/* options skipped by length */
};

#define MH_HAS_OPT(o, t)	(((o)->present >> (t)) & 1u)

struct mh_msg {
	uint8_t			 type;
	uint8_t			 proto;		/* Payload Proto (59) */
	uint16_t		 len;		/* octets, Header Len * 8 + 8 */
	uint16_t		 cksum;
	union {
		struct {			/* HoTI, CoTI */
			uint8_t	 cookie[MIP6_COOKIE_LEN];
		}		 init;
		struct {			/* HoT, CoT */
			uint16_t nonce_idx;
			uint8_t	 cookie[MIP6_COOKIE_LEN];
			uint8_t	 token[MIP6_TOKEN_LEN];
		}		 test;
		struct {
			uint16_t seq;
			uint16_t flags;		/* whole word, MH_BU_F_* */
			uint16_t lifetime;	/* 4-s units */
		}		 bu;
		struct {
			uint8_t	 status;
			uint8_t	 flags;		/* whole octet, MH_BA_F_* */
			uint16_t seq;
			uint16_t lifetime;	/* 4-s units */
		}		 ba;
		struct {
			uint8_t	 status;
			struct in6_addr hoa;
		}		 be;
	} u;
	struct mh_opts		 opts;		/* parser output */
	size_t			 opts_off;	/* where the options start */
	struct mh_answer	 answer;	/* on error: what to send back */
};

/* Short stable name of a reason ("bad_checksum"), for counters and logs. */
const char	*mh_err_str(enum mh_err);
/* "BU", "BA", ... or NULL for an unknown type. */
const char	*mh_type_str(uint8_t);
/* Octets of the fixed part (6-octet header + message data) of a known
 * type, or 0. */
size_t		 mh_fixed_len(uint8_t);

/*
 * Parse and validate one Mobility Header of exactly `len` octets.  `src` and
 * `dst` are the pseudo-header addresses (see mh_cksum_addrs); when both are
 * NULL the checksum is not verified (a raw MH socket already did).  On error
 * only m->answer is meaningful.
 */
enum mh_err	 mh_parse(const uint8_t *buf, size_t len,
		    const struct in6_addr *src, const struct in6_addr *dst,
		    struct mh_msg *m);

/*
 * Option walker over an option area: returns 1 with the next option's type,
 * data length and data (Pad1 has length 0), 0 at the end, -1 with *err set
 * when the option runs past the end.  *off starts at 0.
 */
struct mh_rawopt {
	uint8_t			 type;
	uint8_t			 len;
	const uint8_t		*data;
	size_t			 off;		/* of the type octet in the area */
};
int		 mh_opt_next(const uint8_t *area, size_t len, size_t *off,
		    struct mh_rawopt *o, enum mh_err *err);
/* Typed view of a raw option; MH_ERR_OPT_LEN when its length is wrong. */
enum mh_err	 mh_opt_decode(const struct mh_rawopt *, struct mh_opt *);

/*
 * Build message `m` (type and fixed fields; m->opts is ignored) with the
 * options in the given order, each at the alignment it requires, padded to a
 * multiple of 8 octets.  The checksum is filled in when src and dst are
 * given, left zero otherwise (the raw MH socket computes it).
 */
enum mh_err	 mh_build(const struct mh_msg *m, const struct mh_opt *opts,
		    size_t nopts, const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t *buf, size_t size,
		    size_t *outlen);

/* Internet checksum over the IPv6 pseudo-header (next header 135) and the
 * MH, with the MH's checksum field taken as zero. */
uint16_t	 mh_checksum(const struct in6_addr *src,
		    const struct in6_addr *dst, const uint8_t *buf, size_t len);
void		 mh_set_checksum(const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t *buf, size_t len);

/*
 * Pseudo-header addresses for a packet with IPv6 source ip_src and
 * destination ip_dst: the home address of a Home Address option (hao, may be
 * NULL) stands for the source, the one of a type 2 routing header (rh2, may
 * be NULL) for the destination.
 */
void		 mh_cksum_addrs(const struct in6_addr *ip_src,
		    const struct in6_addr *ip_dst, const struct in6_addr *hao,
		    const struct in6_addr *rh2, const struct in6_addr **src,
		    const struct in6_addr **dst);

/*
 * A message mh_parse accepted, as one line of key=value pairs or (json) as
 * the members of a JSON object, without braces: for logs, mip6ctl and
 * mhtool.  Like snprintf: returns the length needed, truncates to size.
 */
size_t		 mh_format(char *buf, size_t size, int json,
		    const uint8_t *mh, const struct mh_msg *m,
		    int cksum_checked);
/* A rejected one: reason, and what to answer ("param_problem" ...). */
size_t		 mh_format_error(char *buf, size_t size, int json,
		    enum mh_err, const struct mh_msg *m);
const char	*mh_answer_str(enum mh_answer_kind);
/* Room for any formatted message (JSON of 2048 Pad1 options included). */
#define MH_FORMAT_MAX		(MH_MAX_LEN * 16)

/* Destination Options header holding a Home Address option (24 octets). */
enum mh_err	 mh_hao_build(uint8_t next_hdr, const struct in6_addr *hoa,
		    uint8_t *buf, size_t size, size_t *outlen);
/* Find the HAO in a whole Destination Options header. */
enum mh_err	 mh_hao_parse(const uint8_t *buf, size_t len,
		    struct in6_addr *hoa);
/* Type 2 routing header (24 octets). */
enum mh_err	 mh_rh2_build(uint8_t next_hdr, const struct in6_addr *hoa,
		    uint8_t *buf, size_t size, size_t *outlen);
enum mh_err	 mh_rh2_parse(const uint8_t *buf, size_t len,
		    struct in6_addr *hoa);

#endif
