/*
 * Mobile IPv6 protocol numbers, constants and timers (RFC 6275 sections 6,
 * 12 and 13; RFC 3963 NEMO; RFC 4283 NAI), and the two unit conversions the
 * RFC makes easy to get wrong: sequence numbers modulo 2^16 and lifetimes in
 * 4-second units.  Every file that needs one of these numbers includes this
 * header; no .c file spells them out.
 */
#ifndef MIP6_CONST_H
#define MIP6_CONST_H

#include <stdint.h>

/* IPv6 next header values. */
#ifndef IPPROTO_MH
#define IPPROTO_MH		135
#endif
#define MIP6_PROTO_NONE		59	/* Payload Proto of every MH message */

/* Mobility Header layout (RFC 6275 6.1). */
#define MH_HDR_LEN		6	/* Payload Proto .. Checksum */
#define MH_UNIT			8	/* Header Len unit, and total alignment */
#define MH_MAX_LEN		(MH_UNIT * 256)	/* Header Len is 8 bits */
#define MH_OFF_PROTO		0
#define MH_OFF_HLEN		1
#define MH_OFF_TYPE		2
#define MH_OFF_RESERVED		3
#define MH_OFF_CKSUM		4

/* MH Type values. */
#define MH_TYPE_BRR		0	/* Binding Refresh Request */
#define MH_TYPE_HOTI		1	/* Home Test Init */
#define MH_TYPE_COTI		2	/* Care-of Test Init */
#define MH_TYPE_HOT		3	/* Home Test */
#define MH_TYPE_COT		4	/* Care-of Test */
#define MH_TYPE_BU		5	/* Binding Update */
#define MH_TYPE_BA		6	/* Binding Acknowledgement */
#define MH_TYPE_BE		7	/* Binding Error */
#define MH_TYPE_MAX		MH_TYPE_BE

/* Message data lengths after the 6-octet header (fixed part, no options). */
#define MH_BRR_DATA_LEN		2
#define MH_HOTI_DATA_LEN	10
#define MH_HOT_DATA_LEN		18
#define MH_BU_DATA_LEN		6
#define MH_BA_DATA_LEN		6
#define MH_BE_DATA_LEN		18

#define MIP6_COOKIE_LEN		8	/* Home/Care-of Init Cookie */
#define MIP6_TOKEN_LEN		8	/* keygen token: First(64, ...) */

/* Binding Update flags, the 16-bit word after the sequence number. */
#define MH_BU_F_A		0x8000	/* Acknowledge */
#define MH_BU_F_H		0x4000	/* Home registration */
#define MH_BU_F_L		0x2000	/* Link-local address compatibility */
#define MH_BU_F_K		0x1000	/* Key management mobility capability */
#define MH_BU_F_M		0x0800	/* MAP registration (RFC 5380) */
#define MH_BU_F_R		0x0400	/* Mobile router (RFC 3963) */
#define MH_BU_F_P		0x0200	/* Proxy registration (RFC 5213) */
#define MH_BU_F_F		0x0100	/* Forcing UDP encapsulation (RFC 5555) */
#define MH_BU_F_T		0x0080	/* TLV-header format (RFC 5845) */

/* Binding Acknowledgement flags octet. */
#define MH_BA_F_K		0x80	/* Key management mobility capability */
#define MH_BA_F_R		0x40	/* Mobile router (RFC 3963) */
#define MH_BA_F_P		0x20	/* Proxy registration (RFC 5213) */

/* Binding Acknowledgement status (RFC 6275 6.1.8, RFC 3963 4.2). */
#define BA_STATUS_ACCEPTED		0
#define BA_STATUS_PREFIX_DISCOV		1
#define BA_STATUS_REJECT_MIN		128	/* below: accepted */
#define BA_STATUS_UNSPECIFIED		128
#define BA_STATUS_PROHIBITED		129
#define BA_STATUS_NO_RESOURCES		130
#define BA_STATUS_HOME_REG_NOT_SUPP	131
#define BA_STATUS_NOT_HOME_SUBNET	132
#define BA_STATUS_NOT_HA_FOR_MN		133
#define BA_STATUS_DAD_FAILED		134
#define BA_STATUS_SEQ_OUT_OF_WINDOW	135
#define BA_STATUS_EXPIRED_HOME_NONCE	136
#define BA_STATUS_EXPIRED_COA_NONCE	137
#define BA_STATUS_EXPIRED_NONCES	138
#define BA_STATUS_REG_TYPE_CHANGE	139
#define BA_STATUS_MR_NOT_PERMITTED	140
#define BA_STATUS_INVALID_PREFIX	141
#define BA_STATUS_NOT_AUTH_PREFIX	142
#define BA_STATUS_FWD_SETUP_FAILED	143
#define BA_STATUS_INVALID_COA		174

/* Binding Error status (RFC 6275 6.1.9). */
#define BE_STATUS_UNKNOWN_HAO		1
#define BE_STATUS_UNKNOWN_MH_TYPE	2

/* Mobility options (RFC 6275 6.2, RFC 3963 4.3, RFC 4283 3). */
#define MH_OPT_PAD1		0
#define MH_OPT_PADN		1
#define MH_OPT_BRA		2	/* Binding Refresh Advice */
#define MH_OPT_ALTCOA		3	/* Alternate Care-of Address */
#define MH_OPT_NONCE		4	/* Nonce Indices */
#define MH_OPT_AUTH		5	/* Binding Authorization Data */
#define MH_OPT_MNP		6	/* Mobile Network Prefix */
#define MH_OPT_LLA		7	/* MH Link-Layer Address (RFC 5568) */
#define MH_OPT_MNID		8	/* Mobile Node Identifier */

#define MH_OPT_HDR_LEN		2	/* type + length */
#define MH_OPT_BRA_LEN		2
#define MH_OPT_ALTCOA_LEN	16
#define MH_OPT_NONCE_LEN	4
#define MH_OPT_AUTH_LEN		12	/* authenticator: First(96, ...) */
#define MH_OPT_MNP_LEN		18
#define MH_OPT_MNID_MIN_LEN	1	/* the subtype octet */
#define MH_MNID_SUBTYPE_NAI	1
#define MIP6_AUTH_LEN		MH_OPT_AUTH_LEN

/* Option alignment xn+y (RFC 6275 6.2.x): the option type octet sits there. */
#define MH_OPT_BRA_ALIGN_X	2
#define MH_OPT_BRA_ALIGN_Y	0
#define MH_OPT_ALTCOA_ALIGN_X	8
#define MH_OPT_ALTCOA_ALIGN_Y	6
#define MH_OPT_NONCE_ALIGN_X	2
#define MH_OPT_NONCE_ALIGN_Y	0
#define MH_OPT_AUTH_ALIGN_X	8	/* implicit: it is the last option */
#define MH_OPT_AUTH_ALIGN_Y	2
#define MH_OPT_MNP_ALIGN_X	8
#define MH_OPT_MNP_ALIGN_Y	4

/* Home Address destination option (RFC 6275 6.3). */
#define IP6OPT_HOME_ADDRESS	0xc9
#define IP6OPT_HAO_LEN		16
#define IP6OPT_HAO_ALIGN_X	8
#define IP6OPT_HAO_ALIGN_Y	6
#define HAO_DSTOPT_LEN		24	/* Destination Options header with a HAO */
#define IP6OPT_PAD1_TYPE	0
#define IP6OPT_PADN_TYPE	1

/* Type 2 routing header (RFC 6275 6.4). */
#define IPV6_RTHDR_TYPE_2	2
#define RH2_HDRLEN_UNITS	2	/* Hdr Ext Len */
#define RH2_SEGLEFT		1
#define RH2_LEN			24

/* ICMPv6 messages (RFC 6275 6.5-6.8). */
#define ICMP6_HADISCOV_REQUEST	144
#define ICMP6_HADISCOV_REPLY	145
#define ICMP6_MOBILEPREFIX_SOL	146
#define ICMP6_MOBILEPREFIX_ADV	147

/* Neighbor Discovery additions (RFC 6275 7). */
#define ND_RA_FLAG_HA		0x20
#define ND_PI_FLAG_ROUTER	0x20
#define ND_OPT_ADV_INTERVAL	7
#define ND_OPT_HA_INFO		8

/* Protocol constants (RFC 6275 12), in milliseconds or seconds as named. */
#define DHAAD_RETRIES			4
#define INITIAL_BINDACK_TIMEOUT_MS	1000
#define INITIAL_BINDACK_TIMEOUT_FIRSTREG_MS 1500	/* configurable default */
#define INITIAL_DHAAD_TIMEOUT_MS	3000
#define INITIAL_SOLICIT_TIMER_MS	3000
#define MAX_BINDACK_TIMEOUT_MS		32000
#define MAX_DELETE_BCE_TIMEOUT_S	10
#define MAX_MOBPFX_ADV_INTERVAL_S	86400
#define MAX_NONCE_LIFETIME_S		240
#define MAX_TOKEN_LIFETIME_S		210
#define MAX_RR_BINDING_LIFETIME_S	420
#define MAX_UPDATE_RATE_PER_S		3
#define PREFIX_ADV_RETRIES		3
#define PREFIX_ADV_TIMEOUT_MS		3000
#define MIN_DELAY_BETWEEN_RAS_MS	3000	/* configurable default */
#define MIN_DELAY_BETWEEN_RAS_FLOOR_MS	30

/* Return routability (RFC 6275 5.2). */
#define MIP6_KCN_LEN		20
#define MIP6_NONCE_LEN		8	/* our choice: RFC leaves the size open */
#define MIP6_KBM_LEN		20	/* SHA-1 output */

/* Lifetimes and Binding Refresh Advice travel in units of 4 seconds. */
#define MIP6_LIFETIME_UNIT_S	4
#define MIP6_LIFETIME_MAX_UNITS	0xffff

/* Seconds carried by a lifetime field. */
static inline uint32_t
mip6_lifetime_to_sec(uint16_t units)
{
	return (uint32_t)units * MIP6_LIFETIME_UNIT_S;
}

/* Wire units for a lifetime in seconds: rounded down, so never more than
 * asked for, and clamped to the field. */
static inline uint16_t
mip6_sec_to_lifetime(uint32_t sec)
{
	uint32_t u = sec / MIP6_LIFETIME_UNIT_S;

	return u > MIP6_LIFETIME_MAX_UNITS ? MIP6_LIFETIME_MAX_UNITS :
	    (uint16_t)u;
}

/* Sequence numbers compare modulo 2^16 (RFC 6275 9.5.1): x is newer than y
 * when (x - y) mod 2^16 lies in 1..32767. */
#define MIP6_SEQ_HALF		0x8000

static inline int
mip6_seq_newer(uint16_t x, uint16_t y)
{
	uint16_t d = (uint16_t)(x - y);

	return d != 0 && d < MIP6_SEQ_HALF;
}

/* <0, 0, >0 as x is older than, equal to, newer than y.  Exactly half a
 * circle apart counts as older: neither is newer by the RFC's rule. */
static inline int
mip6_seq_cmp(uint16_t x, uint16_t y)
{
	if (x == y)
		return 0;
	return mip6_seq_newer(x, y) ? 1 : -1;
}

#endif
