/*
 * The messages the processes exchange: one enum of types and every
 * payload struct.  Parent <-> role messages travel on the socketpair at
 * fd 3 of each role; control messages on the role's control socket
 * (mip6ctl <-> role).  Both use imsg framing (imsg.h).
 *
 * Payloads are fixed-size structs; the receiver checks the exact length
 * (proto_check_len) before it looks inside, and that strings are
 * NUL-terminated.
 */
#ifndef MIP6_PROTO_H
#define MIP6_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* The parent's end of the socketpair in every role process. */
#define PROTO_PARENT_FD		3

enum imsg_type {
	IMSG_NONE = 0,

	/*
	 * Configuration, parent -> role, at start and at every reload:
	 * CONF_MAIN, then the lists, then CONF_END (which applies it).
	 */
	IMSG_CONF_MAIN,		/* struct mip6_conf, pointers zeroed */
	IMSG_CONF_HA_LINK,	/* struct conf_ha_link, prefixes follow */
	IMSG_CONF_HA_PREFIX,	/* struct conf_prefix, for the last link */
	IMSG_CONF_HA_MN,	/* struct conf_mn */
	IMSG_CONF_MN_IF,	/* struct conf_mn_if */
	IMSG_CONF_MN_RO_CN,	/* struct in6_addr */
	IMSG_CONF_END,		/* no data */

	/* Start-up, parent -> role. */
	IMSG_CONTROL_FD,	/* fd: the listening control socket */
	IMSG_STARTUP,		/* struct imsg_startup: sandbox and serve */

	/* Role -> parent. */
	IMSG_READY,		/* no data: the role is serving */

	/*
	 * Control protocol (mip6ctl <-> role).  A request carries its
	 * request id in hdr.peerid; every reply carries the same id and the
	 * reply stream ends with IMSG_CTL_END.  Later commands (show
	 * bindings, show bul, stats) add a request type here and a handler
	 * in the role's control table.
	 */
	IMSG_CTL_STATUS,	/* request: no data; reply: struct ctl_status */
	IMSG_CTL_ERROR,		/* reply: struct ctl_error */
	IMSG_CTL_END,		/* reply: no data; ends the stream */

	/* kernel requests: mip6-priv/kernel.c (role -> parent, replies) */
	IMSG_KERNEL_FIRST = 1000,

	/* role engine messages go after the kernel requests */
	IMSG_ENGINE_FIRST = 2000,
};

/* IMSG_STARTUP */
struct imsg_startup {
	uint32_t	 role;		/* enum conf_role */
	uint32_t	 debug;		/* log to stderr */
	uint32_t	 verbose;	/* 0 warnings, 1 info, 2 debug */
	uint32_t	 parent_pid;
};

#define CTL_ROLE_LEN		8
#define CTL_VERSION_LEN		32
#define CTL_PATH_LEN		4096
#define CTL_ERROR_LEN		256

/* IMSG_CTL_STATUS reply */
struct ctl_status {
	char		 role[CTL_ROLE_LEN];	/* "ha", "mn", "sig" */
	uint32_t	 pid;			/* the role process */
	uint32_t	 parent_pid;		/* its mip6-priv */
	int64_t		 started;		/* time(2) at start */
	uint64_t	 uptime;		/* seconds */
	char		 version[CTL_VERSION_LEN];
	char		 config[CTL_PATH_LEN];	/* configuration file */
};

/* IMSG_CTL_ERROR reply */
struct ctl_error {
	char		 msg[CTL_ERROR_LEN];
};

/* 1 when len is exactly the payload size, else 0. */
static inline int
proto_check_len(size_t len, size_t want)
{
	return len == want;
}

/* 1 when the fixed-size string field s holds a NUL. */
static inline int
proto_check_str(const char *s, size_t size)
{
	size_t	 i;

	for (i = 0; i < size; i++)
		if (s[i] == '\0')
			return 1;
	return 0;
}

#endif
