/*
 * The home agent's side of Dynamic Home Agent Address Discovery and
 * Mobile Prefix Discovery (RFC 6275 10.1, 10.5, 10.6):
 *   - a home agent list per home link, learnt from the home link's Router
 *     Advertisements with the H flag (preference and lifetime from the
 *     Home Agent Information option, the address from a Prefix
 *     Information option with the R flag);
 *   - DHAAD Request (144) to the Home Agents anycast address of a home
 *     prefix -> Reply (145) listing the link's home agents by preference,
 *     this one included, within the minimum IPv6 MTU;
 *   - Mobile Prefix Solicitation (146) from a mobile node with a binding
 *     -> Advertisement (147) with the link's home prefixes, to the home
 *     address through a type 2 routing header.
 * The socket is mip6-priv's ROLE_SOCK_DHAAD (the anycast addresses are
 * joined on it).  The list logic (hal_*) has no I/O, for unit tests.
 */
#ifndef MIP6_HA_DHAAD_H
#define MIP6_HA_DHAAD_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "icmp6mip.h"

struct bcache;
struct mip6_conf;

#define HAL_MAX		64	/* other home agents kept, all links */

struct hal_entry {
	struct in6_addr	 ll;		/* the advertisement's source */
	struct in6_addr	 addr;		/* global, from the R-flag prefix */
	size_t		 link;		/* index in conf->ha.links */
	int16_t		 pref;
	int64_t		 expires;	/* ms, monotonic */
};

struct hal {
	struct hal_entry e[HAL_MAX];
	size_t		 n;
};

enum hal_result {
	HAL_IGNORED = 0,	/* nothing to learn (no H, no address, ours) */
	HAL_ADDED,
	HAL_UPDATED,
	HAL_REMOVED,		/* lifetime 0 or the H flag gone */
	HAL_FULL		/* no room for another */
};

/* RFC 6275 10.1: an advertisement from ll on link. */
enum hal_result hal_ra(struct hal *, size_t link, const struct in6_addr *ll,
	    const struct icmp6mip_ra *, const struct in6_addr *own,
	    int64_t now_ms);
void	 hal_expire(struct hal *, int64_t now_ms);
/* The addresses a reply lists for link: by preference, highest first,
 * own (with own_pref) among them; at most max.  How many. */
size_t	 hal_reply(const struct hal *, size_t link, const struct in6_addr *own,
	    int16_t own_pref, int64_t now_ms, struct in6_addr *out, size_t max);

/* Counters, as `mip6ctl show stats` names them (dhaad.*, mpd.*). */
enum dhaad_ctr {
	DH_RX_REQUEST = 0,
	DH_TX_REPLY,
	DH_DROP_NOT_ANYCAST,	/* 144 not to a Home Agents anycast address */
	DH_DROP_MALFORMED,
	DH_RX_RA,
	DH_RA_IGNORED,		/* not link-local, malformed, no address */
	DH_HA_ADDED,
	DH_HA_REMOVED,
	DH_RX_MPS,
	DH_TX_MPA,
	DH_MPS_NO_BINDING,	/* no binding for the home address/care-of */
	DH_MPS_NOT_OURS,	/* sent to an address not ours */
	DH_TX_FAILED,
	DH_CTR_COUNT
};

void	 dhaad_init(const struct mip6_conf *, struct bcache *);
void	 dhaad_reconf(const struct mip6_conf *);
void	 dhaad_ctr_foreach(void (*)(const char *, uint64_t, void *), void *);
const char *dhaad_ctr_name(enum dhaad_ctr);

#endif
