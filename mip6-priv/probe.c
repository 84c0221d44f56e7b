/*
 * Probe the kernel for what the configured roles need, by doing it: open
 * an XFRM socket, add and remove a throwaway state or device.  The
 * kernel loads modules on demand, so a present module is found even when
 * not loaded yet.
 */
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "log.h"
#include "kernel.h"
#include "xfrm.h"
#include "rtcheck.h"
#include "probe.h"

#define PROBE_TNL	KR_LINK_PREFIX "probe0"

static int	 probe_sync_cb_err;

static void
probe_sync_cb(void *arg, int error)
{
	probe_sync_cb_err = error;
}

static int
probe_xfrm_user(void)
{
	int	 fd;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_XFRM)) == -1)
		return errno;
	close(fd);
	return 0;
}

static int
probe_ip6_tunnel(void)
{
	int	 err;

	if (kr_init() == -1)
		return errno;
	probe_sync_cb_err = 0;
	kr_link_tnl_p2p(1, PROBE_TNL, &in6addr_loopback, &in6addr_loopback, 0,
	    probe_sync_cb, NULL);
	kr_wait();
	err = probe_sync_cb_err;
	if (err == 0) {
		kr_link_tnl_p2p(0, PROBE_TNL, NULL, NULL, 0, NULL, NULL);
		kr_wait();
	}
	return err;
}

/* Errors that mean "not in this kernel" rather than "refused". */
static int
probe_missing(int err)
{
	return err == EPROTONOSUPPORT || err == EOPNOTSUPP ||
	    err == EAFNOSUPPORT || err == ENOSYS;
}

int
kr_probe(int mask, char *err, size_t errlen)
{
	int	 e;

	if ((e = probe_xfrm_user()) != 0) {
		snprintf(err, errlen, "kernel lacks the XFRM netlink interface "
		    "(CONFIG_XFRM_USER): %s", strerror(e));
		return -1;
	}
	if ((e = xfrm_probe_mip6()) != 0) {
		if (probe_missing(e) || e == EINVAL)
			snprintf(err, errlen, "kernel lacks Mobile IPv6 "
			    "(CONFIG_IPV6_MIP6)");
		else
			snprintf(err, errlen, "cannot probe Mobile IPv6 "
			    "support: %s", strerror(e));
		return -1;
	}
	if (mask & (PROBE_HA | PROBE_MN)) {
		e = probe_ip6_tunnel();
		/* ip6tnl unknown: "Unknown device type" is EOPNOTSUPP. */
		if (e != 0) {
			if (probe_missing(e))
				snprintf(err, errlen, "kernel lacks IPv6-in-IPv6 "
				    "tunnels (CONFIG_IPV6_TUNNEL)");
			else
				snprintf(err, errlen, "cannot probe ip6tnl: %s",
				    strerror(e));
			return -1;
		}
	}
	if (mask & PROBE_IPSEC) {
		e = xfrm_probe_esp();
		/* Only a missing ESP type counts; algorithms are checked later. */
		if (e == EPROTONOSUPPORT) {
			snprintf(err, errlen, "kernel lacks IPv6 ESP "
			    "(CONFIG_INET6_ESP)");
			return -1;
		}
	}
	if (mask & PROBE_HA) {
		if ((e = rtcheck_probe()) != 0) {
			snprintf(err, errlen, "kernel lacks the BPF classifier "
			    "for the reverse-tunnel check (CONFIG_BPF_SYSCALL, "
			    "CONFIG_NET_CLS_BPF): %s", strerror(e));
			return -1;
		}
	}
	return 0;
}
