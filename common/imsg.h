/*
 * imsg: length-prefixed messages over a stream socket, with file
 * descriptor passing (SCM_RIGHTS).  Modelled on OpenBSD's imsg API:
 * compose queues a message, flush/write send the queue, read fills the
 * input buffer, get takes one complete message out of it.
 *
 * Wire format: a fixed header (struct imsg_hdr, host byte order; both ends
 * are on one machine) followed by hdr.len - IMSG_HEADER_SIZE bytes of data.
 */
#ifndef MIP6_IMSG_H
#define MIP6_IMSG_H

#include <sys/types.h>
#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

/* Largest message, header included; a larger one is a protocol error. */
#define MAX_IMSGSIZE		16384
/* Descriptors received but not yet claimed by imsg_get. */
#define IMSG_MAX_PENDING_FDS	16

#define IMSGF_HASFD		0x0001	/* a descriptor travels with it */

struct imsg_hdr {
	uint32_t	 type;
	uint16_t	 len;		/* header included */
	uint16_t	 flags;
	uint32_t	 peerid;	/* request id, or who it concerns */
	uint32_t	 pid;		/* sender */
};

#define IMSG_HEADER_SIZE	sizeof(struct imsg_hdr)
#define IMSG_MAX_DATA		(MAX_IMSGSIZE - IMSG_HEADER_SIZE)

/* One composed message waiting to be written. */
struct imsg_wbuf {
	TAILQ_ENTRY(imsg_wbuf) entry;
	size_t		 len;
	size_t		 off;		/* bytes already written */
	int		 fd;		/* -1, or sent with the first byte */
	uint8_t		 buf[];
};

struct imsgbuf {
	int		 fd;
	pid_t		 pid;
	/* input: bytes read but not yet taken by imsg_get */
	uint8_t		 rbuf[2 * MAX_IMSGSIZE];
	size_t		 rlen;
	int		 rfds[IMSG_MAX_PENDING_FDS];
	size_t		 nrfds;
	/* output */
	TAILQ_HEAD(, imsg_wbuf) wq;
	size_t		 wqlen;		/* messages queued */
	char		 err[128];	/* why the last call failed */
};

struct imsg {
	struct imsg_hdr	 hdr;
	int		 fd;		/* -1 unless IMSGF_HASFD; set to -1 to keep it */
	void		*data;		/* NULL when datalen is 0 */
	size_t		 datalen;
};

void	 imsg_init(struct imsgbuf *, int fd);
/* Close received descriptors not yet claimed and drop the output queue. */
void	 imsg_clear(struct imsgbuf *);

/*
 * Queue one message.  fd (or -1) is handed over: it is closed once sent,
 * or on failure.  Returns 0, or -1 with errno EMSGSIZE when datalen
 * exceeds IMSG_MAX_DATA (ENOMEM when out of memory).
 */
int	 imsg_compose(struct imsgbuf *, uint32_t type, uint32_t peerid,
	    pid_t pid, int fd, const void *data, size_t datalen);

/*
 * One sendmsg of what is queued.  Returns 1 when data is still queued,
 * 0 when the queue is empty, -1 on error (EAGAIN is not an error: 1).
 */
int	 imsg_write(struct imsgbuf *);
/* Write until the queue is empty, waiting on a non-blocking socket. */
int	 imsg_flush(struct imsgbuf *);
size_t	 imsg_queued(const struct imsgbuf *);

/*
 * One recvmsg into the input buffer.  Returns the bytes read (> 0), 0 at
 * end of stream with no partial message pending, or -1: errno EAGAIN when
 * nothing is there, EPROTO when the stream ended in the middle of a
 * message (truncated), EMSGSIZE when too many descriptors arrived, or the
 * socket error.
 */
ssize_t	 imsg_read(struct imsgbuf *);

/*
 * Take one complete message.  Returns its total size (> 0), 0 when no
 * complete message is buffered yet, or -1 with errno EBADMSG when the
 * header is invalid (length below the header size or above MAX_IMSGSIZE,
 * or a descriptor announced but not received).  The stream cannot be
 * resynchronised after -1: close it.  Free the message with imsg_free,
 * which also closes imsg.fd unless the caller took it (set it to -1).
 */
ssize_t	 imsg_get(struct imsgbuf *, struct imsg *);
void	 imsg_free(struct imsg *);

/* Human-readable reason for the last -1 return on this buffer. */
const char *imsg_strerror(const struct imsgbuf *);

#endif
