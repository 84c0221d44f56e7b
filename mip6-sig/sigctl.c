/*
 * mip6ctl on the correspondent: `show bindings [HOA]` (also `show
 * routeopt`), `show stats`, `show kernel` (mip6-priv's table), `delete
 * binding HOA`; text, or JSON with -j.
 * Answers go out as IMSG_CTL_TEXT chunks, then IMSG_CTL_END.
 */
#include <sys/types.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "control.h"
#include "ctlout.h"
#include "imsg.h"
#include "proto.h"
#include "role.h"
#include "sig.h"

/* An error reply ends the stream too (mip6ctl waits for the END). */
static void __attribute__((format(printf, 3, 4)))
ctl_fail(struct ctl_conn *c, uint32_t reqid, const char *fmt, ...)
{
	char	 msg[CTL_ERROR_LEN];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	control_error(c, reqid, "%s", msg);
	control_end(c, reqid);
}

static int
ctl_request(struct ctl_conn *c, const struct imsg *imsg,
    struct ctl_request *req)
{
	if (imsg->hdr.len - IMSG_HEADER_SIZE != sizeof(*req)) {
		ctl_fail(c, imsg->hdr.peerid, "malformed request");
		return -1;
	}
	memcpy(req, imsg->data, sizeof(*req));
	if (!proto_check_str(req->arg, sizeof(req->arg))) {
		ctl_fail(c, imsg->hdr.peerid, "malformed argument");
		return -1;
	}
	return 0;
}

static void
show_bindings(struct ctl_out *o, int json, const char *arg)
{
	struct in6_addr	 hoa;
	struct cn_entry	*e;
	char		 line[CC_FORMAT_MAX];
	int64_t		 now = sig_now();
	size_t		 n;
	int		 filter = arg[0] != '\0', first = 1;

	if (filter && addr_parse(arg, &hoa) == -1) {
		ctl_fail(o->c, o->id, "%s: not an IPv6 address", arg);
		o->c = NULL;
		return;
	}
	if (json)
		ctl_out_str(o, "{\"bindings\":[");
	for (e = cc_first(&sig_env->cc); e != NULL;
	    e = cc_next(&sig_env->cc, e)) {
		if (filter && !addr_equal(&e->hoa, &hoa))
			continue;
		n = cc_format(line, sizeof(line), json, e, now);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		if (json)
			ctl_out_str(o, first ? "{" : ",{");
		ctl_out_add(o, line, n);
		ctl_out_str(o, json ? "}" : "\n");
		first = 0;
	}
	if (json)
		ctl_out_str(o, "]}\n");
}

static void
show_stats(struct ctl_out *o, int json)
{
	struct ctl_stats	 s;

	ctl_stats_begin(&s, o, json);
	cn_ctr_foreach(&sig_env->ctr, ctl_stat, &s);
	ctl_stat("bindings", sig_env->cc.count, &s);
	ctl_stat("nonce_index", rr_table_current(&sig_env->rr), &s);
	ctl_stat("kcn_renewals", sig_env->kcn_renewals, &s);
	ctl_stats_end(&s);
}

void
sig_ctl_show(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_request	 req;
	struct ctl_out		 o;
	int			 json;

	if (ctl_request(c, imsg, &req) == -1)
		return;
	memset(&o, 0, sizeof(o));
	o.c = c;
	o.id = imsg->hdr.peerid;
	json = (req.flags & CTL_F_JSON) != 0;
	switch (req.what) {
	case CTL_SHOW_BINDINGS:
	case CTL_SHOW_ROUTEOPT:
		show_bindings(&o, json, req.arg);
		break;
	case CTL_SHOW_STATS:
		show_stats(&o, json);
		break;
	case CTL_SHOW_KERNEL:
		/* The runtime relays the parent's answer. */
		role_ctl_kernel(c, o.id, json);
		return;
	default:
		ctl_fail(c, o.id, "the correspondent does not show "
		    "that (bindings, routeopt, stats, kernel)");
		return;
	}
	if (o.c == NULL)
		return;		/* answered with an error */
	ctl_out_flush(&o);
	control_end(c, o.id);
}

void
sig_ctl_delete(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_request	 req;
	struct in6_addr		 hoa;
	char			 line[128];
	int			 n;

	if (ctl_request(c, imsg, &req) == -1)
		return;
	if (addr_parse(req.arg, &hoa) == -1) {
		ctl_fail(c, imsg->hdr.peerid, "%s: not an IPv6 address",
		    req.arg);
		return;
	}
	if (sig_binding_delete(&hoa) == -1) {
		ctl_fail(c, imsg->hdr.peerid, "%s: no binding", req.arg);
		return;
	}
	n = snprintf(line, sizeof(line), (req.flags & CTL_F_JSON) ?
	    "{\"deleted\":\"%s\"}\n" : "deleted %s\n", req.arg);
	if (n > 0)
		control_reply(c, IMSG_CTL_TEXT, imsg->hdr.peerid, line,
		    (size_t)n);
	control_end(c, imsg->hdr.peerid);
}
