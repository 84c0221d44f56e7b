/*
 * persist-bindings, the home agent's side (see hastate.h): what a saved
 * record means for the binding cache.  The writing, the restore protocol
 * and the held BAs are common/rolestate.c's.
 *
 * A record becomes an active binding again when its home address is
 * still served (home prefix, mobile-node list); its kernel objects are
 * claimed with IMSG_KR_BIND_ADD (which re-installs what vanished).
 */
#include <sys/types.h>
#include <errno.h>
#include <string.h>

#include "addr.h"
#include "bcache.h"
#include "config.h"
#include "ha.h"
#include "hastate.h"
#include "log.h"
#include "mip6_const.h"
#include "rolestate.h"
#include "statefile.h"

static const struct mip6_conf	*hs_conf;
static struct bcache		*hs_bc;

static enum rstate_verdict
hs_restore(const struct sf_rec *rec, int64_t left, int64_t wall,
    int64_t mono)
{
	const struct conf_ha_link	*l;
	struct bc_entry			*e;
	uint32_t			 s;
	char				 h[ADDR_STRLEN];

	addr_ntop(&rec->hoa, h, sizeof(h));
	if ((l = conf_ha_link_for(&hs_conf->ha, &rec->hoa)) == NULL ||
	    (hs_conf->ha.nmns > 0 &&
	    conf_ha_mn_find(&hs_conf->ha, &rec->hoa) == NULL)) {
		log_info("saved binding %s: the home address is no longer "
		    "served; dropped", h);
		return RSTATE_UNSERVED;
	}
	if (left > (int64_t)hs_conf->ha.max_lifetime)
		left = hs_conf->ha.max_lifetime;
	if ((e = bc_insert(hs_bc, &rec->hoa)) == NULL) {
		log_warnx("saved binding %s: %s", h, errno == ENOSPC ?
		    "max-bindings reached" : strerror(errno));
		return RSTATE_REFUSED;
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
	ha_restore_kernel(e);
	return RSTATE_RESTORED;
}

/* Every active binding. */
static void
hs_write(int64_t wall, int64_t mono)
{
	struct bc_entry	*e;
	struct sf_rec	 rec;
	const char	*ifname;

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
		rstate_put(&rec);
	}
}

static uint64_t
hs_gen(void)
{
	return hs_bc->gen;
}

static void
hs_send_held(const void *r)
{
	ha_send_ba_now(r);
}

static const struct rstate_ops hs_ops = {
	.file = "ha.state",
	.kind = SF_KIND_HA,
	.has_unserved = 1,
	.held_size = sizeof(struct hareg_result),
	.now = ha_now,
	.gen = hs_gen,
	.restore = hs_restore,
	.restored = ha_restored,
	.write = hs_write,
	.send_held = hs_send_held,
};

void
hastate_init(const struct mip6_conf *conf, struct bcache *bc)
{
	hs_conf = conf;
	hs_bc = bc;
	rstate_init(&hs_ops, conf);
}

void
hastate_reconf(const struct mip6_conf *conf)
{
	hs_conf = conf;
	rstate_reconf(conf);
}

int
hastate_hold_ba(const struct hareg_result *r)
{
	return rstate_hold_ba(r, r->status < BA_STATUS_UNSPECIFIED);
}
