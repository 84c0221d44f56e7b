/* A role's answer to mip6ctl: see ctlout.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "ctlout.h"
#include "proto.h"

void
ctl_out_init(struct ctl_out *o, struct ctl_conn *c, uint32_t id)
{
	o->c = c;
	o->id = id;
	o->len = 0;
}

void
ctl_out_flush(struct ctl_out *o)
{
	if (o->len > 0)
		control_reply(o->c, IMSG_CTL_TEXT, o->id, o->buf, o->len);
	o->len = 0;
}

void
ctl_out_add(struct ctl_out *o, const char *s, size_t n)
{
	size_t	 k;

	while (n > 0) {
		if (o->len == sizeof(o->buf))
			ctl_out_flush(o);
		k = sizeof(o->buf) - o->len;
		if (k > n)
			k = n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

void
ctl_out_str(struct ctl_out *o, const char *s)
{
	ctl_out_add(o, s, strlen(s));
}

void
ctl_out_printf(struct ctl_out *o, const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	ctl_out_add(o, line, (size_t)n);
}

/* Append k octets while they fit with the terminator; count them anyway. */
static void
put(char *dst, size_t size, size_t *need, const char *s, size_t k)
{
	if (*need + k < size) {
		memcpy(dst + *need, s, k);
		dst[*need + k] = '\0';
	}
	*need += k;
}

size_t
json_escape(char *dst, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char		 e[6];
	size_t		 need = 0, k;
	unsigned char	 c;

	if (size > 0)
		dst[0] = '\0';
	put(dst, size, &need, "\"", 1);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			k = 2;
		} else if (c < 0x20) {
			memcpy(e, "\\u00", 4);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 0xf];
			k = 6;
		} else {
			e[0] = (char)c;
			k = 1;
		}
		put(dst, size, &need, e, k);
	}
	put(dst, size, &need, "\"", 1);
	return need;
}

void
ctl_out_json(struct ctl_out *o, const char *s)
{
	char	 esc[2048];
	size_t	 n;

	n = json_escape(esc, sizeof(esc), s);
	if (n < sizeof(esc)) {
		ctl_out_add(o, esc, n);
		return;
	}
	/* Longer than the buffer: piece by piece. */
	ctl_out_str(o, "\"");
	for (; *s != '\0'; s++) {
		char	 one[2] = { *s, '\0' };

		n = json_escape(esc, sizeof(esc), one);
		ctl_out_add(o, esc + 1, n - 2);
	}
	ctl_out_str(o, "\"");
}

void
ctl_stats_begin(struct ctl_stats *s, struct ctl_out *o, int json)
{
	s->o = o;
	s->json = json;
	s->n = 0;
	if (json)
		ctl_out_str(o, "{");
}

void
ctl_stat(const char *name, uint64_t v, void *arg)
{
	struct ctl_stats	*s = arg;

	if (s->json)
		ctl_out_printf(s->o, "%s\"%s\":%" PRIu64, s->n ? "," : "",
		    name, v);
	else
		ctl_out_printf(s->o, "%s %" PRIu64 "\n", name, v);
	s->n++;
}

void
ctl_stats_end(struct ctl_stats *s)
{
	if (s->json)
		ctl_out_str(s->o, "}\n");
}
