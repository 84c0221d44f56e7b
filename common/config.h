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

#define CONF_DEFAULT_PATH	"/etc/mip6/mip6.yaml"

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

enum conf_ipsec {
	IPSEC_REQUIRED = 0,
	IPSEC_DISABLED
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
	char		 auth_alg[32];	/* e.g. "hmac(sha256)" */
	uint8_t		 auth_key[64];
	size_t		 auth_keylen;
	char		 enc_alg[32];	/* e.g. "cbc(aes)" */
	uint8_t		 enc_key[64];
	size_t		 enc_keylen;
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
	size_t		 nmns;
	uint32_t	 be_rate;		/* Binding Errors per second */
	int		 preference;		/* Home Agent Information option */
};

struct conf_mn_if {
	char		 ifname[IF_NAMESIZE];
	int		 preference;		/* higher is preferred */
};

struct conf_mnode {
	int		 enabled;
	struct in6_addr	 hoa;
	uint8_t		 hoa_plen;
	struct in6_addr	 ha;
	char		 home_ifname[IF_NAMESIZE];
	struct conf_mn_if *ifs;
	size_t		 nifs;
	uint32_t	 lifetime;		/* requested, seconds */
	uint32_t	 initial_bindack_timeout_first_reg_ms;	/* 1500 */
	uint32_t	 initial_bindack_timeout_ms;		/* 1000 */
	uint32_t	 max_bindack_timeout;			/* 32 s */
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
	struct conf_ha	 ha;
	struct conf_mnode mn;
	struct conf_sig	 sig;
};

/*
 * Load and validate FILE.  On error returns NULL and writes
 * "FILE:LINE:COLUMN: message" into err.
 */
struct mip6_conf *conf_load(const char *file, char *err, size_t errlen);
void	 conf_free(struct mip6_conf *);
/* Print the effective configuration, defaults filled in, as YAML. */
void	 conf_print(FILE *, const struct mip6_conf *);
int	 conf_role_enabled(const struct mip6_conf *, enum conf_role);
const char *conf_role_name(enum conf_role);	/* "ha", "mn", "sig" */
int	 conf_role_from_name(const char *);	/* -1 when unknown */

#endif
