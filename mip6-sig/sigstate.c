/*
 * persist-bindings, the correspondent's side (see sigstate.h): what a
 * saved record means for the correspondent binding cache.  The writing,
 * the restore protocol and the held BAs are common/rolestate.c's.
 *
 * A record becomes a binding again when both its addresses are global
 * unicast; its route-optimization states are claimed with IMSG_KR_RO_ADD
 * (an update in place: the states mip6-priv kept stay, vanished ones are
 * installed again).
 */
#include <sys/types.h>
#include <string.h>

#include "addr.h"
#include "config.h"
#include "log.h"
#include "mip6_const.h"
#include "rolestate.h"
#include "sig.h"
#include "sigstate.h"
#include "statefile.h"

static const struct mip6_conf	*ss_conf;
static struct cncache		*ss_cc;

static enum rstate_verdict
ss_restore(const struct sf_rec *rec, int64_t left, int64_t wall,
    int64_t mono)
{
	struct cn_entry	*e;
	char		 h[ADDR_STRLEN];

	if (!addr_is_global_unicast(&rec->hoa) ||
	    !addr_is_global_unicast(&rec->coa))
		return RSTATE_REFUSED;
	if (left > (int64_t)ss_conf->sig.max_lifetime)
		left = ss_conf->sig.max_lifetime;
	if ((e = cc_insert(ss_cc, &rec->hoa, &rec->cn)) == NULL) {
		addr_ntop(&rec->hoa, h, sizeof(h));
		log_warnx("saved binding %s: max-bindings reached, or a "
		    "duplicate", h);
		return RSTATE_REFUSED;
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
	sig_restore_kernel(e);
	return RSTATE_RESTORED;
}

/* Every binding still within its lifetime. */
static void
ss_write(int64_t wall, int64_t mono)
{
	struct cn_entry	*e;
	struct sf_rec	 rec;
	uint32_t	 units;

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
		rstate_put(&rec);
	}
}

static uint64_t
ss_gen(void)
{
	return ss_cc->gen;
}

static void
ss_send_held(const void *r)
{
	sig_send_ba_now(r);
}

static const struct rstate_ops ss_ops = {
	.file = "sig.state",
	.kind = SF_KIND_CN,
	.has_unserved = 0,
	.held_size = sizeof(struct cnreg_result),
	.now = sig_now,
	.gen = ss_gen,
	.restore = ss_restore,
	.restored = sig_restored,
	.write = ss_write,
	.send_held = ss_send_held,
};

void
sigstate_init(const struct mip6_conf *conf, struct cncache *cc)
{
	ss_conf = conf;
	ss_cc = cc;
	rstate_init(&ss_ops, conf);
}

void
sigstate_reconf(const struct mip6_conf *conf)
{
	ss_conf = conf;
	rstate_reconf(conf);
}

int
sigstate_hold_ba(const struct cnreg_result *r)
{
	return rstate_hold_ba(r, r->status < BA_STATUS_UNSPECIFIED);
}
