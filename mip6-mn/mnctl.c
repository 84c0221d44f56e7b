/*
 * What `mip6ctl show bul` and `mip6ctl show stats` print for the mobile
 * node, as text or JSON (-j).  Pure formatting into a buffer, like
 * snprintf: returns the length needed, truncates to size.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mh.h"
#include "mn.h"

struct fbuf {
	char	*p;
	size_t	 size;
	size_t	 len;
};

static void	 fb_printf(struct fbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
fb_printf(struct fbuf *f, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(f->len < f->size ? f->p + f->len : NULL,
	    f->len < f->size ? f->size - f->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->len += (size_t)n;
}

/* One home agent of DHAAD's list: in-use, refused, no-answer, untried. */
static const char *
mn_ha_state(const struct mn_engine *e, size_t i)
{
	if (e->ha_fail[i] >= 0)
		return "refused";
	if (e->ha_fail[i] == -1)
		return "no-answer";
	if (i == e->ha_cur && !e->dhaad)
		return "in-use";
	return "untried";
}

size_t
mn_format_bul(char *buf, size_t size, int json, const struct mn_engine *e,
    uint64_t now)
{
	const struct bul	*b = &e->bul;
	struct fbuf		 f = { buf, size, 0 };
	char			 hoa[INET6_ADDRSTRLEN], ha[INET6_ADDRSTRLEN];
	char			 coa[INET6_ADDRSTRLEN];
	const char		*ifname;
	char			 x[INET6_ADDRSTRLEN];
	size_t			 i;
	uint32_t		 asked = b->c.lifetime;

	if (size > 0)
		buf[0] = '\0';
	inet_ntop(AF_INET6, &b->hoa, hoa, sizeof(hoa));
	inet_ntop(AF_INET6, &b->ha, ha, sizeof(ha));
	inet_ntop(AF_INET6, b->away ? &b->coa : &b->hoa, coa, sizeof(coa));
	ifname = b->away ? e->where.ifname : e->home_ifname;
	if (json) {
		fb_printf(&f, "{\"bul\":[{\"home_address\":\"%s\","
		    "\"home_agent\":%s%s%s,\"care_of_address\":\"%s\","
		    "\"interface\":\"%s\",\"state\":\"%s\",\"away\":%s,"
		    "\"sequence\":%u,\"lifetime_requested\":%u,"
		    "\"lifetime_granted\":%u,\"lifetime_remaining\":%u,"
		    "\"retransmissions\":%u,\"retransmissions_total\":%llu,"
		    "\"last_status\":", hoa, e->dhaad ? "" : "\"",
		    e->dhaad ? "null" : ha, e->dhaad ? "" : "\"", coa, ifname,
		    bul_state_str(b->state), b->away ? "true" : "false",
		    b->seq, asked, b->granted, bul_remaining(b, now),
		    b->tries > 0 ? b->tries - 1 : 0,
		    (unsigned long long)b->ctr.bu_retransmitted);
		if (b->last_status < 0)
			fb_printf(&f, "null");
		else
			fb_printf(&f, "%d", b->last_status);
		fb_printf(&f, ",\"last_status_text\":\"%s\","
		    "\"handover_ms\":%llu", bul_status_str(b->last_status),
		    (unsigned long long)e->handover_ms);
		/* DHAAD's list, in its order, and where we are in it. */
		fb_printf(&f, ",\"home_agents\":[");
		for (i = 0; i < e->nhas && i < MN_MAX_HAS; i++) {
			inet_ntop(AF_INET6, &e->has[i], x, sizeof(x));
			fb_printf(&f, "%s{\"address\":\"%s\",\"state\":\"%s\","
			    "\"status\":", i ? "," : "", x, mn_ha_state(e, i));
			if (e->ha_fail[i] >= 0)
				fb_printf(&f, "%d}", e->ha_fail[i]);
			else
				fb_printf(&f, "null}");
		}
		fb_printf(&f, "]}]}\n");
		return f.len;
	}
	fb_printf(&f, "home-address     %s\n", hoa);
	if (e->dhaad)
		fb_printf(&f, "home-agent       none (dhaad: %s)\n",
		    e->nhas > 0 ? "none of the list accepted, asking again" :
		    "not found yet");
	else
		fb_printf(&f, "home-agent       %s\n", ha);
	for (i = 0; i < e->nhas && i < MN_MAX_HAS; i++) {
		inet_ntop(AF_INET6, &e->has[i], x, sizeof(x));
		fb_printf(&f, "%s%s %s", i ? ", " : "home-agents      ", x,
		    mn_ha_state(e, i));
		if (e->ha_fail[i] >= 0)
			fb_printf(&f, " %d", e->ha_fail[i]);
		if (i + 1 == e->nhas)
			fb_printf(&f, "\n");
	}
	if (b->away)
		fb_printf(&f, "care-of-address  %s on %s\n", coa,
		    ifname[0] ? ifname : "?");
	else
		fb_printf(&f, "care-of-address  %s (at home%s%s)\n", coa,
		    ifname[0] ? " on " : "", ifname);
	fb_printf(&f, "state            %s\n", bul_state_str(b->state));
	fb_printf(&f, "sequence         %u\n", b->seq);
	fb_printf(&f, "lifetime         granted %us, remaining %us, asked "
	    "%us\n", b->granted, bul_remaining(b, now), asked);
	fb_printf(&f, "retransmissions  %u of this update, %llu in all\n",
	    b->tries > 0 ? b->tries - 1 : 0,
	    (unsigned long long)b->ctr.bu_retransmitted);
	if (b->last_status < 0)
		fb_printf(&f, "last-status      none\n");
	else
		fb_printf(&f, "last-status      %d (%s)\n", b->last_status,
		    bul_status_str(b->last_status));
	return f.len;
}

/* BA statuses with a counter of their own, always printed. */
static const int mn_statuses[] = {
	0, 1, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
	140, 141, 142, 143, 174
};

static void
stat1(struct fbuf *f, int json, int *first, const char *name, uint64_t v)
{
	if (json)
		fb_printf(f, "%s\"%s\":%llu", *first ? "" : ",", name,
		    (unsigned long long)v);
	else
		fb_printf(f, "%-28s %llu\n", name, (unsigned long long)v);
	*first = 0;
}

size_t
mn_format_stats(char *buf, size_t size, int json, const struct mn_engine *e)
{
	const struct bul_counters *b = &e->bul.ctr;
	const struct mn_counters *c = &e->ctr;
	struct fbuf		 f = { buf, size, 0 };
	char			 name[64];
	size_t			 i;
	int			 first = 1;

	if (size > 0)
		buf[0] = '\0';
	if (json)
		fb_printf(&f, "{");
	stat1(&f, json, &first, "bu.sent", b->bu_sent);
	stat1(&f, json, &first, "bu.retransmitted", b->bu_retransmitted);
	stat1(&f, json, &first, "bu.refreshes", b->refreshes);
	stat1(&f, json, &first, "bu.send_failed", c->tx_failed);
	stat1(&f, json, &first, "na.tx_home", c->tx_home_na);
	stat1(&f, json, &first, "be.reregistered", c->rx_be_rereg);
	for (i = 0; i < BUL_BA_RESULT_COUNT; i++) {
		snprintf(name, sizeof(name), "ba.%s",
		    bul_ba_result_str((enum bul_ba_result)i));
		stat1(&f, json, &first, name, b->ba[i]);
	}
	stat1(&f, json, &first, "ba.with_rh2", c->rx_ba_rh2);
	for (i = 0; i < sizeof(mn_statuses) / sizeof(mn_statuses[0]); i++) {
		snprintf(name, sizeof(name), "ba_status.%d", mn_statuses[i]);
		stat1(&f, json, &first, name, c->rx_ba_status[mn_statuses[i]]);
	}
	stat1(&f, json, &first, "registrations", b->registrations);
	stat1(&f, json, &first, "deregistrations", b->deregistrations);
	stat1(&f, json, &first, "resyncs", b->resyncs);
	stat1(&f, json, &first, "rejected", b->rejected);
	stat1(&f, json, &first, "expired", b->expired);
	stat1(&f, json, &first, "moves", b->moves);
	stat1(&f, json, &first, "returns_home", b->returns_home);
	stat1(&f, json, &first, "handovers", c->handovers);
	stat1(&f, json, &first, "handover_ms.last", e->handover_ms);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "rx.%s",
		    mh_type_str((uint8_t)i) ? mh_type_str((uint8_t)i) : "?");
		stat1(&f, json, &first, name, c->rx_mh[i]);
	}
	stat1(&f, json, &first, "rx.malformed", c->rx_mh_bad);
	stat1(&f, json, &first, "rx.not_home_agent", c->rx_mh_foreign);
	stat1(&f, json, &first, "rx.ba_unprotected", c->rx_ba_unprotected);
	stat1(&f, json, &first, "rx.ignored", c->rx_mh_ignored);
	stat1(&f, json, &first, "ra.used", c->rx_ra);
	stat1(&f, json, &first, "ra.ignored", c->rx_ra_bad);
	stat1(&f, json, &first, "rs.sent", c->tx_rs);
	stat1(&f, json, &first, "kernel.requests", c->kernel_requests);
	stat1(&f, json, &first, "kernel.failed", b->kernel_failed);
	stat1(&f, json, &first, "dhaad.tx_request", c->dhaad_tx_request);
	stat1(&f, json, &first, "dhaad.rx_reply", c->dhaad_rx_reply);
	stat1(&f, json, &first, "dhaad.reply_ignored", c->dhaad_reply_ignored);
	stat1(&f, json, &first, "dhaad.gave_up", c->dhaad_gave_up);
	stat1(&f, json, &first, "mpd.rx_unsolicited",
	    c->mpd_adv_unsolicited);
	stat1(&f, json, &first, "dhaad.next_home_agent", c->dhaad_next_ha);
	stat1(&f, json, &first, "dhaad.list_used_up", c->dhaad_list_done);
	stat1(&f, json, &first, "mpd.tx_solicitation", c->mpd_tx_solicit);
	stat1(&f, json, &first, "mpd.rx_advertisement", c->mpd_rx_adv);
	stat1(&f, json, &first, "mpd.advertisement_ignored",
	    c->mpd_adv_ignored);
	if (json)
		fb_printf(&f, "}\n");
	return f.len;
}
