/*
 * mip6-priv: the privileged parent.  What its other files (kernel.c,
 * xfrm.c, check.c) share with priv.c: the children and the configuration.
 */
#ifndef MIP6_PRIV_H
#define MIP6_PRIV_H

#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "imsg.h"

/* Seconds the children get to exit after their socket closes. */
#define PRIV_STOP_TIMEOUT	5
/* A clean stop waits this long for the roles' last state file writes. */
#define PRIV_FLUSH_TIMEOUT	3

struct event;

struct priv_child {
	enum conf_role	 role;
	const char	*name;		/* "ha", "mn", "sig" */
	char		 path[4096];	/* the role binary */
	pid_t		 pid;		/* 0 when not running */
	struct imsgbuf	*ibuf;		/* NULL when the channel is closed */
	struct event	*ev_r, *ev_w, *ev_restart;
	int		 ctl_fd;	/* listening control socket, kept */
	char		 ctl_path[512];
	int		 ready;
	struct timespec	 started;	/* CLOCK_MONOTONIC */
	uint32_t	 backoff;	/* seconds before the next restart */
	int		 flushing;	/* stop: IMSG_STATE_FLUSH sent */
};

const struct mip6_conf	*priv_conf(void);
/* NULL when the role is not run by this parent. */
struct priv_child	*priv_child(enum conf_role);
/* Queue a message to a child; -1 when its channel is closed. */
int	 priv_compose_child(struct priv_child *, uint32_t type,
	    uint32_t peerid, int fd, const void *, size_t);
/* A malformed message: log it and close the child's channel (it exits). */
void	 priv_child_fatal(struct priv_child *, const char *reason);
/* The role answered IMSG_STATE_FLUSH: its state file is up to date. */
void	 priv_child_flushed(struct priv_child *);

#endif
