/*
 * imsg framing unit tests.  Usage: test_imsg [CASE]; with no CASE every
 * case runs.  Prints one line per case; exits non-zero when one fails.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

#define NMSG	5

static int	 failed;

static void	 fail(const char *, ...) __attribute__((format(printf, 1, 2)));
static void	 spair(int sv[2]);
static void	 nonblock(int);
static size_t	 msg_size(int);
static void	 msg_fill(uint8_t *, size_t, int);
static size_t	 build_stream(uint8_t *, size_t);
static int	 drain(struct imsgbuf *, int *next);
static int	 t_roundtrip(void);
static int	 t_split_every_offset(void);
static int	 t_byte_by_byte(void);
static int	 t_oversize_compose(void);
static int	 t_oversize_received(void);
static int	 t_undersize_received(void);
static int	 t_truncated(void);
static int	 t_fd_passing(void);
static int	 t_fd_missing(void);
static int	 t_partial_writes(void);

static void
fail(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	failed = 1;
}

static void
spair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		perror("socketpair");
		exit(2);
	}
}

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Message i of the test stream: sizes from empty to the maximum. */
static size_t
msg_size(int i)
{
	static const size_t sizes[NMSG] = { 0, 1, 7, 300, IMSG_MAX_DATA };

	return sizes[i];
}

static void
msg_fill(uint8_t *p, size_t len, int i)
{
	size_t	 j;

	for (j = 0; j < len; j++)
		p[j] = (uint8_t)(i * 31 + j);
}

/* Compose the test messages and capture the bytes they become. */
static size_t
build_stream(uint8_t *out, size_t outlen)
{
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	uint8_t		 data[IMSG_MAX_DATA];
	size_t		 total = 0;
	ssize_t		 n;
	int		 sv[2], i;

	spair(sv);
	imsg_init(ib, sv[0]);
	for (i = 0; i < NMSG; i++) {
		msg_fill(data, msg_size(i), i);
		if (imsg_compose(ib, 100 + i, 1000 + i, 42, -1, data,
		    msg_size(i)) == -1)
			fail("compose %d: %s", i, imsg_strerror(ib));
	}
	if (imsg_flush(ib) == -1)
		fail("flush: %s", imsg_strerror(ib));
	close(sv[0]);
	while ((n = read(sv[1], out + total, outlen - total)) > 0)
		total += (size_t)n;
	close(sv[1]);
	free(ib);
	return total;
}

/* Take every complete message; check each against the expected one. */
static int
drain(struct imsgbuf *ib, int *next)
{
	struct imsg	 imsg;
	uint8_t		 want[IMSG_MAX_DATA];
	ssize_t		 n;

	while ((n = imsg_get(ib, &imsg)) != 0) {
		if (n == -1) {
			fail("get: %s", imsg_strerror(ib));
			return -1;
		}
		msg_fill(want, msg_size(*next), *next);
		if (imsg.hdr.type != (uint32_t)(100 + *next) ||
		    imsg.hdr.peerid != (uint32_t)(1000 + *next) ||
		    imsg.hdr.pid != 42 || imsg.datalen != msg_size(*next) ||
		    (imsg.datalen > 0 &&
		    memcmp(imsg.data, want, imsg.datalen) != 0) ||
		    imsg.fd != -1) {
			fail("message %d differs (type %u len %zu)", *next,
			    imsg.hdr.type, imsg.datalen);
			imsg_free(&imsg);
			return -1;
		}
		imsg_free(&imsg);
		(*next)++;
	}
	return 0;
}

static int
t_roundtrip(void)
{
	static uint8_t	 stream[NMSG * MAX_IMSGSIZE];
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	size_t		 len = build_stream(stream, sizeof(stream));
	int		 sv[2], next = 0;

	spair(sv);
	if (write(sv[0], stream, len) != (ssize_t)len)
		fail("write");
	close(sv[0]);
	imsg_init(ib, sv[1]);
	for (;;) {
		ssize_t n = imsg_read(ib);

		if (n == -1) {
			fail("read: %s", imsg_strerror(ib));
			break;
		}
		if (drain(ib, &next) == -1 || n == 0)
			break;
	}
	if (next != NMSG)
		fail("got %d of %d messages", next, NMSG);
	imsg_clear(ib);
	close(sv[1]);
	free(ib);
	return 0;
}

/* Deliver the stream in two writes, split at every byte offset. */
static int
t_split_every_offset(void)
{
	static uint8_t	 stream[NMSG * MAX_IMSGSIZE];
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	size_t		 len = build_stream(stream, sizeof(stream)), k;
	int		 sv[2], next, part;

	for (k = 0; k <= len && !failed; k++) {
		spair(sv);
		nonblock(sv[1]);
		imsg_init(ib, sv[1]);
		next = 0;
		for (part = 0; part < 2; part++) {
			const uint8_t *p = part == 0 ? stream : stream + k;
			size_t plen = part == 0 ? k : len - k;

			if (plen > 0 && write(sv[0], p, plen) != (ssize_t)plen)
				fail("write");
			/* read until the socket is empty, taking messages */
			for (;;) {
				ssize_t n = imsg_read(ib);

				if (n == -1 && errno == EAGAIN)
					break;
				if (n == -1) {
					fail("split at %zu: read: %s", k,
					    imsg_strerror(ib));
					break;
				}
				if (drain(ib, &next) == -1)
					break;
			}
		}
		if (next != NMSG)
			fail("split at %zu: got %d of %d messages", k, next,
			    NMSG);
		close(sv[0]);
		close(sv[1]);
	}
	printf("# split %zu-byte stream at every offset\n", len);
	free(ib);
	return 0;
}

/* Deliver the (small) messages one byte per write and read. */
static int
t_byte_by_byte(void)
{
	static uint8_t	 stream[NMSG * MAX_IMSGSIZE];
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	size_t		 len = build_stream(stream, sizeof(stream)), k;
	int		 sv[2], next = 0;

	spair(sv);
	imsg_init(ib, sv[1]);
	for (k = 0; k < len && !failed; k++) {
		if (write(sv[0], stream + k, 1) != 1)
			fail("write");
		if (imsg_read(ib) != 1)
			fail("byte %zu: read: %s", k, imsg_strerror(ib));
		drain(ib, &next);
	}
	if (next != NMSG)
		fail("got %d of %d messages", next, NMSG);
	close(sv[0]);
	close(sv[1]);
	free(ib);
	return 0;
}

static int
t_oversize_compose(void)
{
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	static uint8_t	 data[MAX_IMSGSIZE + 1];
	int		 sv[2], p[2];

	spair(sv);
	imsg_init(ib, sv[0]);
	if (imsg_compose(ib, 1, 0, 0, -1, data, IMSG_MAX_DATA) != 0)
		fail("largest message refused: %s", imsg_strerror(ib));
	if (imsg_compose(ib, 1, 0, 0, -1, data, IMSG_MAX_DATA + 1) != -1 ||
	    errno != EMSGSIZE)
		fail("oversize message accepted");
	else if (strstr(imsg_strerror(ib), "exceed the maximum") == NULL)
		fail("unclear error: %s", imsg_strerror(ib));
	/* the descriptor handed over with a refused message is closed */
	if (pipe(p) == -1)
		fail("pipe");
	if (imsg_compose(ib, 1, 0, 0, p[1], data, MAX_IMSGSIZE) != -1)
		fail("oversize message with fd accepted");
	if (fcntl(p[1], F_GETFD) != -1 || errno != EBADF)
		fail("fd of a refused message left open");
	if (imsg_queued(ib) != 1)
		fail("queue holds %zu messages, want 1", imsg_queued(ib));
	printf("# %s\n", imsg_strerror(ib));
	imsg_clear(ib);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
	free(ib);
	return 0;
}

static int
raw_header_case(uint16_t len, const char *what)
{
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	struct imsg_hdr	 hdr;
	struct imsg	 imsg;
	static uint8_t	 buf[2 * MAX_IMSGSIZE];
	int		 sv[2];

	spair(sv);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = 7;
	hdr.len = len;
	memcpy(buf, &hdr, sizeof(hdr));
	if (write(sv[0], buf, sizeof(hdr) + 64) < 0)
		fail("write");
	imsg_init(ib, sv[1]);
	if (imsg_read(ib) <= 0)
		fail("read: %s", imsg_strerror(ib));
	if (imsg_get(ib, &imsg) != -1 || errno != EBADMSG)
		fail("%s header (len %u) accepted", what, len);
	else if (strstr(imsg_strerror(ib), "bad length") == NULL)
		fail("unclear error: %s", imsg_strerror(ib));
	printf("# %s: %s\n", what, imsg_strerror(ib));
	/* still an error, not a crash, when asked again */
	if (imsg_get(ib, &imsg) != -1)
		fail("second get accepted the bad header");
	close(sv[0]);
	close(sv[1]);
	free(ib);
	return 0;
}

static int
t_oversize_received(void)
{
	raw_header_case(MAX_IMSGSIZE + 1, "oversize");
	return raw_header_case(UINT16_MAX, "oversize");
}

static int
t_undersize_received(void)
{
	raw_header_case(0, "undersize");
	return raw_header_case(IMSG_HEADER_SIZE - 1, "undersize");
}

/* The writer goes away in the middle of a message. */
static int
t_truncated(void)
{
	static uint8_t	 stream[NMSG * MAX_IMSGSIZE];
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	size_t		 len = build_stream(stream, sizeof(stream));
	size_t		 cut;
	int		 sv[2], next;
	ssize_t		 n;

	/* cut inside the header of message 1, then inside its data */
	for (cut = 3; cut < len; cut += len / 7) {
		spair(sv);
		if (write(sv[0], stream, cut) != (ssize_t)cut)
			fail("write");
		close(sv[0]);
		imsg_init(ib, sv[1]);
		next = 0;
		while ((n = imsg_read(ib)) > 0)
			drain(ib, &next);
		if (n == 0)
			fail("cut at %zu: truncated stream read as a clean end",
			    cut);
		else if (errno != EPROTO ||
		    strstr(imsg_strerror(ib), "inside a message") == NULL)
			fail("cut at %zu: unclear error: %s", cut,
			    imsg_strerror(ib));
		imsg_clear(ib);
		close(sv[1]);
	}
	printf("# %s\n", imsg_strerror(ib));
	free(ib);
	return 0;
}

static int
t_fd_passing(void)
{
	struct imsgbuf	*wb = malloc(sizeof(*wb)), *rb = malloc(sizeof(*rb));
	struct imsg	 imsg;
	char		 c[8];
	int		 sv[2], p1[2], p2[2], got = 0;
	ssize_t		 n;

	spair(sv);
	if (pipe(p1) == -1 || pipe(p2) == -1)
		fail("pipe");
	imsg_init(wb, sv[0]);
	imsg_init(rb, sv[1]);
	imsg_compose(wb, 1, 0, 0, -1, "a", 1);
	imsg_compose(wb, 2, 0, 0, p1[1], "b", 1);
	imsg_compose(wb, 3, 0, 0, p2[1], NULL, 0);
	imsg_compose(wb, 4, 0, 0, -1, "d", 1);
	if (imsg_flush(wb) == -1)
		fail("flush: %s", imsg_strerror(wb));
	/* the sender's copies are closed once sent */
	if (fcntl(p1[1], F_GETFD) != -1)
		fail("sent descriptor still open in the sender");
	close(sv[0]);
	while ((n = imsg_read(rb)) > 0) {
		while (imsg_get(rb, &imsg) > 0) {
			got++;
			if ((imsg.hdr.type == 2 || imsg.hdr.type == 3) !=
			    (imsg.fd != -1))
				fail("message %u: fd %d", imsg.hdr.type,
				    imsg.fd);
			if (imsg.fd != -1) {
				/* the descriptor works: write into the pipe */
				if (write(imsg.fd, "x", 1) != 1)
					fail("write to passed fd");
				if (read(imsg.hdr.type == 2 ? p1[0] : p2[0],
				    c, sizeof(c)) != 1)
					fail("passed fd is not the pipe");
			}
			imsg_free(&imsg);
		}
	}
	if (n == -1)
		fail("read: %s", imsg_strerror(rb));
	if (got != 4)
		fail("got %d of 4 messages", got);
	close(p1[0]);
	close(p2[0]);
	close(sv[1]);
	free(wb);
	free(rb);
	return 0;
}

/* A header that announces a descriptor which never came. */
static int
t_fd_missing(void)
{
	struct imsgbuf	*ib = malloc(sizeof(*ib));
	struct imsg_hdr	 hdr;
	struct imsg	 imsg;
	int		 sv[2];

	spair(sv);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = 9;
	hdr.len = IMSG_HEADER_SIZE;
	hdr.flags = IMSGF_HASFD;
	if (write(sv[0], &hdr, sizeof(hdr)) != sizeof(hdr))
		fail("write");
	imsg_init(ib, sv[1]);
	imsg_read(ib);
	if (imsg_get(ib, &imsg) != -1 || errno != EBADMSG)
		fail("missing descriptor not detected");
	printf("# %s\n", imsg_strerror(ib));
	close(sv[0]);
	close(sv[1]);
	free(ib);
	return 0;
}

/* A small socket buffer forces writes to stop in the middle of messages. */
static int
t_partial_writes(void)
{
	struct imsgbuf	*wb = malloc(sizeof(*wb)), *rb = malloc(sizeof(*rb));
	uint8_t		 data[IMSG_MAX_DATA];
	int		 sv[2], i, next = 0, rounds = 0, partial = 0, w = 1;
	int		 sz = 4096;

	spair(sv);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	nonblock(sv[0]);
	nonblock(sv[1]);
	imsg_init(wb, sv[0]);
	imsg_init(rb, sv[1]);
	for (i = 0; i < NMSG; i++) {
		msg_fill(data, msg_size(i), i);
		imsg_compose(wb, 100 + i, 1000 + i, 42, -1, data, msg_size(i));
	}
	while (next < NMSG && rounds++ < 100000 && !failed) {
		if (w != 0 && (w = imsg_write(wb)) == -1)
			fail("write: %s", imsg_strerror(wb));
		if (w == 1 && TAILQ_FIRST(&wb->wq)->off > 0)
			partial++;
		if (imsg_read(rb) == -1 && errno != EAGAIN)
			fail("read: %s", imsg_strerror(rb));
		drain(rb, &next);
	}
	if (next != NMSG)
		fail("got %d of %d messages", next, NMSG);
	if (partial == 0)
		fail("no partial write happened; the test proves nothing");
	printf("# %d writes stopped inside a message\n", partial);
	close(sv[0]);
	close(sv[1]);
	free(wb);
	free(rb);
	return 0;
}

static const struct {
	const char	*name;
	int		(*fn)(void);
} cases[] = {
	{ "roundtrip", t_roundtrip },
	{ "split", t_split_every_offset },
	{ "bytewise", t_byte_by_byte },
	{ "oversize-compose", t_oversize_compose },
	{ "oversize-received", t_oversize_received },
	{ "undersize-received", t_undersize_received },
	{ "truncated", t_truncated },
	{ "fd-passing", t_fd_passing },
	{ "fd-missing", t_fd_missing },
	{ "partial-writes", t_partial_writes },
};

int
main(int argc, char *argv[])
{
	size_t	 i;
	int	 ran = 0, any = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		failed = 0;
		cases[i].fn();
		printf("%s %s\n", failed ? "not ok" : "ok", cases[i].name);
		any |= failed;
		ran++;
	}
	if (ran == 0) {
		fprintf(stderr, "test_imsg: unknown case %s\n", argv[1]);
		return 2;
	}
	return any;
}
