/*
 * The mobile node engine's shared state: mn.c (main, parent messages,
 * decisions), mnnet.c (MH and ICMPv6 sockets), mnctl.c (mip6ctl show).
 */
#ifndef MIP6_MN_H
#define MIP6_MN_H

#include <stdint.h>

#include "bul.h"
#include "movement.h"

struct mn_counters {
	uint64_t	 rx_mh[8];		/* by MH type (0..7) */
	uint64_t	 rx_mh_bad;		/* refused by the parser */
	uint64_t	 rx_mh_foreign;		/* not from our home agent */
	uint64_t	 rx_ba_unprotected;	/* BA not to the home address:
						   not under the ESP policy */
	uint64_t	 rx_mh_ignored;		/* other types from the home agent */
	uint64_t	 rx_ba_status[256];	/* BAs by status */
	uint64_t	 rx_ba_rh2;		/* BAs that came with an RH2 */
	uint64_t	 rx_ra;			/* router advertisements used */
	uint64_t	 rx_ra_bad;		/* ignored (hop limit, format) */
	uint64_t	 tx_rs;			/* router solicitations sent */
	uint64_t	 tx_failed;		/* sendmsg errors */
	uint64_t	 tx_home_na;		/* NAs for the home address */
	uint64_t	 rx_be_rereg;		/* BE 1 from the home agent:
						   registered again */
	uint64_t	 kernel_requests;
	uint64_t	 handovers;		/* decisions that changed */
	/* home-agent: dhaad (mndhaad.c) */
	uint64_t	 dhaad_tx_request, dhaad_rx_reply, dhaad_reply_ignored;
	uint64_t	 dhaad_gave_up, mpd_tx_solicit, mpd_rx_adv;
	uint64_t	 mpd_adv_ignored;
	uint64_t	 mpd_adv_unsolicited;	/* answered by a solicitation */
	uint64_t	 dhaad_next_ha;		/* went on to the list's next */
	uint64_t	 dhaad_list_done;	/* none of the list: DHAAD again */
};

/* The home agents of the last DHAAD reply, in its (preference) order. */
#define MN_MAX_HAS	8

struct mn_engine {
	struct bul		 bul;
	struct mv		 mv;
	struct mv_decision	 where;		/* the last decision */
	struct mn_counters	 ctr;
	uint32_t		 home_ifindex;	/* where home was detected */
	char			 home_ifname[MV_IFNAMSIZ];
	uint32_t		 coa_ifindex;
	uint64_t		 started;	/* ms */
	uint64_t		 moved_at;	/* ms, last decision change */
	uint64_t		 handover_ms;	/* last decision change to BA */
	int			 dhaad;		/* no home agent configured */
	struct in6_addr		 has[MN_MAX_HAS];	/* DHAAD's list */
	size_t			 nhas;
	size_t			 ha_cur;		/* has[ha_cur] is bul.ha */
	int			 ha_fail[MN_MAX_HAS];	/* status that made us
						   leave it, -1 no answer,
						   -2 not tried / in use */
	uint32_t		 router_ifindex;	/* last IMSG_KR_MN_ROUTER: */
	uint64_t		 router_up_at;		/* for that link */
	enum mv_where		 router_where;
	struct in6_addr		 router_coa;
	struct in6_addr		 router;
};

extern struct mn_engine	 mn;

uint64_t mn_now(void);
/* Carry out what the BUL asked for (BUL_ACT_*). */
void	 mn_act(int);
/* Decide where we are (movement.c) and tell the BUL. */
void	 mn_evaluate(void);

/* mnnet.c */
void	 mn_net_init(void);
int	 mn_send_bu(void);
void	 mn_send_rs(uint32_t ifindex);
/* Before the sandbox: the interfaces' link-layer addresses. */
void	 mn_net_learn_macs(void);
/* RFC 6275 11.5.4: the NA for the home address once back home. */
void	 mn_send_home_na(uint32_t ifindex);

/* mnctl.c */
struct ctl_conn;
struct imsg;
void	 mn_ctl_show(struct ctl_conn *, const struct imsg *, void *);
/* The text `mip6ctl show bul` / `show stats` prints (json: as JSON). */
size_t	 mn_format_bul(char *, size_t, int json, const struct mn_engine *,
	    uint64_t now);
size_t	 mn_format_stats(char *, size_t, int json, const struct mn_engine *);

#endif
