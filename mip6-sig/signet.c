/*
 * The correspondent's raw Mobility Header socket (mip6-priv opened it;
 * common/mhsock.c reads and writes it), watched by the event loop.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <event2/event.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cnctr.h"
#include "log.h"
#include "mh.h"
#include "mhsock.h"
#include "role.h"
#include "sig.h"

/* Packets read per readiness event before the loop looks elsewhere. */
#define SIGNET_BURST	64

static void	 signet_read(evutil_socket_t, short, void *);

static struct event	*ev_mh;
static int		 mh_fd = -1;

void
signet_init(int fd)
{
	if (mh_sock_setup(fd) == -1)
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
	struct mh_rx		 rx;
	struct sig_pkt		 pkt;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < SIGNET_BURST; i++) {
		if ((n = mh_sock_recv(fd, buf, sizeof(buf), &rx)) == 0)
			return;
		if (n == -1) {
			if (errno == EMSGSIZE) {
				/* Longer than any Mobility Header. */
				cn_ctr_rx_err(&sig_env->ctr, MH_ERR_HDRLEN);
				continue;
			}
			log_warn("%s: recvmsg", __func__);
			return;
		}
		if (!rx.has_dst) {
			cn_ctr_misc(&sig_env->ctr, CN_CTR_RX_IGNORED);
			continue;
		}
		/* sig.c works in the kernel's terms (after the HAO swap). */
		memset(&pkt, 0, sizeof(pkt));
		pkt.dst = rx.dst;
		pkt.ifindex = rx.ifindex;
		if (rx.has_hao) {
			pkt.src = rx.hoa;
			pkt.hao = rx.src;
			pkt.has_hao = 1;
		} else
			pkt.src = rx.src;
		sig_input(buf, (size_t)n, &pkt);
	}
}

int
signet_send(const struct in6_addr *src, const struct in6_addr *dst,
    const struct in6_addr *via, const uint8_t *buf, size_t len)
{
	char			 a[ADDR_STRLEN];

	if (mh_sock_send(mh_fd, buf, len, src, dst, via, 0) == -1) {
		log_warn("%s: to %s", __func__, addr_ntop(via ? via : dst, a,
		    sizeof(a)));
		cn_ctr_misc(&sig_env->ctr, CN_CTR_TX_FAILED);
		return -1;
	}
	return 0;
}
