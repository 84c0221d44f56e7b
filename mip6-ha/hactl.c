/*
 * The home agent's control requests (mip6ctl): show bindings [HOA],
 * show stats, show kernel, delete binding HOA.  Text as one line per item
 * (key=value, or "name value" for counters), JSON with -j; both in
 * IMSG_CTL_TEXT chunks.
 */
#include <sys/types.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "bcache.h"
#include "control.h"
#include "ctlout.h"
#include "counters.h"
#include "dhaad.h"
#include "ha.h"
#include "imsg.h"
#include "proto.h"
#include "role.h"

static void	 ha_ctl_show(struct ctl_conn *, const struct imsg *, void *);
static void	 ha_ctl_delete(struct ctl_conn *, const struct imsg *, void *);
static int	 get_request(struct ctl_conn *, const struct imsg *,
		    struct ctl_request *);

const struct control_handler ha_ctl[] = {
	{ IMSG_CTL_STATUS, role_ctl_status },
	{ IMSG_CTL_SHOW, ha_ctl_show },
	{ IMSG_CTL_DELETE_BINDING, ha_ctl_delete },
	{ 0, NULL }
};

static int
get_request(struct ctl_conn *c, const struct imsg *imsg,
    struct ctl_request *req)
{
	if (!proto_check_len(imsg->datalen, sizeof(*req))) {
		control_error(c, imsg->hdr.peerid, "malformed request");
		control_end(c, imsg->hdr.peerid);
		return -1;
	}
	memcpy(req, imsg->data, sizeof(*req));
	req->arg[sizeof(req->arg) - 1] = '\0';
	return 0;
}

static void
show_bindings(struct ctl_out *o, const struct ctl_request *req, int json)
{
	const struct bcache	*bc = ha_bcache();
	struct bc_entry		*e;
	struct in6_addr		 hoa;
	char			 line[BC_FORMAT_MAX];
	int64_t			 now = ha_now();
	int			 first = 1;

	if (req->arg[0] != '\0') {
		if (addr_parse(req->arg, &hoa) == -1) {
			control_error(o->c, o->id, "%s is not an IPv6 address",
			    req->arg);
			return;
		}
		if ((e = bc_lookup(bc, &hoa)) == NULL) {
			control_error(o->c, o->id, "no binding for %s",
			    req->arg);
			return;
		}
		bc_format(line, sizeof(line), json, e, ha_entry_ifname(e), now);
		ctl_out_printf(o, json ? "{%s}\n" : "%s\n", line);
		return;
	}
	if (json)
		ctl_out_printf(o, "{\"bindings\":[");
	for (e = bc_first(bc); e != NULL; e = bc_next(bc, e)) {
		bc_format(line, sizeof(line), json, e, ha_entry_ifname(e), now);
		if (json)
			ctl_out_printf(o, "%s{%s}", first ? "" : ",", line);
		else
			ctl_out_printf(o, "%s\n", line);
		first = 0;
	}
	if (json)
		ctl_out_printf(o, "]}\n");
}

static void
show_stats(struct ctl_out *o, int json)
{
	const struct bcache	*bc = ha_bcache();
	struct ctl_stats	 s;
	struct bc_entry		*e;
	uint64_t		 active = 0, dad = 0;

	for (e = bc_first(bc); e != NULL; e = bc_next(bc, e)) {
		if (e->state == BC_ST_ACTIVE)
			active++;
		else
			dad++;
	}
	ctl_stats_begin(&s, o, json);
	ctl_stat("bindings.active", active, &s);
	ctl_stat("bindings.dad", dad, &s);
	ha_ctr_foreach(ha_counters(), ctl_stat, &s);
	dhaad_ctr_foreach(ctl_stat, &s);
	ctl_stats_end(&s);
}

static void
ha_ctl_show(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_request	 req;
	struct ctl_out		 o;
	int			 json;

	if (get_request(c, imsg, &req) == -1)
		return;
	json = (req.flags & CTL_F_JSON) != 0;
	memset(&o, 0, sizeof(o));
	o.c = c;
	o.id = imsg->hdr.peerid;
	switch (req.what) {
	case CTL_SHOW_BINDINGS:
		show_bindings(&o, &req, json);
		break;
	case CTL_SHOW_STATS:
		show_stats(&o, json);
		break;
	case CTL_SHOW_KERNEL:
		/* The runtime relays the parent's answer. */
		role_ctl_kernel(c, o.id, json);
		return;
	default:
		control_error(c, o.id, "the home agent has no such listing");
		break;
	}
	ctl_out_flush(&o);
	control_end(c, o.id);
}

static void
ha_ctl_delete(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_request	 req;
	struct in6_addr		 hoa;
	struct ctl_out		 o;

	if (get_request(c, imsg, &req) == -1)
		return;
	memset(&o, 0, sizeof(o));
	o.c = c;
	o.id = imsg->hdr.peerid;
	if (addr_parse(req.arg, &hoa) == -1)
		control_error(c, o.id, "%s is not an IPv6 address", req.arg);
	else if (ha_delete_binding(&hoa) == -1)
		control_error(c, o.id, "no binding for %s", req.arg);
	else {
		ctl_out_printf(&o, (req.flags & CTL_F_JSON) ?
		    "{\"deleted\":\"%s\"}\n" : "binding %s deleted\n", req.arg);
		ctl_out_flush(&o);
	}
	control_end(c, o.id);
}
