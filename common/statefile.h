/*
 * The binding state file: what a role's binding cache looks like on disk
 * (STATE-DIR/ROLE.state), so bindings survive a restart of the role, of
 * mip6-priv, or of both.  Only mip6-priv opens the file: the roles stay
 * without any file system access and exchange encoded records with it
 * over imsg (proto.h IMSG_STATE_*).
 *
 * Layout, every integer big-endian:
 *   header (SF_HDR_SIZE octets)
 *     magic "MIP6STAT", version, role, record size, reserved,
 *     record count, time written (wall clock, s), CRC-32 of the above
 *   count records (SF_REC_SIZE octets each)
 *     home address, care-of address, expiry and creation (wall clock,
 *     s), sequence number, BU flags, lifetime granted (4-s units),
 *     kind, then 16 octets by kind: the home link name (a home agent's
 *     binding, SF_KIND_HA, NUL-terminated) or the correspondent's own
 *     address the BU went to (SF_KIND_CN), CRC-32 of the above
 * The record layout is the same size for both kinds: a file of version 1
 * written before correspondent records existed reads unchanged.
 * The file must be exactly header + count records long: a truncated or
 * padded file is refused, and so is any record whose CRC does not match.
 * A file is read whole or not at all.
 *
 * Written atomically: FILE.tmp is written, fsync'd, renamed over FILE,
 * and the directory fsync'd.
 */
#ifndef MIP6_STATEFILE_H
#define MIP6_STATEFILE_H

#include <sys/types.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define SF_MAGIC		"MIP6STAT"
#define SF_MAGIC_LEN		8
#define SF_VERSION		1
#define SF_HDR_SIZE		32
#define SF_REC_SIZE		80
#define SF_LINK_LEN		16	/* IF_NAMESIZE */
/* Records one file may hold (the largest max-bindings). */
#define SF_MAX_RECS		16777216U

/* What a record is. */
enum sf_kind {
	SF_KIND_HA = 1,		/* home agent binding */
	SF_KIND_CN = 2		/* correspondent binding */
};

struct sf_rec {
	struct in6_addr	 hoa;
	struct in6_addr	 coa;
	int64_t		 expires;	/* wall clock, s */
	int64_t		 created;	/* wall clock, s */
	uint16_t	 seq;
	uint16_t	 flags;		/* MH_BU_F_* of the last BU */
	uint16_t	 lifetime;	/* granted, 4-s units */
	uint16_t	 kind;		/* enum sf_kind */
	char		 link[SF_LINK_LEN];	/* SF_KIND_HA: home link */
	struct in6_addr	 cn;		/* SF_KIND_CN: our address */
};

/* One record to and from its SF_REC_SIZE octets (with its CRC). */
void	 sf_rec_encode(const struct sf_rec *, uint8_t *out);
/*
 * 0, or -1 when the CRC does not match or (SF_KIND_HA) the link name is
 * unterminated.
 */
int	 sf_rec_decode(const uint8_t *in, struct sf_rec *);

/*
 * Writing: begin creates PATH.tmp (mode 0600), rec appends encoded
 * records, commit writes the header, fsyncs, renames over PATH and
 * fsyncs the directory.  abort removes the temporary file.  On error
 * they return -1 with the reason in err (and the writer is aborted).
 */
struct sf_writer {
	int		 fd;
	uint16_t	 role;
	uint32_t	 count;
	char		 path[4096];
	char		 tmp[4096 + 8];
};
int	 sf_write_begin(struct sf_writer *, const char *path, uint16_t role,
	    char *err, size_t errlen);
int	 sf_write_recs(struct sf_writer *, const uint8_t *recs, size_t n,
	    char *err, size_t errlen);
int	 sf_write_commit(struct sf_writer *, int64_t now, char *err,
	    size_t errlen);
void	 sf_write_abort(struct sf_writer *);

/*
 * Read PATH whole: on success *recs (malloc'd, n encoded records of
 * SF_REC_SIZE octets, CRCs checked) and returns 0; 1 when there is no
 * file; -1 with the reason in why when the file is unreadable, foreign,
 * of another role or version, truncated or corrupt (nothing is returned
 * then).  *written is the header's time.
 */
int	 sf_read(const char *path, uint16_t role, uint8_t **recs, size_t *n,
	    int64_t *written, char *why, size_t whylen);
/*
 * Move a bad file aside: PATH.corrupt-YYYYMMDDTHHMMSSZ (UTC of now).
 * 0 with the new name in newpath, or -1 (errno).
 */
int	 sf_move_aside(const char *path, int64_t now, char *newpath,
	    size_t len);

/* CRC-32 (IEEE 802.3, as zlib's crc32). */
uint32_t sf_crc32(uint32_t crc, const void *, size_t);

#endif
