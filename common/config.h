/*
 * Configuration: one YAML file (default /etc/mip6/mip6.yaml), a common
 * section and one section per role.  Parsed with libyaml; see mip6.yaml(5).
 *
 * Every tunable has the RFC 6275 default filled in by conf_load(), so the
 * engines never carry magic numbers.
 */
#ifndef MIP6_CONFIG_H
#define MIP6_CONFIG_H

#include <sys/types.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>

#include "mip6_const.h"

#define CONF_DEFAULT_PATH	"/etc/mip6/mip6.yaml"
#define CONF_MAX_FILE_SIZE	(64 * 1024 * 1024)	/* bytes read at most */

/*
 * Defaults that are our own choice (the RFC ones come from mip6_const.h).
 * mip6.yaml(5) documents each; conf_load() fills them in.
 */
#define CONF_DEF_VERBOSE		1	/* log-level: info */
#define CONF_DEF_USER			"_mip6"
#define CONF_DEF_GROUP			"_mip6"
#define CONF_DEF_CONTROL_DIR		"/run/mip6"
#define CONF_DEF_STATE_DIR		"/var/lib/mip6"
#define CONF_DEF_CHROOT_DIR		"/var/empty/mip6"
#define CONF_DEF_STATE_SYNC_DELAY_MS	1000	/* worst-case loss of changes */
#define CONF_MAX_STATE_SYNC_DELAY_MS	60000
#define CONF_DEF_BACKOFF_MIN_S		1
#define CONF_DEF_BACKOFF_MAX_S		60
#define CONF_MAX_BACKOFF_S		86400
#define CONF_DEF_HA_MAX_BINDINGS	100000
#define CONF_MAX_BINDINGS		16777216
/* The largest lifetime a Binding Update/Ack can carry: 65535 * 4 s. */
#define CONF_MAX_LIFETIME_S	(MIP6_LIFETIME_MAX_UNITS * MIP6_LIFETIME_UNIT_S)
#define CONF_MIN_LIFETIME_S		MIP6_LIFETIME_UNIT_S
#define CONF_DEF_HA_MAX_LIFETIME_S	CONF_MAX_LIFETIME_S
#define CONF_DEF_BRR_BEFORE_S		0	/* no Binding Refresh Request */
#define CONF_DEF_BE_RATE		10	/* Binding Errors per second */
#define CONF_MAX_RATE			1000000
/* Home agent load limits (issue 9). */
#define CONF_DEF_DAD_MAX_PENDING	16384	/* DAD probes at once */
#define CONF_DEF_KERNEL_MAX_PENDING	8192	/* kernel requests in flight */
#define CONF_MAX_PENDING		1048576
#define CONF_DEF_HA_PREFERENCE		0
#define CONF_MIN_HA_PREFERENCE		(-32768)	/* signed 16 bits */
#define CONF_MAX_HA_PREFERENCE		32767
#define CONF_DEF_MN_LIFETIME_S		3600
#define CONF_DEF_MN_CN_LIFETIME_S	MAX_RR_BINDING_LIFETIME_S
#define CONF_DEF_IF_PREFERENCE		0
#define CONF_MAX_IF_PREFERENCE		255
#define CONF_DEF_SIG_MAX_BINDINGS	10000
#define CONF_DEF_SIG_MAX_LIFETIME_S	MAX_RR_BINDING_LIFETIME_S
#define CONF_DEF_SIG_RATE_LIMIT		10	/* messages/s per peer, 0 off */
#define CONF_DEF_NONCE_LIFETIME_S	MAX_NONCE_LIFETIME_S
#define CONF_MIN_SPI			256	/* 1-255 reserved (RFC 4303) */
#define CONF_NULL_ENC_ALG		"ecb(cipher_null)"

enum conf_role {
	ROLE_HA = 0,
	ROLE_MN,
	ROLE_SIG,
	ROLE_MAX
};

enum conf_child_policy {
	CHILD_RESTART = 0,	/* restart a dead role with backoff */
	CHILD_EXIT		/* a dead role stops the whole suite */
};

enum conf_kernel_start {
	KSTART_REMOVE = 0,	/* remove leftovers of a crashed run */
	KSTART_ADOPT		/* keep them for a warm restart */
};

/* Who answers Neighbor Solicitations for the home addresses of bindings:
 * kernel proxy ND entries, or mip6-ha on a packet socket. */
enum conf_proxy_nd {
	PROXY_ND_KERNEL = 0,
	PROXY_ND_DAEMON,
};

enum conf_ipsec {
	IPSEC_REQUIRED = 0,
	IPSEC_DISABLED
};

enum conf_tunnel {
	TUNNEL_SHARED = 0,	/* one flow-based ip6ip6 device for all */
	TUNNEL_PER_BINDING	/* one ip6ip6 device per binding */
};

enum conf_ro_policy {
	RO_NONE = 0,
	RO_ALL,
	RO_LIST
};

struct conf_prefix {
	struct in6_addr	 addr;
	uint8_t		 plen;
};

/* A manual ESP SA (RFC 3776), one direction. */
struct conf_sa {
	uint32_t	 spi;
	char		 auth_alg[32];	/* kernel name, e.g. "hmac(sha256)" */
	uint8_t		 auth_key[64];
	size_t		 auth_keylen;
	char		 enc_alg[32];	/* e.g. "cbc(aes)", "ecb(cipher_null)" */
	uint8_t		 enc_key[64];
	size_t		 enc_keylen;	/* 0 with ecb(cipher_null) */
};

/* A mobile node known to the home agent. */
struct conf_mn {
	struct in6_addr	 hoa;
	struct conf_sa	 sa_in;		/* mobile node -> home agent */
	struct conf_sa	 sa_out;	/* home agent -> mobile node */
	int		 has_sa;
};

struct conf_ha_link {
	char		 ifname[IF_NAMESIZE];
	struct in6_addr	 addr;			/* home agent address on this link */
	struct conf_prefix *prefixes;		/* served home prefixes */
	size_t		 nprefixes;
};

struct conf_ha {
	int		 enabled;
	struct conf_ha_link *links;
	size_t		 nlinks;
	uint32_t	 max_bindings;		/* default 100000 */
	uint32_t	 max_lifetime;		/* seconds, default 262140 */
	uint32_t	 brr_before;		/* send BRR this many s before expiry; 0 off */
	int		 dad;			/* DAD for home addresses, default on */
	enum conf_ipsec	 ipsec;
	struct conf_mn	*mns;			/* optional: known mobile nodes */
	size_t		 nmns;			/* 0: any home address may register */
	uint32_t	 be_rate;		/* Binding Errors per second */
	uint32_t	 dad_max_pending;	/* DAD probes at once */
	uint32_t	 kernel_max_pending;	/* kernel requests in flight */
	uint32_t	 bu_rate_per_source;	/* BUs per second per source, 0 off */
	int		 preference;		/* Home Agent Information option */
	enum conf_tunnel tunnel;
	enum conf_proxy_nd proxy_nd;		/* who answers NS for home addresses */
};

struct conf_mn_if {
	char		 ifname[IF_NAMESIZE];
	int		 preference;		/* higher is preferred */
};

struct conf_mnode {
	int		 enabled;
	struct in6_addr	 hoa;
	uint8_t		 hoa_plen;
	struct in6_addr	 ha;			/* :: = find it with DHAAD */
	char		 home_ifname[IF_NAMESIZE];	/* default: first of ifs */
	struct conf_mn_if *ifs;
	size_t		 nifs;
	uint32_t	 lifetime;		/* requested from the HA, seconds */
	uint32_t	 cn_lifetime;		/* requested from a CN, <= 420 s */
	uint32_t	 initial_bindack_timeout_first_reg_ms;	/* 1500 */
	uint32_t	 initial_bindack_timeout_ms;		/* 1000 */
	uint32_t	 max_bindack_timeout;	/* seconds, default 32 */
	enum conf_ro_policy ro;
	struct in6_addr	*ro_cns;
	size_t		 nro_cns;
	enum conf_ipsec	 ipsec;
	struct conf_sa	 sa_out;		/* mobile node -> home agent */
	struct conf_sa	 sa_in;			/* home agent -> mobile node */
	int		 has_sa;
};

struct conf_sig {
	int		 enabled;
	uint32_t	 max_bindings;		/* default 10000 */
	uint32_t	 max_lifetime;		/* <= MAX_RR_BINDING_LIFETIME 420 s */
	uint32_t	 rate_limit;		/* messages per second per peer */
	uint32_t	 be_rate;		/* Binding Errors per second */
	uint32_t	 nonce_lifetime;	/* MAX_NONCE_LIFETIME 240 s */
};

struct mip6_conf {
	char		 path[4096];
	int		 verbose;		/* log-level: 0 warning, 1 info, 2 debug */
	char		 user[64];		/* default _mip6 */
	char		 group[64];		/* control socket group, default _mip6 */
	char		 control_dir[256];	/* default /run/mip6 */
	char		 state_dir[256];	/* default /var/lib/mip6 */
	char		 chroot_dir[256];	/* empty dir, default /var/empty/mip6 */
	enum conf_child_policy child_policy;
	uint32_t	 restart_backoff_min;	/* seconds */
	uint32_t	 restart_backoff_max;
	enum conf_kernel_start kernel_start;
	int		 persist_bindings;	/* state file of ha and sig caches */
	uint32_t	 state_sync_delay_ms;	/* its write delay, 0: before the BA */
	struct conf_ha	 ha;
	struct conf_mnode mn;
	struct conf_sig	 sig;
};

/*
 * Load and validate FILE.  On error returns NULL and writes
 * "FILE:LINE:COLUMN: message" (or "FILE: strerror" when the file cannot be
 * read) into err.
 */
struct mip6_conf *conf_load(const char *file, char *err, size_t errlen);
/* The same from memory (fuzzing, tests); name stands for the file. */
struct mip6_conf *conf_load_mem(const char *name, const char *buf,
	    size_t len, char *err, size_t errlen);
void	 conf_free(struct mip6_conf *);
/* Print the effective configuration, defaults filled in, as YAML. */
void	 conf_print(FILE *, const struct mip6_conf *);
int	 conf_role_enabled(const struct mip6_conf *, enum conf_role);
const char *conf_role_name(enum conf_role);	/* "ha", "mn", "sig" */
int	 conf_role_from_name(const char *);	/* -1 when unknown */

/* Policy look-ups for request checks (mip6-priv). NULL when none. */
const struct conf_ha_link *conf_ha_link_for(const struct conf_ha *,
	    const struct in6_addr *);	/* link whose home prefix holds it */
const struct conf_mn *conf_ha_mn_find(const struct conf_ha *,
	    const struct in6_addr *hoa);

#endif
