/*
 * The binding state file, the parent's side (persist-bindings).  The
 * roles have no file system (chroot to an empty directory, seccomp), so
 * the parent reads STATE-DIR/ROLE.state when it starts a role and sends
 * the records, and writes the file from the records the role sends
 * (common/statefile.c: tmp, fsync, rename, fsync dir).  The contents are
 * the role's: the parent checks lengths, counts and CRCs, never trusts
 * them for anything but storage.  See proto.h IMSG_STATE_*.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "imsg.h"
#include "log.h"
#include "priv.h"
#include "kpriv.h"
#include "proto.h"
#include "pstate.h"
#include "statefile.h"

#define PSTATE_DIR_MODE		0750

struct pstate {
	struct sf_writer	 w;
	int			 writing;
	uint64_t		 gen;
};

static struct pstate	 ps[ROLE_MAX];

int
pstate_enabled(const struct mip6_conf *conf, enum conf_role role)
{
	return conf->persist_bindings &&
	    (role == ROLE_HA || role == ROLE_SIG);
}

static void
pstate_path(const struct priv_child *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.state", priv_conf()->state_dir, c->name);
}

/*
 * Records one write may carry: the largest max-bindings.  Not the
 * configured one: a reload may lower it below what the cache holds.
 */
static uint32_t
pstate_limit(const struct priv_child *c)
{
	return SF_MAX_RECS;
}

/* At each start of the role, right after IMSG_STARTUP. */
void
pstate_child_start(struct priv_child *c)
{
	struct state_loaded	 sl;
	uint8_t			*recs = NULL;
	size_t			 n = 0, i, k;
	int64_t			 written, now = (int64_t)time(NULL);
	char			 path[4352], aside[4400], why[256];
	int			 r;

	if (!pstate_enabled(priv_conf(), c->role))
		return;
	pstate_path(c, path, sizeof(path));
	memset(&sl, 0, sizeof(sl));
	r = sf_read(path, (uint16_t)c->role, &recs, &n, &written, why,
	    sizeof(why));
	if (r == -1) {
		sl.bad = 1;
		if (sf_move_aside(path, now, aside, sizeof(aside)) == -1)
			log_warnx("%s: state file %s: %s; cannot move it aside "
			    "(%s); the role starts with an empty binding cache",
			    c->name, path, why, strerror(errno));
		else
			log_warnx("%s: state file %s: %s; moved aside to %s; "
			    "the role starts with an empty binding cache",
			    c->name, path, why, aside);
	} else if (r == 1)
		log_info("%s: no state file %s: the binding cache starts "
		    "empty", c->name, path);
	else
		log_info("%s: %zu binding(s) read from %s (written %lld s "
		    "ago)", c->name, n, path, (long long)(now - written));
	for (i = 0; i < n; i += k) {
		k = n - i < STATE_MAX_RECS ? n - i : STATE_MAX_RECS;
		(void)priv_compose_child(c, IMSG_STATE_REC, 0, -1,
		    recs + i * SF_REC_SIZE, k * SF_REC_SIZE);
	}
	free(recs);
	sl.count = (uint32_t)n;
	(void)priv_compose_child(c, IMSG_STATE_LOADED, 0, -1, &sl,
	    sizeof(sl));
}

/* The channel closed or the child died: a write under way is dropped. */
void
pstate_child_exited(struct priv_child *c)
{
	struct pstate	*p = &ps[c->role];

	if (p->writing) {
		sf_write_abort(&p->w);
		p->writing = 0;
	}
}

static void
pstate_done(struct priv_child *c, uint64_t gen, int error)
{
	struct state_gen	 sg;

	memset(&sg, 0, sizeof(sg));
	sg.gen = gen;
	sg.error = error;
	(void)priv_compose_child(c, IMSG_STATE_DONE, 0, -1, &sg, sizeof(sg));
}

int
pstate_dispatch(struct priv_child *c, struct imsg *imsg)
{
	struct pstate		*p = &ps[c->role];
	struct state_gen	 sg;
	struct sf_rec		 rec;
	size_t			 len = imsg->hdr.len - IMSG_HEADER_SIZE, n, i;
	char			 path[4352], err[512];
	struct stat		 st;

	if (imsg->hdr.type < IMSG_STATE_FIRST ||
	    imsg->hdr.type >= IMSG_STATE_LAST)
		return 0;
	/* Not the configuration's say: a role started with persist-bindings
	 * keeps writing after a reload turned it off (until it restarts). */
	if (c->role != ROLE_HA && c->role != ROLE_SIG) {
		priv_child_fatal(c, "state message from a role without a "
		    "state file");
		return 1;
	}
	switch (imsg->hdr.type) {
	case IMSG_STATE_ADOPTED:
		if (len != 0) {
			priv_child_fatal(c, "malformed state message");
			break;
		}
		priv_kernel_adopt_end(c);
		break;
	case IMSG_STATE_BEGIN:
		if (len != sizeof(sg) || p->writing) {
			priv_child_fatal(c, "malformed state write");
			break;
		}
		memcpy(&sg, imsg->data, sizeof(sg));
		pstate_path(c, path, sizeof(path));
		p->gen = sg.gen;
		if (mkdir(priv_conf()->state_dir, PSTATE_DIR_MODE) == -1 &&
		    errno != EEXIST)
			log_warn("%s: state directory %s", c->name,
			    priv_conf()->state_dir);
		else if (stat(priv_conf()->state_dir, &st) == 0 &&
		    !S_ISDIR(st.st_mode))
			log_warnx("%s: state directory %s is no directory",
			    c->name, priv_conf()->state_dir);
		if (sf_write_begin(&p->w, path, (uint16_t)c->role, err,
		    sizeof(err)) == -1) {
			log_warnx("%s: state file: %s", c->name, err);
			/* Records that follow are dropped; COMMIT fails. */
			p->w.fd = -1;
		}
		p->writing = 1;
		break;
	case IMSG_STATE_REC:
		n = len / SF_REC_SIZE;
		if (!p->writing || len % SF_REC_SIZE != 0 || n == 0 ||
		    n > STATE_MAX_RECS || p->w.count + n > pstate_limit(c)) {
			priv_child_fatal(c, "malformed state records");
			break;
		}
		for (i = 0; i < n; i++)
			if (sf_rec_decode((const uint8_t *)imsg->data +
			    i * SF_REC_SIZE, &rec) == -1)
				break;
		if (i < n) {
			priv_child_fatal(c, "state record with a bad checksum");
			break;
		}
		if (p->w.fd != -1 && sf_write_recs(&p->w, imsg->data, n, err,
		    sizeof(err)) == -1) {
			log_warnx("%s: state file: %s", c->name, err);
			p->w.fd = -1;
		}
		/* Counted also when dropped: the bound holds either way. */
		if (p->w.fd == -1)
			p->w.count += (uint32_t)n;
		break;
	case IMSG_STATE_FLUSHED:
		if (len != 0) {
			priv_child_fatal(c, "malformed state message");
			break;
		}
		priv_child_flushed(c);
		break;
	case IMSG_STATE_COMMIT:
		if (len != sizeof(sg) || !p->writing) {
			priv_child_fatal(c, "malformed state commit");
			break;
		}
		memcpy(&sg, imsg->data, sizeof(sg));
		p->writing = 0;
		if (sg.gen != p->gen || sg.count != p->w.count) {
			sf_write_abort(&p->w);
			priv_child_fatal(c, "state commit does not match its "
			    "records");
			break;
		}
		if (p->w.fd == -1) {
			pstate_done(c, sg.gen, EIO);
			break;
		}
		if (sf_write_commit(&p->w, (int64_t)time(NULL), err,
		    sizeof(err)) == -1) {
			log_warnx("%s: state file: %s", c->name, err);
			pstate_done(c, sg.gen, EIO);
			break;
		}
		log_debug("%s: state file %s: %u binding(s)", c->name,
		    p->w.path, sg.count);
		pstate_done(c, sg.gen, 0);
		break;
	default:
		priv_child_fatal(c, "unexpected state message");
		break;
	}
	return 1;
}
