/*
 * mip6-sig engine state shared by its files: sig.c (start-up, parent
 * messages, timers, decisions), signet.c (the raw Mobility Header socket),
 * sigctl.c (mip6ctl show bindings / stats / routeopt / kernel).
 */
#ifndef MIP6_SIG_SIG_H
#define MIP6_SIG_SIG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "cncache.h"
#include "cnctr.h"
#include "cnreg.h"
#include "imsg.h"
#include "rr.h"

struct ctl_conn;

struct sig_env {
	struct rr_table		 rr;
	struct cncache		 cc;
	struct cnreg_ctx	 ctx;
	struct cn_counters	 ctr;
	struct cn_rate		 in_rate;	/* signalling per peer */
	struct cn_rate		 be_peer;	/* Binding Errors per peer */
	uint32_t		 be_rate;	/* Binding Errors per second */
	uint32_t		 be_tokens;	/* in 1/1000 */
	int64_t			 be_last_ms;
	uint64_t		 kcn_renewals;	/* Kcn changed (5.2.7) */
};

extern struct sig_env	*sig_env;

/* One received Mobility Header packet, as the socket saw it. */
struct sig_pkt {
	struct in6_addr		 src;	/* after the kernel's HAO swap: HoA */
	struct in6_addr		 dst;
	unsigned int		 ifindex;
	int			 has_hao;
	struct in6_addr		 hao;	/* the option after the swap: CoA */
};

/* monotonic clock */
int64_t	 sig_now(void);
int64_t	 sig_now_ms(void);

/* sig.c: a Mobility Header arrived */
void	 sig_input(const uint8_t *, size_t, const struct sig_pkt *);

/* signet.c */
void	 signet_init(int fd);
void	 signet_close(void);
/*
 * Send a Mobility Header from src to dst.  With via (a care-of address),
 * the packet goes to via with a type 2 routing header holding dst.
 * 0, or -1 (counted, logged).
 */
int	 signet_send(const struct in6_addr *src, const struct in6_addr *dst,
	    const struct in6_addr *via, const uint8_t *, size_t);

/* sigctl.c */
void	 sig_ctl_show(struct ctl_conn *, const struct imsg *, void *);
void	 sig_ctl_delete(struct ctl_conn *, const struct imsg *, void *);
/* Remove a binding by hand (mip6ctl delete binding). 0, -1 none. */
int	 sig_binding_delete(const struct in6_addr *hoa);

#endif
