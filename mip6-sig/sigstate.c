/*
 * persist-bindings, the correspondent's side: see sigstate.h.
 *
 * Restore: mip6-priv sends the records it read (IMSG_STATE_REC) and
 * IMSG_STATE_LOADED.  A record becomes a binding again when it is a
 * correspondent record (SF_KIND_CN) still within its lifetime (absolute
 * wall-clock expiry); its route-optimization states are claimed with
 * IMSG_KR_RO_ADD (an update in place: the states mip6-priv kept stay,
 * vanished ones are installed again), then IMSG_STATE_ADOPTED lets
 * mip6-priv remove the states no binding claimed.  BUs wait in the
 * socket meanwhile.
 *
 * Write: the cache counts its changes (cncache.gen); state-sync-delay
 * after the first unwritten change the bindings go to mip6-priv (BEGIN,
 * REC..., COMMIT) which answers DONE once the file is in place.  One
 * write at a time; changes during a write make the next one.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "addr.h"
#include "config.h"
#include "log.h"
#include "mip6_const.h"
#include "proto.h"
#include "role.h"
#include "sig.h"
#include "sigstate.h"
#include "statefile.h"

/* A write that failed is tried again after this long at the least. */
#define SS_RETRY_MS		1000

struct ss_held {
	TAILQ_ENTRY(ss_held)	 entry;
	uint64_t		 need;	/* the cache's gen the file must reach */
	struct cnreg_result	 r;
};

static const struct mip6_conf	*ss_conf;
static struct cncache		*ss_cc;
static int			 ss_on;
static int			 ss_restoring;
static int			 ss_inflight;
static int			 ss_flushing;	/* the parent stops */
static uint64_t			 ss_written;	/* gen in the file */
static uint64_t			 ss_sending;	/* gen being written */
static struct event		*ss_ev;
static TAILQ_HEAD(, ss_held)	 ss_helds = TAILQ_HEAD_INITIALIZER(ss_helds);
static struct {
	uint32_t	 restored, expired, refused;
} ss_rs;

static void	 ss_write(evutil_socket_t, short, void *);
static void	 ss_release(int all);
static void	 ss_flush(void);

void
sigstate_init(const struct mip6_conf *conf, struct cncache *cc)
{
	ss_conf = conf;
	ss_cc = cc;
	ss_on = conf->persist_bindings;
	if (!ss_on)
		return;
	ss_restoring = 1;
	if ((ss_ev = evtimer_new(role_base(), ss_write, NULL)) == NULL)
		fatalx("cannot create the state file timer");
	log_info("bindings persist in %s/sig.state (written at most %u ms "
	    "after a change%s)", conf->state_dir, conf->state_sync_delay_ms,
	    conf->state_sync_delay_ms == 0 ? ", before the BA" : "");
}

void
sigstate_reconf(const struct mip6_conf *conf)
{
	ss_conf = conf;
	if (ss_on && !conf->persist_bindings)
		log_warnx("persist-bindings turned off: applies at the next "
		    "start; the state file is still written");
}

int
sigstate_stop(void)
{
	struct ss_held	*h;
	int		 was = ss_on;

	ss_on = 0;
	if (ss_ev != NULL)
		evtimer_del(ss_ev);
	while ((h = TAILQ_FIRST(&ss_helds)) != NULL) {
		TAILQ_REMOVE(&ss_helds, h, entry);
		free(h);
	}
	return was;
}

int
sigstate_restoring(void)
{
	return ss_restoring;
}

static void
ss_restore1(const struct sf_rec *rec, int64_t wall, int64_t mono)
{
	struct cn_entry	*e;
	int64_t		 left;
	char		 h[ADDR_STRLEN];

	addr_ntop(&rec->hoa, h, sizeof(h));
	if (rec->kind != SF_KIND_CN || !addr_is_global_unicast(&rec->hoa) ||
	    !addr_is_global_unicast(&rec->coa)) {
		ss_rs.refused++;
		return;
	}
	if ((left = rec->expires - wall) <= 0) {
		log_debug("saved binding %s expired %lld s ago", h,
		    (long long)-left);
		ss_rs.expired++;
		return;
	}
	if (left > (int64_t)ss_conf->sig.max_lifetime)
		left = ss_conf->sig.max_lifetime;
	if ((e = cc_insert(ss_cc, &rec->hoa, &rec->cn)) == NULL) {
		log_warnx("saved binding %s: max-bindings reached, or a "
		    "duplicate", h);
		ss_rs.refused++;
		return;
	}
	e->coa = rec->coa;
	e->kcoa = rec->coa;
	e->seq = rec->seq;
	e->flags = rec->flags;
	e->lifetime = (uint32_t)rec->lifetime * 4;
	e->created = mono - (wall - rec->created);
	e->expires = mono + left;
	e->refreshed = e->expires - (int64_t)e->lifetime;
	if (e->refreshed > mono)
		e->refreshed = mono;
	e->updates = 1;
	ss_rs.restored++;
	sig_restore_kernel(e);
}

static void
ss_loaded(const struct state_loaded *sl)
{
	ss_restoring = 0;
	/* After the claims (IMSG_KR_RO_ADD): the parent takes them first. */
	(void)role_compose_main(IMSG_STATE_ADOPTED, 0, -1, NULL, 0);
	log_info("restored %u binding(s) from the state file (%u expired, "
	    "%u refused)%s", ss_rs.restored, ss_rs.expired, ss_rs.refused,
	    sl->bad ? "; the file was unreadable: moved aside" : "");
	if (!sl->bad && ss_rs.expired + ss_rs.refused == 0)
		ss_written = ss_cc->gen;
	else
		ss_written = UINT64_MAX;	/* rewrite it */
	sig_restored();
	sigstate_changed();
}

static void
ss_done(const struct state_gen *sg)
{
	struct timeval	 tv;

	if (!ss_inflight || sg->gen != ss_sending)
		fatalx("parent: state file answer for a write not asked");
	ss_inflight = 0;
	if (sg->error != 0) {
		log_warnx("state file not written: %s; the next try in %d ms",
		    strerror(sg->error), SS_RETRY_MS);
		/* Availability first: held BAs go without it. */
		ss_release(1);
		if (ss_flushing) {
			ss_flushing = 0;
			(void)role_compose_main(IMSG_STATE_FLUSHED, 0, -1,
			    NULL, 0);
			return;
		}
		tv.tv_sec = SS_RETRY_MS / 1000;
		tv.tv_usec = (SS_RETRY_MS % 1000) * 1000;
		if (ss_on)
			evtimer_add(ss_ev, &tv);
		return;
	}
	ss_written = sg->gen;
	ss_release(0);
	if (ss_flushing)
		ss_flush();
	else
		sigstate_changed();
}

/* A clean stop: the last changes to the file now, then FLUSHED. */
static void
ss_flush(void)
{
	ss_flushing = 1;
	if (ss_inflight)
		return;		/* ss_done comes back here */
	if (!ss_on || ss_restoring || ss_cc->gen == ss_written) {
		ss_flushing = 0;
		(void)role_compose_main(IMSG_STATE_FLUSHED, 0, -1, NULL, 0);
		return;
	}
	evtimer_del(ss_ev);
	ss_write(-1, 0, NULL);
}

int
sigstate_dispatch(const struct imsg *imsg)
{
	size_t		 len = imsg->hdr.len - IMSG_HEADER_SIZE, i;
	struct sf_rec	 rec;
	int64_t		 wall, mono;

	switch (imsg->hdr.type) {
	case IMSG_STATE_REC:
		if (!ss_restoring || len == 0 || len % SF_REC_SIZE != 0 ||
		    len / SF_REC_SIZE > STATE_MAX_RECS)
			fatalx("parent: malformed state records");
		wall = (int64_t)time(NULL);
		mono = sig_now();
		for (i = 0; i < len / SF_REC_SIZE; i++) {
			if (sf_rec_decode((const uint8_t *)imsg->data +
			    i * SF_REC_SIZE, &rec) == -1) {
				ss_rs.refused++;
				continue;
			}
			ss_restore1(&rec, wall, mono);
		}
		return 1;
	case IMSG_STATE_LOADED:
		if (!ss_restoring || len != sizeof(struct state_loaded))
			fatalx("parent: malformed state end");
		ss_loaded(imsg->data);
		return 1;
	case IMSG_STATE_DONE:
		if (len != sizeof(struct state_gen))
			fatalx("parent: malformed state answer");
		ss_done(imsg->data);
		return 1;
	case IMSG_STATE_FLUSH:
		if (len != 0)
			fatalx("parent: malformed state flush");
		ss_flush();
		return 1;
	default:
		return 0;
	}
}

void
sigstate_changed(void)
{
	struct timeval	 tv;
	uint32_t	 ms;

	if (!ss_on || ss_restoring || ss_inflight ||
	    ss_cc->gen == ss_written || evtimer_pending(ss_ev, NULL))
		return;
	ms = ss_conf->state_sync_delay_ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(ss_ev, &tv);
}

/* Every binding to mip6-priv: BEGIN, REC..., COMMIT. */
static void
ss_write(evutil_socket_t fd, short ev, void *arg)
{
	static uint8_t		 buf[STATE_MAX_RECS * SF_REC_SIZE];
	struct state_gen	 sg;
	struct cn_entry		*e;
	struct sf_rec		 rec;
	int64_t			 wall = (int64_t)time(NULL), mono = sig_now();
	size_t			 n = 0;
	uint32_t		 count = 0, units;

	if (!ss_on || ss_inflight || ss_restoring)
		return;
	memset(&sg, 0, sizeof(sg));
	sg.gen = ss_sending = ss_cc->gen;
	if (role_compose_main(IMSG_STATE_BEGIN, 0, -1, &sg, sizeof(sg)) == -1)
		return;
	for (e = cc_first(ss_cc); e != NULL; e = cc_next(ss_cc, e)) {
		if (e->expires <= mono)
			continue;
		memset(&rec, 0, sizeof(rec));
		rec.hoa = e->hoa;
		rec.coa = e->coa;
		rec.cn = e->cn;
		rec.expires = wall + (e->expires - mono);
		rec.created = wall + (e->created - mono);
		rec.seq = e->seq;
		rec.flags = e->flags;
		units = (e->lifetime + 3) / 4;
		rec.lifetime = (uint16_t)(units > 0xffff ? 0xffff : units);
		rec.kind = SF_KIND_CN;
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
	ss_inflight = 1;
}

int
sigstate_hold_ba(const struct cnreg_result *r)
{
	struct ss_held	*h;

	if (!ss_on || ss_conf->state_sync_delay_ms != 0 ||
	    r->status >= BA_STATUS_UNSPECIFIED || ss_cc->gen == ss_written)
		return 0;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return 0;
	h->need = ss_cc->gen;
	h->r = *r;
	TAILQ_INSERT_TAIL(&ss_helds, h, entry);
	sigstate_changed();
	return 1;
}

/* Send the BAs whose bindings are in the file (all: every one). */
static void
ss_release(int all)
{
	struct ss_held	*h, *next;

	for (h = TAILQ_FIRST(&ss_helds); h != NULL; h = next) {
		next = TAILQ_NEXT(h, entry);
		if (!all && h->need > ss_written)
			continue;
		TAILQ_REMOVE(&ss_helds, h, entry);
		sig_send_ba_now(&h->r);
		free(h);
	}
}
