/*
 * persist-bindings, the home agent's side: see hastate.h.
 *
 * Restore: mip6-priv sends the records it read (IMSG_STATE_REC) and
 * IMSG_STATE_LOADED.  A record becomes an active binding again when it
 * is still within its lifetime (absolute wall-clock expiry) and its home
 * address is still served (home prefix, mobile-node list); its kernel
 * objects are claimed with IMSG_KR_BIND_ADD (which re-installs what
 * vanished), then IMSG_STATE_ADOPTED lets mip6-priv remove what no
 * binding claimed.  BUs wait in the socket meanwhile.
 *
 * Write: the cache counts its changes (bcache.gen); state-sync-delay
 * after the first unwritten change the active bindings go to mip6-priv
 * (BEGIN, REC..., COMMIT) which answers DONE once the file is in place.
 * One write at a time; changes during a write make the next one.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "addr.h"
#include "bcache.h"
#include "config.h"
#include "ha.h"
#include "hastate.h"
#include "log.h"
#include "mip6_const.h"
#include "proto.h"
#include "role.h"
#include "statefile.h"

/* A write that failed is tried again after this long at the least. */
#define HS_RETRY_MS		1000

struct hs_held {
	TAILQ_ENTRY(hs_held)	 entry;
	uint64_t		 need;	/* the cache's gen the file must reach */
	struct hareg_result	 r;
};

static const struct mip6_conf	*hs_conf;
static struct bcache		*hs_bc;
static int			 hs_on;
static int			 hs_restoring;
static int			 hs_inflight;
static int			 hs_flushing;	/* the parent stops */
static uint64_t			 hs_written;	/* gen in the file */
static uint64_t			 hs_sending;	/* gen being written */
static struct event		*hs_ev;
static TAILQ_HEAD(, hs_held)	 hs_helds = TAILQ_HEAD_INITIALIZER(hs_helds);
static struct {
	uint32_t	 restored, expired, unserved, refused;
} hs_rs;

static void	 hs_write(evutil_socket_t, short, void *);
static void	 hs_release(int all);
static void	 hs_flush(void);

void
hastate_init(const struct mip6_conf *conf, struct bcache *bc)
{
	hs_conf = conf;
	hs_bc = bc;
	hs_on = conf->persist_bindings;
	if (!hs_on)
		return;
	hs_restoring = 1;
	if ((hs_ev = evtimer_new(role_base(), hs_write, NULL)) == NULL)
		fatalx("cannot create the state file timer");
	log_info("bindings persist in %s/ha.state (written at most %u ms "
	    "after a change%s)", conf->state_dir, conf->state_sync_delay_ms,
	    conf->state_sync_delay_ms == 0 ? ", before the BA" : "");
}

void
hastate_reconf(const struct mip6_conf *conf)
{
	hs_conf = conf;
	if (hs_on && !conf->persist_bindings)
		log_warnx("persist-bindings turned off: applies at the next "
		    "start; the state file is still written");
}

int
hastate_restoring(void)
{
	return hs_restoring;
}

static void
hs_restore1(const struct sf_rec *rec, int64_t wall, int64_t mono)
{
	const struct conf_ha_link	*l;
	struct bc_entry			*e;
	int64_t				 left;
	uint32_t			 s;
	char				 h[ADDR_STRLEN];

	addr_ntop(&rec->hoa, h, sizeof(h));
	if (rec->kind != SF_KIND_HA) {
		hs_rs.refused++;
		return;
	}
	if ((left = rec->expires - wall) <= 0) {
		log_debug("saved binding %s expired %lld s ago", h,
		    (long long)-left);
		hs_rs.expired++;
		return;
	}
	if ((l = conf_ha_link_for(&hs_conf->ha, &rec->hoa)) == NULL ||
	    (hs_conf->ha.nmns > 0 &&
	    conf_ha_mn_find(&hs_conf->ha, &rec->hoa) == NULL)) {
		log_info("saved binding %s: the home address is no longer "
		    "served; dropped", h);
		hs_rs.unserved++;
		return;
	}
	if (left > (int64_t)hs_conf->ha.max_lifetime)
		left = hs_conf->ha.max_lifetime;
	if ((e = bc_insert(hs_bc, &rec->hoa)) == NULL) {
		log_warnx("saved binding %s: %s", h, errno == ENOSPC ?
		    "max-bindings reached" : strerror(errno));
		hs_rs.refused++;
		return;
	}
	e->coa = rec->coa;
	e->seq = rec->seq;
	e->flags = rec->flags;
	e->lifetime = rec->lifetime;
	e->link = (uint16_t)(l - hs_conf->ha.links);
	e->state = BC_ST_ACTIVE;
	e->created = mono - (wall - rec->created);
	e->updated = mono;
	s = mip6_lifetime_to_sec(e->lifetime);
	bc_set_times(hs_bc, e, mono + left,
	    hs_conf->ha.brr_before != 0 && s > hs_conf->ha.brr_before &&
	    left > (int64_t)hs_conf->ha.brr_before ?
	    mono + left - (int64_t)hs_conf->ha.brr_before : 0);
	hs_rs.restored++;
	ha_restore_kernel(e);
}

static void
hs_loaded(const struct state_loaded *sl)
{
	hs_restoring = 0;
	(void)role_compose_main(IMSG_STATE_ADOPTED, 0, -1, NULL, 0);
	log_info("restored %u binding(s) from the state file (%u expired, "
	    "%u no longer served, %u refused)%s", hs_rs.restored,
	    hs_rs.expired, hs_rs.unserved, hs_rs.refused,
	    sl->bad ? "; the file was unreadable: moved aside" : "");
	/* The file matches the cache unless something was left out. */
	if (!sl->bad && hs_rs.expired + hs_rs.unserved + hs_rs.refused == 0)
		hs_written = hs_bc->gen;
	else
		hs_written = UINT64_MAX;	/* rewrite it */
	ha_restored();
	hastate_changed();
}

static void
hs_done(const struct state_gen *sg)
{
	struct timeval	 tv;

	if (!hs_inflight || sg->gen != hs_sending)
		fatalx("parent: state file answer for a write not asked");
	hs_inflight = 0;
	if (sg->error != 0) {
		log_warnx("state file not written: %s; the next try in %d ms",
		    strerror(sg->error), HS_RETRY_MS);
		/* Availability first: held BAs go without it. */
		hs_release(1);
		if (hs_flushing) {
			hs_flushing = 0;
			(void)role_compose_main(IMSG_STATE_FLUSHED, 0, -1,
			    NULL, 0);
			return;
		}
		tv.tv_sec = HS_RETRY_MS / 1000;
		tv.tv_usec = (HS_RETRY_MS % 1000) * 1000;
		evtimer_add(hs_ev, &tv);
		return;
	}
	hs_written = sg->gen;
	hs_release(0);
	if (hs_flushing)
		hs_flush();
	else
		hastate_changed();
}

/*
 * A clean stop: what changed since the last write goes to the file now
 * rather than after state-sync-delay, then IMSG_STATE_FLUSHED lets the
 * parent close the channel.
 */
static void
hs_flush(void)
{
	hs_flushing = 1;
	if (hs_inflight)
		return;		/* hs_done comes back here */
	if (!hs_on || hs_restoring || hs_bc->gen == hs_written) {
		hs_flushing = 0;
		(void)role_compose_main(IMSG_STATE_FLUSHED, 0, -1, NULL, 0);
		return;
	}
	evtimer_del(hs_ev);
	hs_write(-1, 0, NULL);
}

int
hastate_dispatch(const struct imsg *imsg)
{
	size_t		 len = imsg->hdr.len - IMSG_HEADER_SIZE, i;
	struct sf_rec	 rec;
	int64_t		 wall, mono;

	switch (imsg->hdr.type) {
	case IMSG_STATE_REC:
		if (!hs_restoring || len == 0 || len % SF_REC_SIZE != 0 ||
		    len / SF_REC_SIZE > STATE_MAX_RECS)
			fatalx("parent: malformed state records");
		wall = (int64_t)time(NULL);
		mono = ha_now();
		for (i = 0; i < len / SF_REC_SIZE; i++) {
			if (sf_rec_decode((const uint8_t *)imsg->data +
			    i * SF_REC_SIZE, &rec) == -1) {
				hs_rs.refused++;
				continue;
			}
			hs_restore1(&rec, wall, mono);
		}
		return 1;
	case IMSG_STATE_LOADED:
		if (!hs_restoring || len != sizeof(struct state_loaded))
			fatalx("parent: malformed state end");
		hs_loaded(imsg->data);
		return 1;
	case IMSG_STATE_DONE:
		if (len != sizeof(struct state_gen))
			fatalx("parent: malformed state answer");
		hs_done(imsg->data);
		return 1;
	case IMSG_STATE_FLUSH:
		if (len != 0)
			fatalx("parent: malformed state flush");
		hs_flush();
		return 1;
	default:
		return 0;
	}
}

void
hastate_changed(void)
{
	struct timeval	 tv;
	uint32_t	 ms;

	if (!hs_on || hs_restoring || hs_inflight ||
	    hs_bc->gen == hs_written || evtimer_pending(hs_ev, NULL))
		return;
	ms = hs_conf->state_sync_delay_ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(hs_ev, &tv);
}

/* Every active binding to mip6-priv: BEGIN, REC..., COMMIT. */
static void
hs_write(evutil_socket_t fd, short ev, void *arg)
{
	static uint8_t		 buf[STATE_MAX_RECS * SF_REC_SIZE];
	struct state_gen	 sg;
	struct bc_entry		*e;
	struct sf_rec		 rec;
	int64_t			 wall = (int64_t)time(NULL), mono = ha_now();
	const char		*ifname;
	size_t			 n = 0;
	uint32_t		 count = 0;

	if (hs_inflight || hs_restoring)
		return;
	memset(&sg, 0, sizeof(sg));
	sg.gen = hs_sending = hs_bc->gen;
	if (role_compose_main(IMSG_STATE_BEGIN, 0, -1, &sg, sizeof(sg)) == -1)
		return;
	for (e = bc_first(hs_bc); e != NULL; e = bc_next(hs_bc, e)) {
		if (e->state != BC_ST_ACTIVE)
			continue;
		memset(&rec, 0, sizeof(rec));
		rec.hoa = e->hoa;
		rec.coa = e->coa;
		rec.expires = wall + (e->expires - mono);
		rec.created = wall + (e->created - mono);
		rec.seq = e->seq;
		rec.flags = e->flags;
		rec.lifetime = e->lifetime;
		rec.kind = SF_KIND_HA;
		if ((ifname = ha_entry_ifname(e)) != NULL)
			strncpy(rec.link, ifname, sizeof(rec.link) - 1);
		sf_rec_encode(&rec, buf + n * SF_REC_SIZE);
		count++;
		if (++n == STATE_MAX_RECS) {
			(void)role_compose_main(IMSG_STATE_REC, 0, -1, buf,
			    n * SF_REC_SIZE);
			n = 0;
		}
	}
	if (n > 0)
		(void)role_compose_main(IMSG_STATE_REC, 0, -1, buf,
		    n * SF_REC_SIZE);
	sg.count = count;
	(void)role_compose_main(IMSG_STATE_COMMIT, 0, -1, &sg, sizeof(sg));
	hs_inflight = 1;
}

int
hastate_hold_ba(const struct hareg_result *r)
{
	struct hs_held	*h;

	if (!hs_on || hs_conf->state_sync_delay_ms != 0 ||
	    r->status >= BA_STATUS_UNSPECIFIED || hs_bc->gen == hs_written)
		return 0;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return 0;
	h->need = hs_bc->gen;
	h->r = *r;
	TAILQ_INSERT_TAIL(&hs_helds, h, entry);
	hastate_changed();
	return 1;
}

/* Send the BAs whose bindings are in the file (all: every one). */
static void
hs_release(int all)
{
	struct hs_held	*h, *next;

	for (h = TAILQ_FIRST(&hs_helds); h != NULL; h = next) {
		next = TAILQ_NEXT(h, entry);
		if (!all && h->need > hs_written)
			continue;
		TAILQ_REMOVE(&hs_helds, h, entry);
		ha_send_ba_now(&h->r);
		free(h);
	}
}
