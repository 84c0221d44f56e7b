/*
 * A role's answer to mip6ctl, gathered and sent in IMSG_CTL_TEXT chunks
 * below the imsg limit (mip6ctl writes them out as they come), and the
 * JSON string escaping every role and mip6ctl use.
 */
#ifndef MIP6_CTLOUT_H
#define MIP6_CTLOUT_H

#include <stddef.h>
#include <stdint.h>

struct ctl_conn;

#define CTL_OUT_CHUNK	8192

struct ctl_out {
	struct ctl_conn	*c;
	uint32_t	 id;		/* the client's request id */
	size_t		 len;
	char		 buf[CTL_OUT_CHUNK];
};

void	 ctl_out_init(struct ctl_out *, struct ctl_conn *, uint32_t id);
void	 ctl_out_add(struct ctl_out *, const char *, size_t);
void	 ctl_out_str(struct ctl_out *, const char *);
void	 ctl_out_printf(struct ctl_out *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included. */
void	 ctl_out_json(struct ctl_out *, const char *s);
/* Send what is gathered (an IMSG_CTL_TEXT), if anything. */
void	 ctl_out_flush(struct ctl_out *);

/*
 * Counters, "name value" lines or one JSON object {"name":value,...}:
 * begin, ctl_stat for each (its signature fits the roles' counter
 * walkers), end.
 */
struct ctl_stats {
	struct ctl_out	*o;
	int		 json;
	int		 n;
};

void	 ctl_stats_begin(struct ctl_stats *, struct ctl_out *, int json);
void	 ctl_stat(const char *name, uint64_t v, void *stats);
void	 ctl_stats_end(struct ctl_stats *);

/*
 * s as a JSON string with its quotes into dst (always terminated).
 * Returns the length it needed, like snprintf.
 */
size_t	 json_escape(char *dst, size_t size, const char *s);

#endif
