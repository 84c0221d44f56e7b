/* The binding state file: see statefile.h. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "statefile.h"
#include "wire.h"

/* Header offsets. */
#define H_MAGIC		0
#define H_VERSION	8
#define H_ROLE		10
#define H_RECSIZE	12
#define H_RESERVED	14
#define H_COUNT		16
#define H_WRITTEN	20
#define H_CRC		28

/* Record offsets. */
#define R_HOA		0
#define R_COA		16
#define R_EXPIRES	32
#define R_CREATED	40
#define R_SEQ		48
#define R_FLAGS		50
#define R_LIFETIME	52
#define R_KIND		54
#define R_LINK		56
#define R_RESERVED	72
#define R_CRC		76

static const char *const sf_role_names[] = { "ha", "mn", "sig" };

uint32_t
sf_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t	 table[256];
	static int	 ready;
	const uint8_t	*p = buf;
	uint32_t	 c;
	size_t		 i;
	int		 k;

	if (!ready) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static const char *
sf_role_name(uint16_t role)
{
	return role < sizeof(sf_role_names) / sizeof(sf_role_names[0]) ?
	    sf_role_names[role] : "unknown";
}

void
sf_rec_encode(const struct sf_rec *r, uint8_t *out)
{
	memset(out, 0, SF_REC_SIZE);
	memcpy(out + R_HOA, &r->hoa, 16);
	memcpy(out + R_COA, &r->coa, 16);
	wire_put64(out + R_EXPIRES, (uint64_t)r->expires);
	wire_put64(out + R_CREATED, (uint64_t)r->created);
	wire_put16(out + R_SEQ, r->seq);
	wire_put16(out + R_FLAGS, r->flags);
	wire_put16(out + R_LIFETIME, r->lifetime);
	wire_put16(out + R_KIND, r->kind);
	if (r->kind == SF_KIND_CN)
		memcpy(out + R_LINK, &r->cn, 16);
	else
		memcpy(out + R_LINK, r->link, strnlen(r->link,
		    SF_LINK_LEN - 1));
	wire_put32(out + R_CRC, sf_crc32(0, out, R_CRC));
}

int
sf_rec_decode(const uint8_t *in, struct sf_rec *r)
{
	if (wire_get32(in + R_CRC) != sf_crc32(0, in, R_CRC))
		return -1;
	if (wire_get16(in + R_KIND) != SF_KIND_CN &&
	    memchr(in + R_LINK, '\0', SF_LINK_LEN) == NULL)
		return -1;
	memset(r, 0, sizeof(*r));
	memcpy(&r->hoa, in + R_HOA, 16);
	memcpy(&r->coa, in + R_COA, 16);
	r->expires = (int64_t)wire_get64(in + R_EXPIRES);
	r->created = (int64_t)wire_get64(in + R_CREATED);
	r->seq = wire_get16(in + R_SEQ);
	r->flags = wire_get16(in + R_FLAGS);
	r->lifetime = wire_get16(in + R_LIFETIME);
	r->kind = wire_get16(in + R_KIND);
	if (r->kind == SF_KIND_CN)
		memcpy(&r->cn, in + R_LINK, 16);
	else
		memcpy(r->link, in + R_LINK, SF_LINK_LEN);
	return 0;
}

static void
sf_header(uint8_t *h, uint16_t role, uint32_t count, int64_t now)
{
	memset(h, 0, SF_HDR_SIZE);
	memcpy(h + H_MAGIC, SF_MAGIC, SF_MAGIC_LEN);
	wire_put16(h + H_VERSION, SF_VERSION);
	wire_put16(h + H_ROLE, role);
	wire_put16(h + H_RECSIZE, SF_REC_SIZE);
	wire_put32(h + H_COUNT, count);
	wire_put64(h + H_WRITTEN, (uint64_t)now);
	wire_put32(h + H_CRC, sf_crc32(0, h, H_CRC));
}

static int
sf_full_write(int fd, const uint8_t *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
sf_write_begin(struct sf_writer *w, const char *path, uint16_t role,
    char *err, size_t errlen)
{
	uint8_t	 h[SF_HDR_SIZE];

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->role = role;
	if ((size_t)snprintf(w->path, sizeof(w->path), "%s", path) >=
	    sizeof(w->path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	snprintf(w->tmp, sizeof(w->tmp), "%s.tmp", path);
	if ((w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		return -1;
	}
	/* A placeholder: commit writes the count and the CRC. */
	sf_header(h, role, 0, 0);
	if (sf_full_write(w->fd, h, sizeof(h)) == -1) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		sf_write_abort(w);
		return -1;
	}
	return 0;
}

int
sf_write_recs(struct sf_writer *w, const uint8_t *recs, size_t n,
    char *err, size_t errlen)
{
	if (w->fd == -1) {
		snprintf(err, errlen, "no state file being written");
		return -1;
	}
	if (n > SF_MAX_RECS - w->count) {
		snprintf(err, errlen, "%s: more than %u records", w->tmp,
		    SF_MAX_RECS);
		sf_write_abort(w);
		return -1;
	}
	if (sf_full_write(w->fd, recs, n * SF_REC_SIZE) == -1) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		sf_write_abort(w);
		return -1;
	}
	w->count += (uint32_t)n;
	return 0;
}

static int
sf_fsync_dir(const char *path)
{
	char	 dir[4096];
	int	 fd, r;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
sf_write_commit(struct sf_writer *w, int64_t now, char *err, size_t errlen)
{
	uint8_t	 h[SF_HDR_SIZE];

	if (w->fd == -1) {
		snprintf(err, errlen, "no state file being written");
		return -1;
	}
	sf_header(h, w->role, w->count, now);
	if (pwrite(w->fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    fsync(w->fd) == -1) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		sf_write_abort(w);
		return -1;
	}
	if (close(w->fd) == -1) {
		w->fd = -1;
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		sf_write_abort(w);
		return -1;
	}
	w->fd = -1;
	if (rename(w->tmp, w->path) == -1) {
		snprintf(err, errlen, "rename %s: %s", w->tmp, strerror(errno));
		sf_write_abort(w);
		return -1;
	}
	if (sf_fsync_dir(w->path) == -1) {
		/* The file is in place; only its durability is in doubt. */
		snprintf(err, errlen, "%s: directory fsync: %s", w->path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

void
sf_write_abort(struct sf_writer *w)
{
	if (w->fd != -1) {
		close(w->fd);
		w->fd = -1;
	}
	if (w->tmp[0] != '\0')
		(void)unlink(w->tmp);
}

int
sf_read(const char *path, uint16_t role, uint8_t **recs, size_t *n,
    int64_t *written, char *why, size_t whylen)
{
	struct stat	 st;
	uint8_t		 h[SF_HDR_SIZE], *buf = NULL;
	uint32_t	 count;
	size_t		 want, got, i;
	ssize_t		 r;
	int		 fd;

	*recs = NULL;
	*n = 0;
	*written = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(why, whylen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(why, whylen, "fstat: %s", strerror(errno));
		goto bad;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		goto bad;
	}
	if (st.st_size < SF_HDR_SIZE) {
		snprintf(why, whylen, "truncated header (%lld octets)",
		    (long long)st.st_size);
		goto bad;
	}
	if ((r = pread(fd, h, sizeof(h), 0)) != (ssize_t)sizeof(h)) {
		snprintf(why, whylen, "cannot read the header: %s",
		    r == -1 ? strerror(errno) : "short read");
		goto bad;
	}
	if (memcmp(h + H_MAGIC, SF_MAGIC, SF_MAGIC_LEN) != 0) {
		snprintf(why, whylen, "not a mip6 state file (bad magic)");
		goto bad;
	}
	if (wire_get32(h + H_CRC) != sf_crc32(0, h, H_CRC)) {
		snprintf(why, whylen, "header checksum mismatch");
		goto bad;
	}
	if (wire_get16(h + H_VERSION) != SF_VERSION) {
		snprintf(why, whylen, "format version %u (this build reads %u)",
		    wire_get16(h + H_VERSION), SF_VERSION);
		goto bad;
	}
	if (wire_get16(h + H_ROLE) != role) {
		snprintf(why, whylen, "written by role %s, not %s",
		    sf_role_name(wire_get16(h + H_ROLE)), sf_role_name(role));
		goto bad;
	}
	if (wire_get16(h + H_RECSIZE) != SF_REC_SIZE) {
		snprintf(why, whylen, "record size %u (expected %u)",
		    wire_get16(h + H_RECSIZE), SF_REC_SIZE);
		goto bad;
	}
	count = wire_get32(h + H_COUNT);
	if (count > SF_MAX_RECS) {
		snprintf(why, whylen, "%u records (at most %u)", count,
		    SF_MAX_RECS);
		goto bad;
	}
	want = (size_t)count * SF_REC_SIZE;
	if ((uint64_t)st.st_size != SF_HDR_SIZE + (uint64_t)want) {
		snprintf(why, whylen, "%s: %lld octets for %u records "
		    "(expected %zu)", (uint64_t)st.st_size < SF_HDR_SIZE +
		    (uint64_t)want ? "truncated" : "trailing data",
		    (long long)st.st_size, count, SF_HDR_SIZE + want);
		goto bad;
	}
	if (want > 0 && (buf = malloc(want)) == NULL) {
		snprintf(why, whylen, "out of memory for %u records", count);
		goto bad;
	}
	for (got = 0; got < want; got += (size_t)r) {
		r = pread(fd, buf + got, want - got, SF_HDR_SIZE + (off_t)got);
		if (r == -1 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0) {
			snprintf(why, whylen, "cannot read record %zu: %s",
			    got / SF_REC_SIZE + 1, r == -1 ? strerror(errno) :
			    "short read");
			goto bad;
		}
	}
	for (i = 0; i < count; i++) {
		struct sf_rec	 rec;

		if (sf_rec_decode(buf + i * SF_REC_SIZE, &rec) == -1) {
			snprintf(why, whylen, "record %zu of %u: checksum "
			    "mismatch", i + 1, count);
			goto bad;
		}
	}
	close(fd);
	*recs = buf;
	*n = count;
	*written = (int64_t)wire_get64(h + H_WRITTEN);
	return 0;
bad:
	free(buf);
	close(fd);
	return -1;
}

int
sf_move_aside(const char *path, int64_t now, char *newpath, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)now;
	char		 stamp[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	if ((size_t)snprintf(newpath, len, "%s.corrupt-%s", path, stamp) >=
	    len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return rename(path, newpath);
}
