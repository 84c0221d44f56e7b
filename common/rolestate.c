/*
 * persist-bindings, the role's side: see rolestate.h.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "addr.h"
#include "log.h"
#include "proto.h"
#include "role.h"
#include "rolestate.h"

/* A write that failed is tried again after this long at the least. */
#define RS_RETRY_MS		1000

struct rs_held {
	TAILQ_ENTRY(rs_held)	 entry;
	uint64_t		 need;	/* the cache's gen the file must reach */
	_Alignas(max_align_t) unsigned char r[]; /* ops->held_size octets */
};

static const struct rstate_ops	*rs_ops;
static const struct mip6_conf	*rs_conf;
static int			 rs_on;
static int			 rs_restoring;
static int			 rs_inflight;
static int			 rs_flushing;	/* the parent stops */
static uint64_t			 rs_written;	/* gen in the file */
static uint64_t			 rs_sending;	/* gen being written */
static struct event		*rs_ev;
static TAILQ_HEAD(, rs_held)	 rs_helds = TAILQ_HEAD_INITIALIZER(rs_helds);
static struct {
	uint32_t	 restored, expired, unserved, refused;
} rs_rs;
/* The write under way: records wait here for a full IMSG_STATE_REC. */
static uint8_t			 rs_buf[STATE_MAX_RECS * SF_REC_SIZE];
static size_t			 rs_nbuf;
static uint32_t			 rs_count;

static void	 rs_write(evutil_socket_t, short, void *);
static void	 rs_release(int all);
static void	 rs_flush(void);

void
rstate_init(const struct rstate_ops *ops, const struct mip6_conf *conf)
{
	rs_ops = ops;
	rs_conf = conf;
	rs_on = conf->persist_bindings;
	if (!rs_on)
		return;
	rs_restoring = 1;
	if ((rs_ev = evtimer_new(role_base(), rs_write, NULL)) == NULL)
		fatalx("cannot create the state file timer");
	log_info("bindings persist in %s/%s (written at most %u ms "
	    "after a change%s)", conf->state_dir, ops->file,
	    conf->state_sync_delay_ms,
	    conf->state_sync_delay_ms == 0 ? ", before the BA" : "");
}

void
rstate_reconf(const struct mip6_conf *conf)
{
	rs_conf = conf;
	if (rs_on && !conf->persist_bindings)
		log_warnx("persist-bindings turned off: applies at the next "
		    "start; the state file is still written");
}

int
rstate_stop(void)
{
	struct rs_held	*h;
	int		 was = rs_on;

	rs_on = 0;
	if (rs_ev != NULL)
		evtimer_del(rs_ev);
	while ((h = TAILQ_FIRST(&rs_helds)) != NULL) {
		TAILQ_REMOVE(&rs_helds, h, entry);
		free(h);
	}
	return was;
}

int
rstate_restoring(void)
{
	return rs_restoring;
}

static void
rs_restore1(const struct sf_rec *rec, int64_t wall, int64_t mono)
{
	int64_t		 left;
	char		 h[ADDR_STRLEN];

	if (rec->kind != rs_ops->kind) {
		rs_rs.refused++;
		return;
	}
	if ((left = rec->expires - wall) <= 0) {
		addr_ntop(&rec->hoa, h, sizeof(h));
		log_debug("saved binding %s expired %lld s ago", h,
		    (long long)-left);
		rs_rs.expired++;
		return;
	}
	switch (rs_ops->restore(rec, left, wall, mono)) {
	case RSTATE_RESTORED:
		rs_rs.restored++;
		break;
	case RSTATE_UNSERVED:
		rs_rs.unserved++;
		break;
	default:
		rs_rs.refused++;
		break;
	}
}

static void
rs_loaded(const struct state_loaded *sl)
{
	char	 unserved[48] = "";

	rs_restoring = 0;
	/* After the claims: the parent takes them first. */
	(void)role_compose_main(IMSG_STATE_ADOPTED, 0, -1, NULL, 0);
	if (rs_ops->has_unserved)
		snprintf(unserved, sizeof(unserved), "%u no longer served, ",
		    rs_rs.unserved);
	log_info("restored %u binding(s) from the state file (%u expired, "
	    "%s%u refused)%s", rs_rs.restored, rs_rs.expired, unserved,
	    rs_rs.refused,
	    sl->bad ? "; the file was unreadable: moved aside" : "");
	/* The file matches the cache unless something was left out. */
	if (!sl->bad && rs_rs.expired + rs_rs.unserved + rs_rs.refused == 0)
		rs_written = rs_ops->gen();
	else
		rs_written = UINT64_MAX;	/* rewrite it */
	rs_ops->restored();
	rstate_changed();
}

static void
rs_flushed(void)
{
	rs_flushing = 0;
	(void)role_compose_main(IMSG_STATE_FLUSHED, 0, -1, NULL, 0);
}

static void
rs_done(const struct state_gen *sg)
{
	struct timeval	 tv;

	if (!rs_inflight || sg->gen != rs_sending)
		fatalx("parent: state file answer for a write not asked");
	rs_inflight = 0;
	if (sg->error != 0) {
		log_warnx("state file not written: %s; the next try in %d ms",
		    strerror(sg->error), RS_RETRY_MS);
		/* Availability first: held BAs go without it. */
		rs_release(1);
		if (rs_flushing) {
			rs_flushed();
			return;
		}
		tv.tv_sec = RS_RETRY_MS / 1000;
		tv.tv_usec = (RS_RETRY_MS % 1000) * 1000;
		if (rs_on)
			evtimer_add(rs_ev, &tv);
		return;
	}
	rs_written = sg->gen;
	rs_release(0);
	if (rs_flushing)
		rs_flush();
	else
		rstate_changed();
}

/*
 * A clean stop: what changed since the last write goes to the file now
 * rather than after state-sync-delay, then IMSG_STATE_FLUSHED lets the
 * parent close the channel.
 */
static void
rs_flush(void)
{
	rs_flushing = 1;
	if (rs_inflight)
		return;		/* rs_done comes back here */
	if (!rs_on || rs_restoring || rs_ops->gen() == rs_written) {
		rs_flushed();
		return;
	}
	evtimer_del(rs_ev);
	rs_write(-1, 0, NULL);
	if (!rs_inflight)
		rs_flushed();	/* the parent's channel refused it */
}

int
rstate_dispatch(const struct imsg *imsg)
{
	size_t		 len = imsg->hdr.len - IMSG_HEADER_SIZE, i;
	struct sf_rec	 rec;
	int64_t		 wall, mono;

	if (rs_ops == NULL)
		return 0;
	switch (imsg->hdr.type) {
	case IMSG_STATE_REC:
		if (!rs_restoring || len == 0 || len % SF_REC_SIZE != 0 ||
		    len / SF_REC_SIZE > STATE_MAX_RECS)
			fatalx("parent: malformed state records");
		wall = (int64_t)time(NULL);
		mono = rs_ops->now();
		for (i = 0; i < len / SF_REC_SIZE; i++) {
			if (sf_rec_decode((const uint8_t *)imsg->data +
			    i * SF_REC_SIZE, &rec) == -1) {
				rs_rs.refused++;
				continue;
			}
			rs_restore1(&rec, wall, mono);
		}
		return 1;
	case IMSG_STATE_LOADED:
		if (!rs_restoring || len != sizeof(struct state_loaded))
			fatalx("parent: malformed state end");
		rs_loaded(imsg->data);
		return 1;
	case IMSG_STATE_DONE:
		if (len != sizeof(struct state_gen))
			fatalx("parent: malformed state answer");
		rs_done(imsg->data);
		return 1;
	case IMSG_STATE_FLUSH:
		if (len != 0)
			fatalx("parent: malformed state flush");
		rs_flush();
		return 1;
	default:
		return 0;
	}
}

void
rstate_changed(void)
{
	struct timeval	 tv;
	uint32_t	 ms;

	if (!rs_on || rs_restoring || rs_inflight ||
	    rs_ops->gen() == rs_written || evtimer_pending(rs_ev, NULL))
		return;
	ms = rs_conf->state_sync_delay_ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(rs_ev, &tv);
}

void
rstate_put(const struct sf_rec *rec)
{
	sf_rec_encode(rec, rs_buf + rs_nbuf * SF_REC_SIZE);
	rs_count++;
	if (++rs_nbuf == STATE_MAX_RECS) {
		(void)role_compose_main(IMSG_STATE_REC, 0, -1, rs_buf,
		    rs_nbuf * SF_REC_SIZE);
		rs_nbuf = 0;
	}
}

/* Every binding to mip6-priv: BEGIN, REC..., COMMIT. */
static void
rs_write(evutil_socket_t fd, short ev, void *arg)
{
	struct state_gen	 sg;

	if (!rs_on || rs_inflight || rs_restoring)
		return;
	memset(&sg, 0, sizeof(sg));
	sg.gen = rs_sending = rs_ops->gen();
	if (role_compose_main(IMSG_STATE_BEGIN, 0, -1, &sg, sizeof(sg)) == -1)
		return;
	rs_nbuf = 0;
	rs_count = 0;
	rs_ops->write((int64_t)time(NULL), rs_ops->now());
	if (rs_nbuf > 0)
		(void)role_compose_main(IMSG_STATE_REC, 0, -1, rs_buf,
		    rs_nbuf * SF_REC_SIZE);
	sg.count = rs_count;
	(void)role_compose_main(IMSG_STATE_COMMIT, 0, -1, &sg, sizeof(sg));
	rs_inflight = 1;
}

int
rstate_hold_ba(const void *result, int accepted)
{
	struct rs_held	*h;

	if (!rs_on || rs_conf->state_sync_delay_ms != 0 || !accepted ||
	    rs_ops->gen() == rs_written)
		return 0;
	if ((h = calloc(1, sizeof(*h) + rs_ops->held_size)) == NULL)
		return 0;
	h->need = rs_ops->gen();
	memcpy(h->r, result, rs_ops->held_size);
	TAILQ_INSERT_TAIL(&rs_helds, h, entry);
	rstate_changed();
	return 1;
}

/* Send the BAs whose bindings are in the file (all: every one). */
static void
rs_release(int all)
{
	struct rs_held	*h, *next;

	for (h = TAILQ_FIRST(&rs_helds); h != NULL; h = next) {
		next = TAILQ_NEXT(h, entry);
		if (!all && h->need > rs_written)
			continue;
		TAILQ_REMOVE(&rs_helds, h, entry);
		rs_ops->send_held(h->r);
		free(h);
	}
}
