/*
 * Unit tests for the binding state file (common/statefile.c): a round
 * trip, and every way a file can be bad (truncated, padded, a flipped
 * bit in a record or the header, foreign, another role, another
 * version, empty), each refused whole with its reason; moving aside.
 *
 *   test_statefile [-l | NAME]            the cases (check.h)
 *   test_statefile write PATH ROLE N [S]  a valid file of N HA bindings
 *                                         2001:db8:1::1000+i -> 2001:db8:2::i,
 *                                         S s of lifetime left (default 300,
 *                                         negative: expired), link ha0; with
 *                                         ROLE 2 (sig) correspondent records,
 *                                         our address CN_ADDR
 *   test_statefile dump PATH ROLE         one line per record, or the reason
 *   test_statefile bench N                time to write and read N records
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "statefile.h"
#include "check.h"

static char	 dir[256];

/* A path in the test directory; eight calls may be held at once. */
static const char *
tpath(const char *name)
{
	static char	 ring[8][512];
	static int	 next;
	char		*p = ring[next++ % 8];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s/sf.XXXXXX",
		    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(dir) == NULL) {
			perror("mkdtemp");
			exit(1);
		}
	}
	snprintf(p, sizeof(ring[0]), "%s/%s", dir, name);
	return p;
}

static int64_t	 left_s = 300;	/* lifetime left of written records */

/* The correspondent's address in the records of ROLE 2 (no zero octet). */
#define CN_ADDR		"2001:db8:abab:cdcd:efef:1111:2222:3333"

/* Make r a correspondent record (SF_KIND_CN). */
static void
mkcn(struct sf_rec *r)
{
	r->kind = SF_KIND_CN;
	memset(r->link, 0, sizeof(r->link));
	inet_pton(AF_INET6, CN_ADDR, &r->cn);
}

static void
mkrec(struct sf_rec *r, uint32_t i, int64_t now)
{
	memset(r, 0, sizeof(*r));
	inet_pton(AF_INET6, "2001:db8:1::", &r->hoa);
	r->hoa.s6_addr[13] = (uint8_t)(i >> 16);
	r->hoa.s6_addr[14] = (uint8_t)(0x10 + (i >> 8));
	r->hoa.s6_addr[15] = (uint8_t)i;
	inet_pton(AF_INET6, "2001:db8:2::", &r->coa);
	r->coa.s6_addr[14] = (uint8_t)(i >> 8);
	r->coa.s6_addr[15] = (uint8_t)i;
	r->expires = now + left_s;
	r->created = now - 5;
	r->seq = (uint16_t)(i * 7);
	r->flags = 0xa000;
	r->lifetime = 75;
	r->kind = SF_KIND_HA;
	snprintf(r->link, sizeof(r->link), "ha0");
}

/* A file of n records for role; 0 or -1. */
static int
write_file(const char *path, uint16_t role, uint32_t n, int64_t now)
{
	struct sf_writer w;
	struct sf_rec	 r;
	uint8_t		 buf[SF_REC_SIZE];
	char		 err[512];
	uint32_t	 i;

	if (sf_write_begin(&w, path, role, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	for (i = 0; i < n; i++) {
		mkrec(&r, i, now);
		if (role == 2)
			mkcn(&r);
		sf_rec_encode(&r, buf);
		if (sf_write_recs(&w, buf, 1, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
	}
	if (sf_write_commit(&w, now, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static void
flip(const char *path, off_t at)
{
	uint8_t	 b;
	int	 fd = open(path, O_RDWR);

	CHECK(fd != -1);
	CHECK(pread(fd, &b, 1, at) == 1);
	b ^= 0x01;
	CHECK(pwrite(fd, &b, 1, at) == 1);
	close(fd);
}

/* The file must be refused with a reason that holds want. */
static void
refused(const char *path, uint16_t role, const char *want)
{
	uint8_t	*recs = (uint8_t *)1;
	size_t	 n = 99;
	int64_t	 w;
	char	 why[256] = "";

	CHECK(sf_read(path, role, &recs, &n, &w, why, sizeof(why)) == -1);
	CHECK(recs == NULL);
	CHECK(n == 0);
	if (strstr(why, want) == NULL) {
		fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", why, want);
		failed = 1;
	}
}

static void
t_round_trip(void)
{
	const char	*p = tpath("rt.state");
	struct sf_rec	 a, b;
	uint8_t		*recs;
	size_t		 n, i;
	int64_t		 now = 1800000000, w;
	char		 why[256];
	struct stat	 st;

	CHECK(write_file(p, 0, 1000, now) == 0);
	CHECK(stat(p, &st) == 0 && st.st_size == SF_HDR_SIZE +
	    1000 * SF_REC_SIZE);
	CHECK((st.st_mode & 0777) == 0600);
	CHECK(access(tpath("rt.state.tmp"), F_OK) == -1);
	CHECK(sf_read(p, 0, &recs, &n, &w, why, sizeof(why)) == 0);
	CHECK(n == 1000);
	CHECK(w == now);
	for (i = 0; i < n; i++) {
		mkrec(&a, (uint32_t)i, now);
		CHECK(sf_rec_decode(recs + i * SF_REC_SIZE, &b) == 0);
		CHECK(memcmp(&a.hoa, &b.hoa, 16) == 0);
		CHECK(memcmp(&a.coa, &b.coa, 16) == 0);
		CHECK(a.expires == b.expires && a.created == b.created);
		CHECK(a.seq == b.seq && a.flags == b.flags);
		CHECK(a.lifetime == b.lifetime && a.kind == b.kind);
		CHECK(strcmp(a.link, b.link) == 0);
	}
	free(recs);
}

static void
t_empty_file_has_no_records(void)
{
	const char	*p = tpath("empty.state");
	uint8_t		*recs;
	size_t		 n;
	int64_t		 w;
	char		 why[256];

	CHECK(write_file(p, 0, 0, 1800000000) == 0);
	CHECK(sf_read(p, 0, &recs, &n, &w, why, sizeof(why)) == 0);
	CHECK(n == 0);
	free(recs);
}

static void
t_missing_file_is_not_an_error(void)
{
	uint8_t	*recs;
	size_t	 n;
	int64_t	 w;
	char	 why[256];

	CHECK(sf_read(tpath("none.state"), 0, &recs, &n, &w, why,
	    sizeof(why)) == 1);
}

static void
t_truncated_file_is_refused(void)
{
	const char	*p = tpath("trunc.state");

	CHECK(write_file(p, 0, 10, 1800000000) == 0);
	CHECK(truncate(p, SF_HDR_SIZE + 9 * SF_REC_SIZE + 40) == 0);
	refused(p, 0, "truncated");
	/* Cut at a record boundary: the count still tells. */
	CHECK(truncate(p, SF_HDR_SIZE + 9 * SF_REC_SIZE) == 0);
	refused(p, 0, "truncated");
	CHECK(truncate(p, 10) == 0);
	refused(p, 0, "truncated header");
}

static void
t_trailing_data_is_refused(void)
{
	const char	*p = tpath("trail.state");
	int		 fd;

	CHECK(write_file(p, 0, 3, 1800000000) == 0);
	fd = open(p, O_WRONLY | O_APPEND);
	CHECK(fd != -1 && write(fd, "x", 1) == 1);
	close(fd);
	refused(p, 0, "trailing data");
}

static void
t_flipped_bit_in_a_record_is_refused(void)
{
	const char	*p = tpath("flip.state");

	CHECK(write_file(p, 0, 10, 1800000000) == 0);
	flip(p, SF_HDR_SIZE + 4 * SF_REC_SIZE + 20);
	refused(p, 0, "record 5 of 10: checksum mismatch");
}

static void
t_flipped_bit_in_the_header_is_refused(void)
{
	const char	*p = tpath("hflip.state");

	CHECK(write_file(p, 0, 10, 1800000000) == 0);
	flip(p, 17);	/* the count */
	refused(p, 0, "header checksum mismatch");
}

static void
t_foreign_file_is_refused(void)
{
	const char	*p = tpath("foreign.state");
	FILE		*f = fopen(p, "w");

	CHECK(f != NULL);
	fprintf(f, "hoa=2001:db8:1::100 coa=2001:db8:2::1 this is no state "
	    "file at all\n");
	fclose(f);
	refused(p, 0, "bad magic");
}

static void
t_other_role_is_refused(void)
{
	const char	*p = tpath("role.state");

	CHECK(write_file(p, 2, 1, 1800000000) == 0);
	refused(p, 0, "written by role sig, not ha");
}

static void
t_other_version_is_refused(void)
{
	const char	*p = tpath("ver.state");
	uint8_t		 h[SF_HDR_SIZE];
	uint32_t	 crc;
	int		 fd;

	CHECK(write_file(p, 0, 1, 1800000000) == 0);
	fd = open(p, O_RDWR);
	CHECK(fd != -1 && pread(fd, h, sizeof(h), 0) == sizeof(h));
	h[9] = 9;	/* version 9, with a header CRC that matches */
	crc = sf_crc32(0, h, 28);
	h[28] = (uint8_t)(crc >> 24);
	h[29] = (uint8_t)(crc >> 16);
	h[30] = (uint8_t)(crc >> 8);
	h[31] = (uint8_t)crc;
	CHECK(pwrite(fd, h, sizeof(h), 0) == sizeof(h));
	close(fd);
	refused(p, 0, "format version 9");
}

static void
t_record_decode_checks_crc_and_link(void)
{
	struct sf_rec	 r, d;
	uint8_t		 b[SF_REC_SIZE];

	mkrec(&r, 1, 1800000000);
	sf_rec_encode(&r, b);
	CHECK(sf_rec_decode(b, &d) == 0);
	b[0] ^= 0x80;
	CHECK(sf_rec_decode(b, &d) == -1);
	/* A link name filling its field: no NUL, refused even with a CRC. */
	memset(r.link, 'x', sizeof(r.link));
	sf_rec_encode(&r, b);
	CHECK(sf_rec_decode(b, &d) == 0);	/* encode truncates it */
	CHECK(strlen(d.link) == SF_LINK_LEN - 1);
}

/* Correspondent records: the 16 octets after the kind are our address. */
static void
t_cn_records_round_trip(void)
{
	const char	*p = tpath("sig.state");
	struct sf_rec	 a, b;
	uint8_t		*recs, enc[SF_REC_SIZE];
	size_t		 n, i;
	int64_t		 now = 1800000000, w;
	char		 why[256];
	struct in6_addr	 cn;

	inet_pton(AF_INET6, CN_ADDR, &cn);
	CHECK(write_file(p, 2, 100, now) == 0);
	CHECK(sf_read(p, 2, &recs, &n, &w, why, sizeof(why)) == 0);
	CHECK(n == 100);
	for (i = 0; i < n; i++) {
		mkrec(&a, (uint32_t)i, now);
		CHECK(sf_rec_decode(recs + i * SF_REC_SIZE, &b) == 0);
		CHECK(b.kind == SF_KIND_CN);
		CHECK(memcmp(&b.cn, &cn, 16) == 0);
		CHECK(memcmp(&a.hoa, &b.hoa, 16) == 0);
		CHECK(memcmp(&a.coa, &b.coa, 16) == 0);
		CHECK(a.expires == b.expires && a.seq == b.seq);
		CHECK(b.link[0] == '\0');
		/* the address is in the record, at the link name's place */
		CHECK(memcmp(recs + i * SF_REC_SIZE + 56, &cn, 16) == 0);
	}
	free(recs);
	/* A home agent's file is not read as a correspondent's. */
	CHECK(sf_read(p, 0, &recs, &n, &w, why, sizeof(why)) == -1);
	/* The same 16 octets in a home agent record: an unterminated link
	 * name, refused even with a good CRC. */
	mkrec(&a, 1, now);
	mkcn(&a);
	sf_rec_encode(&a, enc);
	enc[55] = SF_KIND_HA;
	{
		uint32_t	 c = sf_crc32(0, enc, 76);

		enc[76] = (uint8_t)(c >> 24);
		enc[77] = (uint8_t)(c >> 16);
		enc[78] = (uint8_t)(c >> 8);
		enc[79] = (uint8_t)c;
	}
	CHECK(sf_rec_decode(enc, &b) == -1);
}

/*
 * A home agent record encodes as before correspondent records existed
 * (the CRC of a fixed record, computed with the earlier statefile.c):
 * ha.state files of version 1 stay readable.
 */
static void
t_ha_record_layout_unchanged(void)
{
	struct sf_rec	 r;
	uint8_t		 b[SF_REC_SIZE];

	mkrec(&r, 1, 1800000000);
	inet_pton(AF_INET6, "2001:db8:1::1001", &r.hoa);
	r.expires = 1800000300;
	r.created = 1799999995;
	r.seq = 7;
	sf_rec_encode(&r, b);
	CHECK(b[76] == 0x90 && b[77] == 0x53 && b[78] == 0x93 &&
	    b[79] == 0x06);
}

static void
t_crc32_known_value(void)
{
	/* The standard check value of CRC-32/ISO-HDLC. */
	CHECK(sf_crc32(0, "123456789", 9) == 0xcbf43926U);
}

static void
t_move_aside_names_the_time(void)
{
	const char	*p = tpath("aside.state");
	char		 np[600], keep[600];
	FILE		*f = fopen(p, "w");

	CHECK(f != NULL);
	fclose(f);
	snprintf(keep, sizeof(keep), "%s", p);
	CHECK(sf_move_aside(keep, 1800000000, np, sizeof(np)) == 0);
	CHECK(strstr(np, "aside.state.corrupt-20270115T080000Z") != NULL);
	CHECK(access(keep, F_OK) == -1);
	CHECK(access(np, F_OK) == 0);
}

static void
t_writer_abort_leaves_the_old_file(void)
{
	const char	*p = tpath("abort.state");
	struct sf_writer w;
	struct sf_rec	 r;
	uint8_t		 b[SF_REC_SIZE], *recs;
	size_t		 n;
	int64_t		 t;
	char		 err[256];

	CHECK(write_file(p, 0, 2, 1800000000) == 0);
	CHECK(sf_write_begin(&w, p, 0, err, sizeof(err)) == 0);
	mkrec(&r, 9, 1800000000);
	sf_rec_encode(&r, b);
	CHECK(sf_write_recs(&w, b, 1, err, sizeof(err)) == 0);
	sf_write_abort(&w);
	CHECK(access(tpath("abort.state.tmp"), F_OK) == -1);
	CHECK(sf_read(p, 0, &recs, &n, &t, err, sizeof(err)) == 0);
	CHECK(n == 2);
	free(recs);
}

static const struct check_case cases[] = {
	{ "round_trip", t_round_trip },
	{ "empty_file_has_no_records", t_empty_file_has_no_records },
	{ "missing_file_is_not_an_error", t_missing_file_is_not_an_error },
	{ "truncated_file_is_refused", t_truncated_file_is_refused },
	{ "trailing_data_is_refused", t_trailing_data_is_refused },
	{ "flipped_bit_in_a_record_is_refused",
	    t_flipped_bit_in_a_record_is_refused },
	{ "flipped_bit_in_the_header_is_refused",
	    t_flipped_bit_in_the_header_is_refused },
	{ "foreign_file_is_refused", t_foreign_file_is_refused },
	{ "other_role_is_refused", t_other_role_is_refused },
	{ "other_version_is_refused", t_other_version_is_refused },
	{ "record_decode_checks_crc_and_link",
	    t_record_decode_checks_crc_and_link },
	{ "crc32_known_value", t_crc32_known_value },
	{ "cn_records_round_trip", t_cn_records_round_trip },
	{ "ha_record_layout_unchanged", t_ha_record_layout_unchanged },
	{ "move_aside_names_the_time", t_move_aside_names_the_time },
	{ "writer_abort_leaves_the_old_file",
	    t_writer_abort_leaves_the_old_file },
};

static double
secs(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cleanup(int rc)
{
	char	 cmd[300];

	if (dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	int64_t	 now = (int64_t)time(NULL), w;
	uint8_t	*recs;
	size_t	 n, i;
	char	 why[256], a[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];
	int	 r;

	if (argc == 6 && strcmp(argv[1], "write") == 0)
		left_s = strtoll(argv[5], NULL, 10);
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "write") == 0)
		return write_file(argv[2], (uint16_t)atoi(argv[3]),
		    (uint32_t)strtoul(argv[4], NULL, 10), now) == 0 ? 0 : 1;
	if (argc == 4 && strcmp(argv[1], "dump") == 0) {
		r = sf_read(argv[2], (uint16_t)atoi(argv[3]), &recs, &n, &w,
		    why, sizeof(why));
		if (r != 0) {
			printf("%s\n", r == 1 ? "no file" : why);
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct sf_rec	 rec;

			(void)sf_rec_decode(recs + i * SF_REC_SIZE, &rec);
			printf("hoa=%s coa=%s seq=%u flags=0x%04x lifetime=%u "
			    "expires_in=%lld ",
			    inet_ntop(AF_INET6, &rec.hoa, a, sizeof(a)),
			    inet_ntop(AF_INET6, &rec.coa, c, sizeof(c)),
			    rec.seq, rec.flags, rec.lifetime * 4u,
			    (long long)(rec.expires - now));
			if (rec.kind == SF_KIND_CN)
				printf("cn=%s\n", inet_ntop(AF_INET6,
				    &rec.cn, a, sizeof(a)));
			else
				printf("link=%s\n", rec.link);
		}
		free(recs);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "bench") == 0) {
		uint32_t	 nb = (uint32_t)strtoul(argv[2], NULL, 10);
		double		 t0, t1, t2;

		t0 = secs();
		if (write_file(tpath("bench.state"), 0, nb, now) == -1)
			return cleanup(1);
		t1 = secs();
		if (sf_read(tpath("bench.state"), 0, &recs, &n, &w, why,
		    sizeof(why)) != 0 || n != nb)
			return cleanup(1);
		t2 = secs();
		free(recs);
		printf("%u records, %u octets: write+fsync+rename %.1f ms, "
		    "read+check %.1f ms\n", nb, SF_HDR_SIZE + nb * SF_REC_SIZE,
		    (t1 - t0) * 1e3, (t2 - t1) * 1e3);
		return cleanup(0);
	}
	return cleanup(CHECK_RUN(cases, argc, argv));
}
