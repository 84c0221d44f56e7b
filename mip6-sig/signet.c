/*
 * The raw Mobility Header socket mip6-priv opened for us (IPPROTO_MH, the
 * kernel fills and checks the checksum).  Receive: the destination from
 * IPV6_PKTINFO, the Home Address option from IPV6_DSTOPTS.  With the
 * Linux mip6 module the kernel has already swapped the option with the
 * source when we see the packet: the source is the home address, the
 * option holds the care-of address.  Send: IPV6_PKTINFO for the source,
 * IPV6_RTHDR for a type 2 routing header (no privilege needed).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
#include <event2/event.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cnctr.h"
#include "log.h"
#include "mh.h"
#include "role.h"
#include "sig.h"

/* Packets read per readiness event before the loop looks elsewhere. */
#define SIGNET_BURST	64
#define SIGNET_EXTHDR	24	/* a HAO destination options header, an RH2 */

static void	 signet_read(evutil_socket_t, short, void *);

static struct event	*ev_mh;
static int		 mh_fd = -1;

void
signet_init(int fd)
{
	int	 on = 1;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS, &on,
	    sizeof(on)) == -1)
		fatal("%s: setsockopt", __func__);
	mh_fd = fd;
	if ((ev_mh = event_new(role_base(), fd, EV_READ | EV_PERSIST,
	    signet_read, NULL)) == NULL || event_add(ev_mh, NULL) == -1)
		fatalx("%s: cannot watch the Mobility Header socket",
		    __func__);
}

void
signet_close(void)
{
	if (ev_mh != NULL) {
		event_free(ev_mh);
		ev_mh = NULL;
	}
	if (mh_fd != -1) {
		close(mh_fd);
		mh_fd = -1;
	}
}

static void
signet_read(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t			 buf[MH_MAX_LEN];
	union {
		struct cmsghdr	 hdr;
		uint8_t		 b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(256)];
	}			 cbuf;
	struct sockaddr_in6	 from;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	struct in6_pktinfo	*pi;
	struct sig_pkt		 pkt;
	ssize_t			 n;
	int			 i, have_dst;

	for (i = 0; i < SIGNET_BURST; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.b;
		msg.msg_controllen = sizeof(cbuf.b);
		if ((n = recvmsg(fd, &msg, 0)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("%s: recvmsg", __func__);
			return;
		}
		if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			continue;
		memset(&pkt, 0, sizeof(pkt));
		pkt.src = from.sin6_addr;
		have_dst = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != IPPROTO_IPV6)
				continue;
			if (cm->cmsg_type == IPV6_PKTINFO &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(*pi))) {
				pi = (struct in6_pktinfo *)CMSG_DATA(cm);
				pkt.dst = pi->ipi6_addr;
				pkt.ifindex = pi->ipi6_ifindex;
				have_dst = 1;
			} else if (cm->cmsg_type == IPV6_DSTOPTS &&
			    mh_hao_parse(CMSG_DATA(cm), cm->cmsg_len -
			    CMSG_LEN(0), &pkt.hao) == MH_OK)
				pkt.has_hao = 1;
		}
		if (!have_dst)
			continue;
		sig_input(buf, (size_t)n, &pkt);
	}
}

int
signet_send(const struct in6_addr *src, const struct in6_addr *dst,
    const struct in6_addr *via, const uint8_t *buf, size_t len)
{
	union {
		struct cmsghdr	 hdr;
		uint8_t		 b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(SIGNET_EXTHDR)];
	}			 cbuf;
	struct sockaddr_in6	 to;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	struct in6_pktinfo	 pi;
	size_t			 rhlen, clen;
	char			 a[ADDR_STRLEN];

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	to.sin6_addr = *dst;
	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = *src;
	memset(&cbuf, 0, sizeof(cbuf));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	msg.msg_name = &to;
	msg.msg_namelen = sizeof(to);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.b;
	cm = &cbuf.hdr;
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	clen = CMSG_SPACE(sizeof(pi));
	if (via != NULL) {
		/*
		 * Linux: the routing header lists the hops before the final
		 * destination (msg_name); it sends to the first one and puts
		 * the destination in the header.  So: to the home address,
		 * through the care-of address.
		 */
		cm = (struct cmsghdr *)(cbuf.b + clen);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_RTHDR;
		if (mh_rh2_build(IPPROTO_MH, via, CMSG_DATA(cm),
		    SIGNET_EXTHDR, &rhlen) != MH_OK)
			return -1;
		cm->cmsg_len = CMSG_LEN(rhlen);
		clen += CMSG_SPACE(rhlen);
	}
	msg.msg_controllen = clen;
	if (sendmsg(mh_fd, &msg, 0) == -1) {
		log_warn("%s: to %s", __func__, addr_ntop(via ? via : dst, a,
		    sizeof(a)));
		cn_ctr_misc(&sig_env->ctr, CN_CTR_TX_FAILED);
		return -1;
	}
	return 0;
}
