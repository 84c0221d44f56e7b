/* imsg framing: see imsg.h. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

/* sendmsg gathers at most this many queued messages in one call (a
 * mass deregistration queues thousands of kernel requests and replies:
 * 16 a call made it one system call for every 16). */
#define IMSG_WRITE_IOV	128

static void	 imsg_seterr(struct imsgbuf *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
imsg_seterr(struct imsgbuf *ibuf, int error, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(ibuf->err, sizeof(ibuf->err), fmt, ap);
	va_end(ap);
	errno = error;
}

void
imsg_init(struct imsgbuf *ibuf, int fd)
{
	memset(ibuf, 0, sizeof(*ibuf));
	ibuf->fd = fd;
	ibuf->pid = getpid();
	TAILQ_INIT(&ibuf->wq);
}

void
imsg_clear(struct imsgbuf *ibuf)
{
	struct imsg_wbuf	*wb;
	size_t			 i;

	while ((wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		TAILQ_REMOVE(&ibuf->wq, wb, entry);
		if (wb->fd != -1)
			close(wb->fd);
		free(wb);
	}
	ibuf->wqlen = 0;
	for (i = 0; i < ibuf->nrfds; i++)
		close(ibuf->rfds[i]);
	ibuf->nrfds = 0;
	ibuf->rlen = 0;
}

int
imsg_compose(struct imsgbuf *ibuf, uint32_t type, uint32_t peerid, pid_t pid,
    int fd, const void *data, size_t datalen)
{
	struct imsg_wbuf	*wb;
	struct imsg_hdr		 hdr;

	if (datalen > IMSG_MAX_DATA) {
		imsg_seterr(ibuf, EMSGSIZE, "message type %u: %zu bytes of data "
		    "exceed the maximum of %zu", type, datalen,
		    (size_t)IMSG_MAX_DATA);
		goto fail;
	}
	if (datalen > 0 && data == NULL) {
		imsg_seterr(ibuf, EINVAL, "message type %u: no data", type);
		goto fail;
	}
	if ((wb = malloc(sizeof(*wb) + IMSG_HEADER_SIZE + datalen)) == NULL) {
		imsg_seterr(ibuf, ENOMEM, "out of memory");
		goto fail;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = (uint16_t)(IMSG_HEADER_SIZE + datalen);
	hdr.flags = fd != -1 ? IMSGF_HASFD : 0;
	hdr.peerid = peerid;
	hdr.pid = pid != 0 ? (uint32_t)pid : (uint32_t)ibuf->pid;
	memcpy(wb->buf, &hdr, sizeof(hdr));
	if (datalen > 0)
		memcpy(wb->buf + IMSG_HEADER_SIZE, data, datalen);
	wb->len = IMSG_HEADER_SIZE + datalen;
	wb->off = 0;
	wb->fd = fd;
	TAILQ_INSERT_TAIL(&ibuf->wq, wb, entry);
	ibuf->wqlen++;
	return 0;

fail:
	if (fd != -1) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return -1;
}

size_t
imsg_queued(const struct imsgbuf *ibuf)
{
	return ibuf->wqlen;
}

int
imsg_write(struct imsgbuf *ibuf)
{
	struct iovec		 iov[IMSG_WRITE_IOV];
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct msghdr		 msg;
	struct cmsghdr		*cmsg;
	struct imsg_wbuf	*wb, *first;
	ssize_t			 n;
	size_t			 niov = 0;
	int			 fd = -1;

	if ((first = TAILQ_FIRST(&ibuf->wq)) == NULL)
		return 0;
	/* A descriptor travels with the first byte of its message only. */
	if (first->fd != -1 && first->off == 0)
		fd = first->fd;
	TAILQ_FOREACH(wb, &ibuf->wq, entry) {
		if (niov == IMSG_WRITE_IOV)
			break;
		if (wb != first && wb->fd != -1)
			break;
		iov[niov].iov_base = wb->buf + wb->off;
		iov[niov].iov_len = wb->len - wb->off;
		niov++;
	}
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = niov;
	if (fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(ibuf->fd, &msg, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return 1;
		imsg_seterr(ibuf, errno, "sendmsg: %s", strerror(errno));
		return -1;
	}
	if (fd != -1) {
		close(first->fd);
		first->fd = -1;
	}
	/* Partial writes: advance through the queue by what went out. */
	while (n > 0 && (wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		size_t left = wb->len - wb->off;

		if ((size_t)n < left) {
			wb->off += (size_t)n;
			break;
		}
		n -= (ssize_t)left;
		TAILQ_REMOVE(&ibuf->wq, wb, entry);
		ibuf->wqlen--;
		free(wb);
	}
	return TAILQ_EMPTY(&ibuf->wq) ? 0 : 1;
}

int
imsg_flush(struct imsgbuf *ibuf)
{
	struct pollfd	 pfd;
	int		 r;

	while ((r = imsg_write(ibuf)) == 1) {
		pfd.fd = ibuf->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR) {
			imsg_seterr(ibuf, errno, "poll: %s", strerror(errno));
			return -1;
		}
	}
	return r;
}

ssize_t
imsg_read(struct imsgbuf *ibuf)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) *
				    IMSG_MAX_PENDING_FDS)];
	} cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	size_t		 i, nfds;
	int		 fds[IMSG_MAX_PENDING_FDS];
	int		 overflow = 0;

	if (ibuf->rlen == sizeof(ibuf->rbuf)) {
		imsg_seterr(ibuf, ENOBUFS, "input buffer full: "
		    "call imsg_get first");
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = ibuf->rbuf + ibuf->rlen;
	iov.iov_len = sizeof(ibuf->rbuf) - ibuf->rlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);
	do {
		n = recvmsg(ibuf->fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			imsg_seterr(ibuf, errno, "no data");
		else
			imsg_seterr(ibuf, errno, "recvmsg: %s",
			    strerror(errno));
		return -1;
	}
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (nfds > IMSG_MAX_PENDING_FDS)
			nfds = IMSG_MAX_PENDING_FDS;
		memcpy(fds, CMSG_DATA(cmsg), nfds * sizeof(int));
		for (i = 0; i < nfds; i++) {
			if (ibuf->nrfds < IMSG_MAX_PENDING_FDS)
				ibuf->rfds[ibuf->nrfds++] = fds[i];
			else {
				close(fds[i]);
				overflow = 1;
			}
		}
	}
	if (overflow || (msg.msg_flags & MSG_CTRUNC)) {
		imsg_seterr(ibuf, EMSGSIZE, "more than %d descriptors pending",
		    IMSG_MAX_PENDING_FDS);
		return -1;
	}
	if (n == 0 && ibuf->rlen > 0) {
		imsg_seterr(ibuf, EPROTO, "stream ended inside a message "
		    "(%zu bytes pending)", ibuf->rlen);
		return -1;
	}
	ibuf->rlen += (size_t)n;
	return n;
}

ssize_t
imsg_get(struct imsgbuf *ibuf, struct imsg *imsg)
{
	struct imsg_hdr	 hdr;
	size_t		 datalen;

	memset(imsg, 0, sizeof(*imsg));
	imsg->fd = -1;
	if (ibuf->rlen < IMSG_HEADER_SIZE)
		return 0;
	memcpy(&hdr, ibuf->rbuf, sizeof(hdr));
	if (hdr.len < IMSG_HEADER_SIZE || hdr.len > MAX_IMSGSIZE) {
		imsg_seterr(ibuf, EBADMSG, "message type %u: bad length %u "
		    "(must be %zu..%d)", hdr.type, hdr.len,
		    (size_t)IMSG_HEADER_SIZE, MAX_IMSGSIZE);
		return -1;
	}
	if (hdr.flags & ~IMSGF_HASFD) {
		imsg_seterr(ibuf, EBADMSG, "message type %u: unknown flags "
		    "0x%x", hdr.type, hdr.flags);
		return -1;
	}
	if (ibuf->rlen < hdr.len)
		return 0;
	if (hdr.flags & IMSGF_HASFD) {
		if (ibuf->nrfds == 0) {
			imsg_seterr(ibuf, EBADMSG, "message type %u: "
			    "descriptor announced but none received",
			    hdr.type);
			return -1;
		}
		imsg->fd = ibuf->rfds[0];
		ibuf->nrfds--;
		memmove(ibuf->rfds, ibuf->rfds + 1,
		    ibuf->nrfds * sizeof(int));
	}
	datalen = hdr.len - IMSG_HEADER_SIZE;
	if (datalen > 0) {
		if ((imsg->data = malloc(datalen)) == NULL) {
			if (imsg->fd != -1)
				close(imsg->fd);
			imsg->fd = -1;
			imsg_seterr(ibuf, ENOMEM, "out of memory");
			return -1;
		}
		memcpy(imsg->data, ibuf->rbuf + IMSG_HEADER_SIZE, datalen);
	}
	imsg->hdr = hdr;
	imsg->datalen = datalen;
	ibuf->rlen -= hdr.len;
	memmove(ibuf->rbuf, ibuf->rbuf + hdr.len, ibuf->rlen);
	return hdr.len;
}

void
imsg_free(struct imsg *imsg)
{
	free(imsg->data);
	imsg->data = NULL;
	imsg->datalen = 0;
	if (imsg->fd != -1)
		close(imsg->fd);
	imsg->fd = -1;
}

const char *
imsg_strerror(const struct imsgbuf *ibuf)
{
	return ibuf->err[0] != '\0' ? ibuf->err : "no error";
}
