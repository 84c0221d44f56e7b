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
#include "counters.h"
#include "ha.h"
#include "imsg.h"
#include "proto.h"
#include "role.h"

#define OUT_CHUNK	8192

struct out {
	struct ctl_conn	*c;
	uint32_t	 id;
	size_t		 len;
	char		 buf[OUT_CHUNK];
};

static void	 ha_ctl_show(struct ctl_conn *, const struct imsg *, void *);
static void	 ha_ctl_delete(struct ctl_conn *, const struct imsg *, void *);
static void	 out_flush(struct out *);
static void	 out_printf(struct out *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 stats_cb(const char *, uint64_t, void *);
static int	 get_request(struct ctl_conn *, const struct imsg *,
		    struct ctl_request *);

const struct control_handler ha_ctl[] = {
	{ IMSG_CTL_STATUS, role_ctl_status },
	{ IMSG_CTL_SHOW, ha_ctl_show },
	{ IMSG_CTL_DELETE_BINDING, ha_ctl_delete },
	{ 0, NULL }
};

static void
out_flush(struct out *o)
{
	if (o->len > 0)
		control_reply(o->c, IMSG_CTL_TEXT, o->id, o->buf, o->len);
	o->len = 0;
}

static void
out_printf(struct out *o, const char *fmt, ...)
{
	char	 line[BC_FORMAT_MAX + 64];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (o->len + (size_t)n > sizeof(o->buf))
		out_flush(o);
	memcpy(o->buf + o->len, line, (size_t)n);
	o->len += (size_t)n;
}

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

struct stats_arg {
	struct out	*o;
	int		 json;
	int		 first;
};

static void
stats_cb(const char *name, uint64_t v, void *arg)
{
	struct stats_arg *s = arg;

	if (s->json)
		out_printf(s->o, "%s\"%s\":%" PRIu64, s->first ? "" : ",",
		    name, v);
	else
		out_printf(s->o, "%s %" PRIu64 "\n", name, v);
	s->first = 0;
}

static void
show_bindings(struct out *o, const struct ctl_request *req, int json)
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
		out_printf(o, json ? "{%s}\n" : "%s\n", line);
		return;
	}
	if (json)
		out_printf(o, "{\"bindings\":[");
	for (e = bc_first(bc); e != NULL; e = bc_next(bc, e)) {
		bc_format(line, sizeof(line), json, e, ha_entry_ifname(e), now);
		if (json)
			out_printf(o, "%s{%s}", first ? "" : ",", line);
		else
			out_printf(o, "%s\n", line);
		first = 0;
	}
	if (json)
		out_printf(o, "]}\n");
}

static void
show_stats(struct out *o, int json)
{
	const struct bcache	*bc = ha_bcache();
	struct stats_arg	 s = { o, json, 1 };
	struct bc_entry		*e;
	uint64_t		 active = 0, dad = 0;

	for (e = bc_first(bc); e != NULL; e = bc_next(bc, e)) {
		if (e->state == BC_ST_ACTIVE)
			active++;
		else
			dad++;
	}
	if (json)
		out_printf(o, "{");
	stats_cb("bindings.active", active, &s);
	stats_cb("bindings.dad", dad, &s);
	ha_ctr_foreach(ha_counters(), stats_cb, &s);
	if (json)
		out_printf(o, "}\n");
}

/* The pending `show kernel`: where its lines go. */
static struct {
	struct ctl_conn	*c;
	uint32_t	 id;
	int		 json;
	int		 n;
} kshow;

static void
ha_ctl_show(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_request	 req;
	struct out		 o;
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
		if (ha_kernel_show(c, o.id, json) == -1) {
			control_error(c, o.id, "a kernel listing is under way; "
			    "try again");
			break;
		}
		kshow.c = c;
		kshow.id = o.id;
		kshow.json = json;
		kshow.n = 0;
		/* The answer comes from the parent (hactl_kernel_obj). */
		return;
	default:
		control_error(c, o.id, "the home agent has no such listing");
		break;
	}
	out_flush(&o);
	control_end(c, o.id);
}

void
hactl_kernel_obj(const char *line, int error)
{
	struct out	 o;
	char		 esc[KR_SHOW_LEN * 2];
	size_t		 i, j;

	if (kshow.c == NULL)
		return;
	/* The client may have gone while the parent answered. */
	if (!control_alive(kshow.c)) {
		if (line == NULL)
			kshow.c = NULL;
		return;
	}
	memset(&o, 0, sizeof(o));
	o.c = kshow.c;
	o.id = kshow.id;
	if (line != NULL) {
		if (kshow.json) {
			for (i = j = 0; line[i] != '\0' && j + 2 < sizeof(esc);
			    i++) {
				if (line[i] == '"' || line[i] == '\\')
					esc[j++] = '\\';
				esc[j++] = line[i];
			}
			esc[j] = '\0';
			out_printf(&o, "%s\"%s\"", kshow.n == 0 ?
			    "{\"kernel\":[" : ",", esc);
		} else
			out_printf(&o, "%s\n", line);
		kshow.n++;
		out_flush(&o);
		control_flush(kshow.c);
		return;
	}
	if (error != 0)
		control_error(o.c, o.id, "kernel listing: %s", strerror(error));
	else if (kshow.json)
		out_printf(&o, "%s]}\n", kshow.n == 0 ? "{\"kernel\":[" : "");
	out_flush(&o);
	control_end(o.c, o.id);
	control_flush(kshow.c);
	kshow.c = NULL;
}

static void
ha_ctl_delete(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_request	 req;
	struct in6_addr		 hoa;
	struct out		 o;

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
		out_printf(&o, (req.flags & CTL_F_JSON) ?
		    "{\"deleted\":\"%s\"}\n" : "binding %s deleted\n", req.arg);
		out_flush(&o);
	}
	control_end(c, o.id);
}
