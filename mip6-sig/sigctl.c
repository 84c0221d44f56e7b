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
#include "imsg.h"
#include "proto.h"
#include "sig.h"

/* Text gathered and sent in chunks below the imsg limit. */
struct ctl_out {
	struct ctl_conn	*c;
	uint32_t	 reqid;
	char		 buf[8192];
	size_t		 len;
	int		 first;
};

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

static void
out_flush(struct ctl_out *o)
{
	if (o->len > 0)
		control_reply(o->c, IMSG_CTL_TEXT, o->reqid, o->buf, o->len);
	o->len = 0;
}

static void
out_add(struct ctl_out *o, const char *s, size_t n)
{
	if (n >= sizeof(o->buf))
		n = sizeof(o->buf) - 1;
	if (o->len + n > sizeof(o->buf))
		out_flush(o);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
out_str(struct ctl_out *o, const char *s)
{
	out_add(o, s, strlen(s));
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
		ctl_fail(o->c, o->reqid, "%s: not an IPv6 address", arg);
		o->c = NULL;
		return;
	}
	if (json)
		out_str(o, "{\"bindings\":[");
	for (e = cc_first(&sig_env->cc); e != NULL;
	    e = cc_next(&sig_env->cc, e)) {
		if (filter && !addr_equal(&e->hoa, &hoa))
			continue;
		n = cc_format(line, sizeof(line), json, e, now);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		if (json)
			out_str(o, first ? "{" : ",{");
		out_add(o, line, n);
		out_str(o, json ? "}" : "\n");
		first = 0;
	}
	if (json)
		out_str(o, "]}\n");
}

struct stats_arg {
	struct ctl_out	*o;
	int		 json;
	int		 first;
};

static void
stats_cb(const char *name, uint64_t v, void *arg)
{
	struct stats_arg	*s = arg;
	char			 line[128];
	int			 n;

	if (s->json)
		n = snprintf(line, sizeof(line), "%s\"%s\":%" PRIu64,
		    s->first ? "" : ",", name, v);
	else
		n = snprintf(line, sizeof(line), "%s %" PRIu64 "\n", name, v);
	s->first = 0;
	if (n > 0)
		out_add(s->o, line, (size_t)n);
}

static void
show_stats(struct ctl_out *o, int json)
{
	struct stats_arg	 s = { o, json, 1 };
	char			 line[128];

	if (json)
		out_str(o, "{");
	cn_ctr_foreach(&sig_env->ctr, stats_cb, &s);
	stats_cb("bindings", sig_env->cc.count, &s);
	stats_cb("nonce_index", rr_table_current(&sig_env->rr), &s);
	if (json) {
		snprintf(line, sizeof(line), "}\n");
		out_str(o, line);
	}
}

/* The pending `show kernel`: where the parent's lines go. */
static struct {
	struct ctl_conn	*c;
	uint32_t	 id;		/* the client's request id */
	uint32_t	 kreq;		/* ours, to the parent; 0 none */
	int		 json;
	int		 n;
} kshow;

int
sig_ctl_kernel_wants(uint32_t reqid)
{
	return kshow.kreq != 0 && kshow.kreq == reqid;
}

void
sig_ctl_kernel(const char *line, int error)
{
	struct ctl_out	 o;
	char		 esc[KR_SHOW_LEN * 2];
	size_t		 i, j;

	if (kshow.kreq == 0)
		return;
	/* The client may have gone while the parent answered. */
	if (!control_alive(kshow.c)) {
		if (line == NULL)
			kshow.kreq = 0;
		return;
	}
	memset(&o, 0, sizeof(o));
	o.c = kshow.c;
	o.reqid = kshow.id;
	if (line != NULL) {
		if (kshow.json) {
			for (i = j = 0; line[i] != '\0' && j + 2 < sizeof(esc);
			    i++) {
				if (line[i] == '"' || line[i] == '\\')
					esc[j++] = '\\';
				esc[j++] = line[i];
			}
			esc[j] = '\0';
			out_str(&o, kshow.n == 0 ? "{\"kernel\":[\"" : ",\"");
			out_str(&o, esc);
			out_str(&o, "\"");
		} else {
			out_str(&o, line);
			out_str(&o, "\n");
		}
		kshow.n++;
		out_flush(&o);
		control_flush(kshow.c);
		return;
	}
	kshow.kreq = 0;
	if (error != 0) {
		ctl_fail(o.c, o.reqid, "kernel listing: %s",
		    strerror(error));
		control_flush(o.c);
		return;
	}
	if (kshow.json)
		out_str(&o, kshow.n == 0 ? "{\"kernel\":[]}\n" : "]}\n");
	out_flush(&o);
	control_end(o.c, o.reqid);
	control_flush(o.c);
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
	o.reqid = imsg->hdr.peerid;
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
		if (kshow.kreq != 0 || sig_kernel_show(&kshow.kreq) == -1) {
			ctl_fail(c, o.reqid, "a kernel listing is under "
			    "way; try again");
			return;
		}
		kshow.c = c;
		kshow.id = o.reqid;
		kshow.json = json;
		kshow.n = 0;
		return;		/* the parent answers: sig_ctl_kernel */
	default:
		ctl_fail(c, o.reqid, "the correspondent does not show "
		    "that (bindings, routeopt, stats, kernel)");
		return;
	}
	if (o.c == NULL)
		return;		/* answered with an error */
	out_flush(&o);
	control_end(c, o.reqid);
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
