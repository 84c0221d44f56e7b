/*
 * Receive and send on the raw Mobility Header socket: see mhsock.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <errno.h>
#include <string.h>

#include "mh.h"
#include "mhsock.h"

#define MHSOCK_CMSG_SPACE	512
#define MHSOCK_RH2_LEN		24

int
mh_sock_setup(int fd)
{
	int	 on = 1;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVRTHDR, &on,
	    sizeof(on)) == -1)
		return -1;
	return 0;
}

/* What recvmsg gave: the length, or -1 (EMSGSIZE); the options into rx. */
static ssize_t
mh_sock_parse(struct msghdr *msg, const struct sockaddr_in6 *from, ssize_t n,
    struct mh_rx *rx)
{
	struct cmsghdr		*cm;
	struct in6_pktinfo	 pi;
	struct in6_addr		 opt;
	enum mh_err		 e;

	memset(rx, 0, sizeof(*rx));
	rx->hoplimit = -1;
	if (msg->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		errno = EMSGSIZE;
		return -1;
	}
	rx->src = from->sin6_addr;
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		size_t dlen = cm->cmsg_len - CMSG_LEN(0);

		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SO_RXQ_OVFL && dlen >= sizeof(uint32_t)) {
			memcpy(&rx->drops, CMSG_DATA(cm), sizeof(uint32_t));
			rx->has_drops = 1;
			continue;
		}
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		switch (cm->cmsg_type) {
		case IPV6_PKTINFO:
			if (dlen < sizeof(pi))
				break;
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			rx->dst = pi.ipi6_addr;
			rx->ifindex = pi.ipi6_ifindex;
			rx->has_dst = 1;
			break;
		case IPV6_HOPLIMIT:
			if (dlen >= sizeof(int))
				memcpy(&rx->hoplimit, CMSG_DATA(cm),
				    sizeof(int));
			break;
		case IPV6_DSTOPTS:
			e = mh_hao_parse(CMSG_DATA(cm), dlen, &opt);
			if (e == MH_OK && !rx->has_hao) {
				/* The kernel swapped: the option holds the
				 * care-of address, the source the home one. */
				rx->has_hao = 1;
				rx->hoa = from->sin6_addr;
				rx->src = opt;
			} else if (e != MH_ERR_NOHAO)
				rx->bad_exthdr = 1;
			break;
		case IPV6_RTHDR:
			if (mh_rh2_parse(CMSG_DATA(cm), dlen, &opt) == MH_OK) {
				rx->has_rh2 = 1;
				rx->rh2 = opt;
			}
			break;
		}
	}
	return n;
}

ssize_t
mh_sock_recv(int fd, uint8_t *buf, size_t size, struct mh_rx *rx)
{
	struct sockaddr_in6	 from;
	struct iovec		 iov;
	struct msghdr		 msg;
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[MHSOCK_CMSG_SPACE];
	}			 cbuf;
	ssize_t			 n;

	memset(rx, 0, sizeof(*rx));
	rx->hoplimit = -1;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = size;
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if ((n = recvmsg(fd, &msg, 0)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return -1;
	}
	return mh_sock_parse(&msg, &from, n, rx);
}

int
mh_sock_recvm(int fd, uint8_t *buf, size_t size, struct mh_rx *rx,
    ssize_t *len, int n)
{
	struct mmsghdr		 mm[MH_SOCK_BATCH];
	struct iovec		 iov[MH_SOCK_BATCH];
	struct sockaddr_in6	 from[MH_SOCK_BATCH];
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[MHSOCK_CMSG_SPACE];
	}			 cbuf[MH_SOCK_BATCH];
	int			 i, k;

	if (n > MH_SOCK_BATCH)
		n = MH_SOCK_BATCH;
	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		memset(&mm[i], 0, sizeof(mm[i]));
		iov[i].iov_base = buf + (size_t)i * size;
		iov[i].iov_len = size;
		mm[i].msg_hdr.msg_name = &from[i];
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = cbuf[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(cbuf[i].buf);
	}
	if ((k = recvmmsg(fd, mm, (unsigned int)n, MSG_DONTWAIT, NULL)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return -1;
	}
	for (i = 0; i < k; i++)
		len[i] = mh_sock_parse(&mm[i].msg_hdr, &from[i],
		    (ssize_t)mm[i].msg_len, &rx[i]);
	return k;
}

int
mh_sock_send(int fd, const uint8_t *buf, size_t len,
    const struct in6_addr *src, const struct in6_addr *dst,
    const struct in6_addr *via, unsigned int ifindex)
{
	struct sockaddr_in6	 to;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	struct in6_pktinfo	 pi;
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(MHSOCK_RH2_LEN)];
	}			 cbuf;
	uint8_t			 rh[MHSOCK_RH2_LEN];
	size_t			 rhlen;

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	to.sin6_addr = *dst;
	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	msg.msg_name = &to;
	msg.msg_namelen = sizeof(to);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(pi));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	if (src != NULL)
		pi.ipi6_addr = *src;
	pi.ipi6_ifindex = ifindex;
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	if (via != NULL) {
		/* The header lists the hop (the care-of address); the kernel
		 * puts it in the destination and dst into the header. */
		if (mh_rh2_build(IPPROTO_MH, via, rh, sizeof(rh), &rhlen) !=
		    MH_OK) {
			errno = EINVAL;
			return -1;
		}
		msg.msg_controllen += CMSG_SPACE(rhlen);
		cm = CMSG_NXTHDR(&msg, cm);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_RTHDR;
		cm->cmsg_len = CMSG_LEN(rhlen);
		memcpy(CMSG_DATA(cm), rh, rhlen);
	}
	if (sendmsg(fd, &msg, 0) == -1)
		return -1;
	return 0;
}
