/*
 * The mobile node's side of Dynamic Home Agent Address Discovery and
 * Mobile Prefix Discovery (RFC 6275 11.4.1-11.4.3), with `home-agent:
 * dhaad` in the configuration:
 *   - away without a home agent: a DHAAD Request (144) from the care-of
 *     address to the Home Agents anycast address of the home prefix,
 *     retransmitted after INITIAL_DHAAD_TIMEOUT doubling, DHAAD_RETRIES
 *     times; the Reply's (145) list is kept in its order and its first
 *     address becomes the home agent; one that refuses (BA 128-133) or
 *     never answers (MAX_BINDACK_TIMEOUT) makes way for the next, and
 *     when the list is used up the discovery starts again;
 *   - registered: a Mobile Prefix Solicitation (146) to the home agent
 *     (at the first registration, after a BA with status 1, and when the
 *     home prefix's lifetime learnt from the last advertisement nears its
 *     end), retransmitted from INITIAL_SOLICIT_TIMER doubling; an
 *     Advertisement (147) is accepted only from the home agent, to the
 *     home address.
 * Socket: mip6-priv's ROLE_SOCK_DHAAD (ICMPv6).
 */
#ifndef MIP6_MN_MNDHAAD_H
#define MIP6_MN_MNDHAAD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct mndhaad_state {
	int		 active;	/* discovery running */
	int		 known;		/* home agent found */
	struct in6_addr	 coa;		/* requests go from it */
	uint16_t	 id;		/* of the request in flight */
	uint32_t	 tries;
	uint32_t	 timeout_ms;
	uint32_t	 rounds;	/* lists used up in a row */
	/* mobile prefix discovery */
	uint16_t	 mps_id;
	int		 mps_pending;
	uint32_t	 mps_tries;
	uint32_t	 mps_timeout_ms;
	uint64_t	 prefix_expires;	/* ms; 0 unknown */
	uint32_t	 prefix_valid;		/* s, from the last 147 */
	uint64_t	 mps_next;		/* ms; 0 none */
};

extern struct mndhaad_state mndhaad;

void	 mndhaad_init(void);
/* Away at coa with no home agent: discover one (no-op while running). */
void	 mndhaad_away(const struct in6_addr *coa);
/* The BUL's state changed or a BA came: ask for prefixes when due. */
void	 mndhaad_ba(uint8_t status);
/* BUL_ACT_HA_FAILED: the home agent in use refused or did not answer:
 * the next of the reply's list, or (none left) DHAAD again after a
 * back-off (RFC 6275 11.4.1). */
void	 mndhaad_ha_failed(void);
/* Home (or no link): no discovery runs until the next care-of address. */
void	 mndhaad_stop(void);

#endif
