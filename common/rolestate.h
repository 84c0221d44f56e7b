/*
 * persist-bindings, the role's side, shared by the home agent
 * (mip6-ha/hastate.c) and the correspondent (mip6-sig/sigstate.c).
 *
 * Restore: mip6-priv sends the records it read (IMSG_STATE_REC) and
 * IMSG_STATE_LOADED.  Each record of the role's kind still within its
 * lifetime (absolute wall-clock expiry) goes to ops->restore, which puts
 * it back in the cache and claims its kernel objects; at LOADED the role
 * sends IMSG_STATE_ADOPTED (mip6-priv removes what no binding claimed)
 * and ops->restored lets the engine read its socket.
 *
 * Write: the cache counts its changes (ops->gen); state-sync-delay after
 * the first unwritten change ops->write puts every binding (rstate_put)
 * between IMSG_STATE_BEGIN and IMSG_STATE_COMMIT, and mip6-priv answers
 * IMSG_STATE_DONE once the file is in place.  One write at a time;
 * changes during a write make the next one.  IMSG_STATE_FLUSH (a clean
 * stop) writes at once and answers IMSG_STATE_FLUSHED.
 *
 * One role per process: the state is the module's own.
 */
#ifndef MIP6_ROLESTATE_H
#define MIP6_ROLESTATE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "imsg.h"
#include "statefile.h"

/* What ops->restore made of a record. */
enum rstate_verdict {
	RSTATE_RESTORED,
	RSTATE_UNSERVED,	/* its address is no longer served */
	RSTATE_REFUSED,		/* unusable, a duplicate, or no room */
};

struct rstate_ops {
	const char	*file;		/* "ha.state", for the log */
	uint16_t	 kind;		/* SF_KIND_*: other records are refused */
	int		 has_unserved;	/* the log counts RSTATE_UNSERVED */
	size_t		 held_size;	/* a held BA's result */
	int64_t		(*now)(void);	/* the engine's monotonic seconds */
	uint64_t	(*gen)(void);	/* the cache's change count */
	/* left: seconds of lifetime left (> 0). */
	enum rstate_verdict (*restore)(const struct sf_rec *, int64_t left,
			    int64_t wall, int64_t mono);
	void		(*restored)(void);
	/* Every binding to keep: rstate_put() each one. */
	void		(*write)(int64_t wall, int64_t mono);
	void		(*send_held)(const void *result);
};

void	 rstate_init(const struct rstate_ops *, const struct mip6_conf *);
void	 rstate_reconf(const struct mip6_conf *);
/* The role stops writing (the file stays); 1 when the bindings persist. */
int	 rstate_stop(void);
int	 rstate_restoring(void);
/* 1 when imsg was a state message. */
int	 rstate_dispatch(const struct imsg *);
/* The cache may have changed: schedule a write. */
void	 rstate_changed(void);
/*
 * state-sync-delay 0: 1 when the accepted BA's result (ops->held_size
 * octets) must wait for the write; ops->send_held sends it then.
 */
int	 rstate_hold_ba(const void *result, int accepted);
/* From ops->write: one binding's record. */
void	 rstate_put(const struct sf_rec *);

#endif
