/*
 * The configuration file, mip6.yaml(5).
 *
 * libyaml's event parser feeds a small tree (ynode) that keeps every
 * node's line and column; the tree is then walked against tables of key
 * definitions (struct keydef).  The same tables fill in the defaults and
 * drive conf_print(), so what is accepted, what is defaulted and what is
 * printed cannot drift apart.  Cross-field rules (a home address inside a
 * home prefix, unique SPIs...) are the *_check() functions.
 *
 * The first error ends the load: "FILE:LINE:COLUMN: where: what".
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bsd/string.h>
#include <yaml.h>

#include "addr.h"
#include "config.h"

#define Y_MAX_DEPTH	32	/* our schema nests 7 deep */
#define Y_MAX_KEYS	256	/* keys in one mapping; ours have < 20 */
#define C_PATH_LEN	128	/* "home-agent.mobile-nodes[12345].ipsec-keys" */
#define C_MSG_LEN	512
#define C_SUGGEST_MAX	2	/* edit distance for "did you mean" */
#define C_KEY_MAX	64	/* longest key we compute a distance for */
#define MS_PER_S	1000
#define MS_PER_M	(60 * MS_PER_S)
#define MS_PER_H	(60 * MS_PER_M)
#define MS_PER_D	(24 * MS_PER_H)
#define C_FRAC_DIGITS	9	/* decimals accepted in a duration */
#define C_INDENT	2
#define Y_QUOTE_MAX	40	/* characters of a value quoted in errors */
#define Y_KIND_LEN	(Y_QUOTE_MAX + 8)

_Static_assert(sizeof(enum conf_ipsec) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_tunnel) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_proxy_nd) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_child_policy) == sizeof(int), "enum size");
_Static_assert(sizeof(enum conf_kernel_start) == sizeof(int), "enum size");

/* ---- The YAML tree ---- */

enum ytype {
	Y_SCALAR,
	Y_MAP,
	Y_SEQ
};

struct ynode {
	enum ytype	  type;
	char		 *str;		/* Y_SCALAR: NUL-terminated */
	int		  plain;	/* unquoted scalar: may be null */
	unsigned int	  line, col;	/* 1-based */
	struct ynode	**kids;		/* Y_MAP: key, value, key, value... */
	size_t		  nkids, cap;
	struct ynode	 *parent;
};

struct cctx {
	const char	*name;
	char		*err;
	size_t		 errlen;
	char		 path[C_PATH_LEN];
	int		 strict;	/* section enabled: required keys, checks */
};

/* ---- Key tables ---- */

enum ktype {
	K_BOOL,
	K_UINT,		/* uint32_t */
	K_INT,		/* int */
	K_SEC,		/* uint32_t seconds, written as a duration */
	K_MSEC,		/* uint32_t milliseconds, written as a duration */
	K_ENUM,		/* int */
	K_CHOICE,	/* char[size], one of e[] */
	K_ADDR,		/* struct in6_addr, global unicast */
	K_IFNAME,	/* char[size] */
	K_NAME,		/* char[size], user or group */
	K_PATH,		/* char[size], absolute */
	K_HEX,		/* uint8_t[size] at off, size_t length at noff */
	K_MAP,		/* sub-table on base + off */
	K_LIST,		/* array pointer at off, size_t count at noff */
	K_CUSTOM
};

#define KF_REQUIRED	0x01
#define KF_HEX		0x02	/* print numbers in hex */
#define KF_NONEMPTY	0x04	/* a list needs one element */
#define KF_OPTMAP	0x08	/* K_MAP: int presence flag at noff */
#define KF_SECTION	0x10	/* K_MAP: a role section (enable, null ok) */

struct kenum {
	const char	*name;
	int		 val;
};

struct keydef;
typedef int	 (*kparse_fn)(struct cctx *, const struct ynode *, void *);
typedef int	 (*kcheck_fn)(struct cctx *, const struct ynode *, void *);
typedef void	 (*kprint_fn)(FILE *, const void *, int);

struct keydef {
	const char		*name;
	enum ktype		 type;
	size_t			 off;
	size_t			 size;	/* strings, K_HEX: buffer; K_LIST: elem */
	size_t			 noff;	/* K_HEX, K_LIST count; KF_OPTMAP flag */
	int64_t			 min, max;
	int64_t			 def;
	const char		*sdef;
	const struct kenum	*e;
	const struct keydef	*sub;
	int			 flags;
	kparse_fn		 parse;	/* K_CUSTOM */
	kprint_fn		 print;	/* K_CUSTOM */
	kcheck_fn		 check;	/* K_MAP, K_LIST element: after walk */
	const char		*scalar_key; /* K_LIST: "- x" means {key: x} */
};

/* Printing state: a list element's first key carries the "- ". */
struct pstate {
	FILE	*fp;
	int	 dash;
};

static struct ynode *y_new(enum ytype, const yaml_mark_t *);
static void	 y_free(struct ynode *);
static int	 y_add(struct cctx *, struct ynode *, struct ynode *);
static int	 y_isnull(const struct ynode *);
static const struct ynode *y_get(const struct ynode *, const char *);
static const char *y_kind(const struct ynode *, char *, size_t);
static struct ynode *y_load(struct cctx *, const char *, size_t);
static int	 c_err(struct cctx *, const struct ynode *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 c_expected(struct cctx *, const struct ynode *, const char *);
static int	 c_errmark(struct cctx *, unsigned int, unsigned int,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static size_t	 c_push(struct cctx *, const char *, long);
static void	 c_pop(struct cctx *, size_t);
static const char *c_scalar(struct cctx *, const struct ynode *,
		    const char *);
static int	 c_int64(const char *, int64_t *);
static int	 c_duration(const char *, uint64_t *);
static unsigned int c_distance(const char *, const char *);
static int	 c_unknown(struct cctx *, const struct ynode *,
		    const struct keydef *, int);
static int	 c_value(struct cctx *, const struct keydef *,
		    const struct ynode *, void *);
static int	 c_map(struct cctx *, const struct keydef *,
		    const struct ynode *, void *, kcheck_fn);
static int	 c_list(struct cctx *, const struct keydef *,
		    const struct ynode *, void *);
static void	 c_defaults(const struct keydef *, void *);
static int	 c_ifname_ok(const char *);
static int	 c_prefix(struct cctx *, const struct ynode *,
		    struct conf_prefix *);
static int	 c_hex(struct cctx *, const struct ynode *, uint8_t *,
		    size_t, size_t *);
static const struct ynode *c_elem(const struct ynode *, const char *,
		    size_t, const char *);
static struct mip6_conf *c_walk(struct cctx *, const struct ynode *);
static void	 c_free_lists(struct mip6_conf *);

static int	 p_prefixes(struct cctx *, const struct ynode *, void *);
static int	 p_hoa(struct cctx *, const struct ynode *, void *);
static int	 p_mn_ha(struct cctx *, const struct ynode *, void *);
static int	 p_ro(struct cctx *, const struct ynode *, void *);
static void	 w_prefixes(FILE *, const void *, int);
static void	 w_hoa(FILE *, const void *, int);
static void	 w_mn_ha(FILE *, const void *, int);
static void	 w_ro(FILE *, const void *, int);

static int	 chk_common(struct cctx *, const struct ynode *, void *);
static int	 chk_sa(struct cctx *, const struct ynode *, void *);
static int	 chk_ha(struct cctx *, const struct ynode *, void *);
static int	 chk_mn(struct cctx *, const struct ynode *, void *);

static void	 w_indent(struct pstate *, int);
static void	 w_string(FILE *, const char *);
static void	 w_addr(FILE *, const struct in6_addr *);
static void	 w_duration(FILE *, uint64_t);
static void	 w_map(struct pstate *, const struct keydef *, const void *,
		    int);

/* ---- Enumerations ---- */

static const struct kenum e_loglevel[] = {
	{ "warning", 0 }, { "info", 1 }, { "debug", 2 }, { NULL, 0 }
};
static const struct kenum e_child[] = {
	{ "restart", CHILD_RESTART }, { "exit", CHILD_EXIT }, { NULL, 0 }
};
static const struct kenum e_kstart[] = {
	{ "remove", KSTART_REMOVE }, { "adopt", KSTART_ADOPT }, { NULL, 0 }
};
static const struct kenum e_ipsec[] = {
	{ "required", IPSEC_REQUIRED }, { "disabled", IPSEC_DISABLED },
	{ NULL, 0 }
};
static const struct kenum e_proxy_nd[] = {
	{ "kernel", PROXY_ND_KERNEL }, { "daemon", PROXY_ND_DAEMON },
	{ NULL, 0 }
};
static const struct kenum e_tunnel[] = {
	{ "shared", TUNNEL_SHARED }, { "per-binding", TUNNEL_PER_BINDING },
	{ NULL, 0 }
};

/*
 * ESP algorithms by their Linux XFRM names, with the key lengths (bytes)
 * each accepts.  RFC 3776 needs a non-null authentication algorithm.
 */
#define ALG_MAX_KEYLENS	3
struct alg {
	const char	*name;
	size_t		 keylen[ALG_MAX_KEYLENS];	/* 0-terminated */
};
static const struct alg auth_algs[] = {
	{ "hmac(md5)", { 16 } },
	{ "hmac(sha1)", { 20 } },
	{ "hmac(sha256)", { 32 } },
	{ "hmac(sha384)", { 48 } },
	{ "hmac(sha512)", { 64 } },
	{ NULL, { 0 } }
};
static const struct alg enc_algs[] = {
	{ CONF_NULL_ENC_ALG, { 0 } },
	{ "cbc(aes)", { 16, 24, 32 } },
	{ "cbc(des3_ede)", { 24 } },
	{ "rfc3686(ctr(aes))", { 20, 28, 36 } },
	{ NULL, { 0 } }
};
static const struct kenum e_auth[] = {
	{ "hmac(md5)", 0 }, { "hmac(sha1)", 0 }, { "hmac(sha256)", 0 },
	{ "hmac(sha384)", 0 }, { "hmac(sha512)", 0 }, { NULL, 0 }
};
static const struct kenum e_enc[] = {
	{ CONF_NULL_ENC_ALG, 0 }, { "cbc(aes)", 0 }, { "cbc(des3_ede)", 0 },
	{ "rfc3686(ctr(aes))", 0 }, { NULL, 0 }
};

/* ---- The schema ---- */

#define F(s, f)		offsetof(s, f)
#define SZ(s, f)	sizeof(((s *)0)->f)

static const struct keydef k_backoff[] = {
	{ .name = "min", .type = K_SEC, .off = F(struct mip6_conf,
	    restart_backoff_min), .min = 1, .max = CONF_MAX_BACKOFF_S,
	    .def = CONF_DEF_BACKOFF_MIN_S },
	{ .name = "max", .type = K_SEC, .off = F(struct mip6_conf,
	    restart_backoff_max), .min = 1, .max = CONF_MAX_BACKOFF_S,
	    .def = CONF_DEF_BACKOFF_MAX_S },
	{ .name = NULL }
};

static const struct keydef k_common[] = {
	{ .name = "log-level", .type = K_ENUM, .off = F(struct mip6_conf,
	    verbose), .e = e_loglevel, .def = CONF_DEF_VERBOSE },
	{ .name = "user", .type = K_NAME, .off = F(struct mip6_conf, user),
	    .size = SZ(struct mip6_conf, user), .sdef = CONF_DEF_USER },
	{ .name = "group", .type = K_NAME, .off = F(struct mip6_conf, group),
	    .size = SZ(struct mip6_conf, group), .sdef = CONF_DEF_GROUP },
	{ .name = "control-dir", .type = K_PATH, .off = F(struct mip6_conf,
	    control_dir), .size = SZ(struct mip6_conf, control_dir),
	    .sdef = CONF_DEF_CONTROL_DIR },
	{ .name = "state-dir", .type = K_PATH, .off = F(struct mip6_conf,
	    state_dir), .size = SZ(struct mip6_conf, state_dir),
	    .sdef = CONF_DEF_STATE_DIR },
	{ .name = "chroot", .type = K_PATH, .off = F(struct mip6_conf,
	    chroot_dir), .size = SZ(struct mip6_conf, chroot_dir),
	    .sdef = CONF_DEF_CHROOT_DIR },
	{ .name = "on-child-exit", .type = K_ENUM, .off = F(struct mip6_conf,
	    child_policy), .e = e_child, .def = CHILD_RESTART },
	{ .name = "restart-backoff", .type = K_MAP, .off = 0,
	    .sub = k_backoff },
	{ .name = "kernel-state-on-start", .type = K_ENUM,
	    .off = F(struct mip6_conf, kernel_start), .e = e_kstart,
	    .def = KSTART_REMOVE },
	{ .name = "persist-bindings", .type = K_BOOL,
	    .off = F(struct mip6_conf, persist_bindings), .def = 0 },
	{ .name = "state-sync-delay", .type = K_MSEC,
	    .off = F(struct mip6_conf, state_sync_delay_ms), .min = 0,
	    .max = CONF_MAX_STATE_SYNC_DELAY_MS,
	    .def = CONF_DEF_STATE_SYNC_DELAY_MS },
	{ .name = NULL }
};

static const struct keydef k_sa[] = {
	{ .name = "spi", .type = K_UINT, .off = F(struct conf_sa, spi),
	    .min = CONF_MIN_SPI, .max = UINT32_MAX,
	    .flags = KF_REQUIRED | KF_HEX },
	{ .name = "auth-algorithm", .type = K_CHOICE, .off = F(struct conf_sa,
	    auth_alg), .size = SZ(struct conf_sa, auth_alg), .e = e_auth,
	    .flags = KF_REQUIRED },
	{ .name = "auth-key", .type = K_HEX, .off = F(struct conf_sa,
	    auth_key), .size = SZ(struct conf_sa, auth_key),
	    .noff = F(struct conf_sa, auth_keylen), .flags = KF_REQUIRED },
	{ .name = "enc-algorithm", .type = K_CHOICE, .off = F(struct conf_sa,
	    enc_alg), .size = SZ(struct conf_sa, enc_alg), .e = e_enc,
	    .sdef = CONF_NULL_ENC_ALG },
	{ .name = "enc-key", .type = K_HEX, .off = F(struct conf_sa,
	    enc_key), .size = SZ(struct conf_sa, enc_key),
	    .noff = F(struct conf_sa, enc_keylen) },
	{ .name = NULL }
};

/* The home agent's view: in = towards it, out = towards the node. */
static const struct keydef k_ha_keys[] = {
	{ .name = "to-home-agent", .type = K_MAP, .off = F(struct conf_mn,
	    sa_in), .sub = k_sa, .check = chk_sa, .flags = KF_REQUIRED },
	{ .name = "to-mobile-node", .type = K_MAP, .off = F(struct conf_mn,
	    sa_out), .sub = k_sa, .check = chk_sa, .flags = KF_REQUIRED },
	{ .name = NULL }
};

static const struct keydef k_mn_keys[] = {
	{ .name = "to-home-agent", .type = K_MAP, .off = F(struct conf_mnode,
	    sa_out), .sub = k_sa, .check = chk_sa, .flags = KF_REQUIRED },
	{ .name = "to-mobile-node", .type = K_MAP, .off = F(struct conf_mnode,
	    sa_in), .sub = k_sa, .check = chk_sa, .flags = KF_REQUIRED },
	{ .name = NULL }
};

static const struct keydef k_ha_link[] = {
	{ .name = "interface", .type = K_IFNAME, .off = F(struct conf_ha_link,
	    ifname), .size = SZ(struct conf_ha_link, ifname),
	    .flags = KF_REQUIRED },
	{ .name = "address", .type = K_ADDR, .off = F(struct conf_ha_link,
	    addr), .flags = KF_REQUIRED },
	{ .name = "home-prefixes", .type = K_CUSTOM, .parse = p_prefixes,
	    .print = w_prefixes, .flags = KF_REQUIRED },
	{ .name = NULL }
};

static const struct keydef k_ha_mn[] = {
	{ .name = "home-address", .type = K_ADDR, .off = F(struct conf_mn,
	    hoa), .flags = KF_REQUIRED },
	{ .name = "ipsec-keys", .type = K_MAP, .off = 0, .sub = k_ha_keys,
	    .noff = F(struct conf_mn, has_sa), .flags = KF_OPTMAP },
	{ .name = NULL }
};

static const struct keydef k_ha[] = {
	{ .name = "enable", .type = K_BOOL, .off = F(struct conf_ha,
	    enabled), .def = 1 },
	{ .name = "links", .type = K_LIST, .off = F(struct conf_ha, links),
	    .noff = F(struct conf_ha, nlinks),
	    .size = sizeof(struct conf_ha_link), .sub = k_ha_link,
	    .flags = KF_REQUIRED | KF_NONEMPTY },
	{ .name = "max-bindings", .type = K_UINT, .off = F(struct conf_ha,
	    max_bindings), .min = 1, .max = CONF_MAX_BINDINGS,
	    .def = CONF_DEF_HA_MAX_BINDINGS },
	{ .name = "max-lifetime", .type = K_SEC, .off = F(struct conf_ha,
	    max_lifetime), .min = CONF_MIN_LIFETIME_S,
	    .max = CONF_MAX_LIFETIME_S, .def = CONF_DEF_HA_MAX_LIFETIME_S },
	{ .name = "binding-refresh-before", .type = K_SEC,
	    .off = F(struct conf_ha, brr_before), .min = 0,
	    .max = CONF_MAX_LIFETIME_S, .def = CONF_DEF_BRR_BEFORE_S },
	{ .name = "dad", .type = K_BOOL, .off = F(struct conf_ha, dad),
	    .def = 1 },
	{ .name = "ipsec", .type = K_ENUM, .off = F(struct conf_ha, ipsec),
	    .e = e_ipsec, .def = IPSEC_REQUIRED },
	{ .name = "preference", .type = K_INT, .off = F(struct conf_ha,
	    preference), .min = CONF_MIN_HA_PREFERENCE,
	    .max = CONF_MAX_HA_PREFERENCE, .def = CONF_DEF_HA_PREFERENCE },
	{ .name = "binding-error-rate", .type = K_UINT,
	    .off = F(struct conf_ha, be_rate), .min = 1, .max = CONF_MAX_RATE,
	    .def = CONF_DEF_BE_RATE },
	{ .name = "dad-max-pending", .type = K_UINT,
	    .off = F(struct conf_ha, dad_max_pending), .min = 1,
	    .max = CONF_MAX_PENDING, .def = CONF_DEF_DAD_MAX_PENDING },
	{ .name = "kernel-max-pending", .type = K_UINT,
	    .off = F(struct conf_ha, kernel_max_pending), .min = 1,
	    .max = CONF_MAX_PENDING, .def = CONF_DEF_KERNEL_MAX_PENDING },
	{ .name = "bu-rate-per-source", .type = K_UINT,
	    .off = F(struct conf_ha, bu_rate_per_source), .min = 0,
	    .max = CONF_MAX_RATE, .def = 0 },
	{ .name = "tunnel", .type = K_ENUM, .off = F(struct conf_ha, tunnel),
	    .e = e_tunnel, .def = TUNNEL_SHARED },
	{ .name = "proxy-nd", .type = K_ENUM, .off = F(struct conf_ha,
	    proxy_nd), .e = e_proxy_nd, .def = PROXY_ND_KERNEL },
	{ .name = "mobile-nodes", .type = K_LIST, .off = F(struct conf_ha,
	    mns), .noff = F(struct conf_ha, nmns),
	    .size = sizeof(struct conf_mn), .sub = k_ha_mn },
	{ .name = NULL }
};

static const struct keydef k_mn_if[] = {
	{ .name = "name", .type = K_IFNAME, .off = F(struct conf_mn_if,
	    ifname), .size = SZ(struct conf_mn_if, ifname),
	    .flags = KF_REQUIRED },
	{ .name = "preference", .type = K_INT, .off = F(struct conf_mn_if,
	    preference), .min = 0, .max = CONF_MAX_IF_PREFERENCE,
	    .def = CONF_DEF_IF_PREFERENCE },
	{ .name = NULL }
};

static const struct keydef k_mn[] = {
	{ .name = "enable", .type = K_BOOL, .off = F(struct conf_mnode,
	    enabled), .def = 1 },
	{ .name = "home-address", .type = K_CUSTOM, .parse = p_hoa,
	    .print = w_hoa, .flags = KF_REQUIRED },
	{ .name = "home-agent", .type = K_CUSTOM, .parse = p_mn_ha,
	    .print = w_mn_ha },
	{ .name = "home-interface", .type = K_IFNAME,
	    .off = F(struct conf_mnode, home_ifname),
	    .size = SZ(struct conf_mnode, home_ifname) },
	{ .name = "interfaces", .type = K_LIST, .off = F(struct conf_mnode,
	    ifs), .noff = F(struct conf_mnode, nifs),
	    .size = sizeof(struct conf_mn_if), .sub = k_mn_if,
	    .scalar_key = "name", .flags = KF_REQUIRED | KF_NONEMPTY },
	{ .name = "lifetime", .type = K_SEC, .off = F(struct conf_mnode,
	    lifetime), .min = CONF_MIN_LIFETIME_S, .max = CONF_MAX_LIFETIME_S,
	    .def = CONF_DEF_MN_LIFETIME_S },
	{ .name = "correspondent-lifetime", .type = K_SEC,
	    .off = F(struct conf_mnode, cn_lifetime),
	    .min = CONF_MIN_LIFETIME_S, .max = MAX_RR_BINDING_LIFETIME_S,
	    .def = CONF_DEF_MN_CN_LIFETIME_S },
	{ .name = "initial-bindack-timeout-first-reg", .type = K_MSEC,
	    .off = F(struct conf_mnode, initial_bindack_timeout_first_reg_ms),
	    .min = 1, .max = MAX_BINDACK_TIMEOUT_MS,
	    .def = INITIAL_BINDACK_TIMEOUT_FIRSTREG_MS },
	{ .name = "initial-bindack-timeout", .type = K_MSEC,
	    .off = F(struct conf_mnode, initial_bindack_timeout_ms),
	    .min = 1, .max = MAX_BINDACK_TIMEOUT_MS,
	    .def = INITIAL_BINDACK_TIMEOUT_MS },
	{ .name = "max-bindack-timeout", .type = K_SEC,
	    .off = F(struct conf_mnode, max_bindack_timeout), .min = 1,
	    .max = MAX_BINDACK_TIMEOUT_MS / MS_PER_S,
	    .def = MAX_BINDACK_TIMEOUT_MS / MS_PER_S },
	{ .name = "route-optimization", .type = K_CUSTOM, .parse = p_ro,
	    .print = w_ro },
	{ .name = "ipsec", .type = K_ENUM, .off = F(struct conf_mnode, ipsec),
	    .e = e_ipsec, .def = IPSEC_REQUIRED },
	{ .name = "ipsec-keys", .type = K_MAP, .off = 0, .sub = k_mn_keys,
	    .noff = F(struct conf_mnode, has_sa), .flags = KF_OPTMAP },
	{ .name = NULL }
};

static const struct keydef k_sig[] = {
	{ .name = "enable", .type = K_BOOL, .off = F(struct conf_sig,
	    enabled), .def = 1 },
	{ .name = "max-bindings", .type = K_UINT, .off = F(struct conf_sig,
	    max_bindings), .min = 1, .max = CONF_MAX_BINDINGS,
	    .def = CONF_DEF_SIG_MAX_BINDINGS },
	{ .name = "max-lifetime", .type = K_SEC, .off = F(struct conf_sig,
	    max_lifetime), .min = CONF_MIN_LIFETIME_S,
	    .max = MAX_RR_BINDING_LIFETIME_S,
	    .def = CONF_DEF_SIG_MAX_LIFETIME_S },
	{ .name = "rate-limit", .type = K_UINT, .off = F(struct conf_sig,
	    rate_limit), .min = 0, .max = CONF_MAX_RATE,
	    .def = CONF_DEF_SIG_RATE_LIMIT },
	{ .name = "binding-error-rate", .type = K_UINT,
	    .off = F(struct conf_sig, be_rate), .min = 1,
	    .max = CONF_MAX_RATE, .def = CONF_DEF_BE_RATE },
	{ .name = "nonce-lifetime", .type = K_SEC, .off = F(struct conf_sig,
	    nonce_lifetime), .min = 1, .max = MAX_NONCE_LIFETIME_S,
	    .def = CONF_DEF_NONCE_LIFETIME_S },
	{ .name = NULL }
};

static const struct keydef k_root[] = {
	{ .name = "common", .type = K_MAP, .off = 0, .sub = k_common,
	    .check = chk_common, .flags = KF_SECTION },
	{ .name = "home-agent", .type = K_MAP, .off = F(struct mip6_conf, ha),
	    .sub = k_ha, .check = chk_ha, .flags = KF_SECTION },
	{ .name = "mobile-node", .type = K_MAP, .off = F(struct mip6_conf,
	    mn), .sub = k_mn, .check = chk_mn, .flags = KF_SECTION },
	{ .name = "correspondent", .type = K_MAP, .off = F(struct mip6_conf,
	    sig), .sub = k_sig, .flags = KF_SECTION },
	{ .name = NULL }
};

/* Sections whose keys we name when one turns up in the wrong place. */
static const struct keydef *const k_sections[] = {
	k_common, k_ha, k_mn, k_sig, NULL
};
static const char *const k_section_names[] = {
	"common", "home-agent", "mobile-node", "correspondent", NULL
};

#define FIELD(base, off, type)	((type *)(void *)((char *)(base) + (off)))
#define CFIELD(base, off, type)	\
	((const type *)(const void *)((const char *)(base) + (off)))

/* ---- Errors ---- */

static int
c_errmark(struct cctx *x, unsigned int line, unsigned int col,
    const char *fmt, ...)
{
	char	 msg[C_MSG_LEN];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errlen, "%s:%u:%u: %s%s%s", x->name, line, col,
	    x->path, x->path[0] != '\0' ? ": " : "", msg);
	return -1;
}

static int
c_err(struct cctx *x, const struct ynode *n, const char *fmt, ...)
{
	char	 msg[C_MSG_LEN];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return c_errmark(x, n->line, n->col, "%s", msg);
}

static int
c_expected(struct cctx *x, const struct ynode *n, const char *what)
{
	char	 kind[Y_KIND_LEN];

	/* "- 2001:db8::" is a mapping to YAML: say so, it is a classic. */
	if (n->type == Y_MAP && n->nkids == 2 && y_isnull(n->kids[1]))
		return c_err(x, n, "expected %s, got a mapping (quote a value "
		    "that ends in ':', e.g. \"%s:\")", what, n->kids[0]->str);
	return c_err(x, n, "expected %s, got %s", what,
	    y_kind(n, kind, sizeof(kind)));
}

/* Extend the key path for messages; idx >= 0 adds "[idx]". */
static size_t
c_push(struct cctx *x, const char *key, long idx)
{
	size_t	 old = strlen(x->path);

	if (idx >= 0)
		snprintf(x->path + old, sizeof(x->path) - old, "[%ld]", idx);
	else
		snprintf(x->path + old, sizeof(x->path) - old, "%s%s",
		    old > 0 ? "." : "", key);
	return old;
}

static void
c_pop(struct cctx *x, size_t old)
{
	x->path[old] = '\0';
}

/* ---- Building the tree ---- */

static struct ynode *
y_new(enum ytype type, const yaml_mark_t *m)
{
	struct ynode	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->type = type;
	n->line = (unsigned int)m->line + 1;
	n->col = (unsigned int)m->column + 1;
	return n;
}

static void
y_free(struct ynode *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		y_free(n->kids[i]);	/* depth is bounded by Y_MAX_DEPTH */
	free(n->kids);
	free(n->str);
	free(n);
}

/* Attach n under parent; on error n is freed. */
static int
y_add(struct cctx *x, struct ynode *parent, struct ynode *n)
{
	struct ynode	**k;
	size_t		  i;

	if (parent->type == Y_MAP && parent->nkids % 2 == 0) {
		if (n->type != Y_SCALAR || y_isnull(n)) {
			c_expected(x, n, "a key name");
			y_free(n);
			return -1;
		}
		if (parent->nkids / 2 >= Y_MAX_KEYS) {
			c_err(x, n, "more than %d keys in one mapping",
			    Y_MAX_KEYS);
			y_free(n);
			return -1;
		}
		for (i = 0; i < parent->nkids; i += 2)
			if (strcmp(parent->kids[i]->str, n->str) == 0) {
				c_err(x, n, "duplicate key '%s' (first at "
				    "line %u)", n->str, parent->kids[i]->line);
				y_free(n);
				return -1;
			}
	}
	if (parent->nkids == parent->cap) {
		k = reallocarray(parent->kids, parent->cap ? parent->cap * 2 :
		    4, sizeof(*k));
		if (k == NULL) {
			c_err(x, n, "%s", strerror(ENOMEM));
			y_free(n);
			return -1;
		}
		parent->kids = k;
		parent->cap = parent->cap ? parent->cap * 2 : 4;
	}
	parent->kids[parent->nkids++] = n;
	n->parent = parent;
	return 0;
}

static int
y_isnull(const struct ynode *n)
{
	return n->type == Y_SCALAR && n->plain && (n->str[0] == '\0' ||
	    strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	    strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

/* What we found, for "expected X, got Y": a short quote of a scalar. */
static const char *
y_kind(const struct ynode *n, char *buf, size_t len)
{
	switch (n->type) {
	case Y_MAP:
		return "a mapping";
	case Y_SEQ:
		return "a list";
	case Y_SCALAR:
		break;
	}
	if (y_isnull(n))
		return "no value";
	if (strlen(n->str) > Y_QUOTE_MAX)
		snprintf(buf, len, "'%.*s...'", Y_QUOTE_MAX, n->str);
	else
		snprintf(buf, len, "'%s'", n->str);
	return buf;
}

static const struct ynode *
y_get(const struct ynode *map, const char *key)
{
	size_t	 i;

	if (map == NULL || map->type != Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nkids; i += 2)
		if (strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

/* Line of a byte offset, for reader errors libyaml reports without mark. */
static void
y_offset_mark(const char *buf, size_t len, size_t off, yaml_mark_t *m)
{
	size_t	 i;

	m->line = 0;
	m->column = 0;
	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			m->line++;
			m->column = 0;
		} else
			m->column++;
	}
}

static struct ynode *
y_load(struct cctx *x, const char *buf, size_t len)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	yaml_mark_t	 m;
	struct ynode	*root = NULL, *cur = NULL, *n;
	int		 depth = 0, ndocs = 0, done = 0, failed = 0;
	const char	*problem;

	if (!yaml_parser_initialize(&p)) {
		snprintf(x->err, x->errlen, "%s: %s", x->name,
		    strerror(ENOMEM));
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && !failed) {
		if (!yaml_parser_parse(&p, &ev)) {
			m = p.problem_mark;
			if (p.error == YAML_READER_ERROR)
				y_offset_mark(buf, len, p.problem_offset, &m);
			problem = p.problem != NULL ? p.problem : "error";
			c_errmark(x, (unsigned int)m.line + 1,
			    (unsigned int)m.column + 1,
			    "YAML syntax error: %s%s%s", problem,
			    p.context != NULL ? " " : "",
			    p.context != NULL ? p.context : "");
			failed = 1;
			break;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				c_errmark(x,
				    (unsigned int)ev.start_mark.line + 1,
				    (unsigned int)ev.start_mark.column + 1,
				    "more than one YAML document");
				failed = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			c_errmark(x, (unsigned int)ev.start_mark.line + 1,
			    (unsigned int)ev.start_mark.column + 1,
			    "YAML aliases (*%s) are not supported",
			    (const char *)ev.data.alias.anchor);
			failed = 1;
			break;
		case YAML_SCALAR_EVENT:
			if ((n = y_new(Y_SCALAR, &ev.start_mark)) == NULL)
				goto nomem;
			if (memchr(ev.data.scalar.value, '\0',
			    ev.data.scalar.length) != NULL) {
				c_err(x, n, "NUL character in a value");
				y_free(n);
				n = NULL;
				failed = 1;
				break;
			}
			n->str = strndup((const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			if (n->str == NULL) {
				y_free(n);
				goto nomem;
			}
			n->plain = ev.data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			n = y_new(ev.type == YAML_MAPPING_START_EVENT ? Y_MAP :
			    Y_SEQ, &ev.start_mark);
			if (n == NULL)
				goto nomem;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			cur = cur->parent;
			depth--;
			break;
		default:
			break;
		}
		if (n != NULL && !failed) {
			if (cur == NULL)
				root = n;
			else if (y_add(x, cur, n) == -1) {
				failed = 1;
				n = NULL;
			}
		}
		if (n != NULL && !failed && n->type != Y_SCALAR) {
			if (++depth > Y_MAX_DEPTH) {
				c_err(x, n, "nested more than %d deep",
				    Y_MAX_DEPTH);
				failed = 1;
			}
			cur = n;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (failed) {
		y_free(root);
		return NULL;
	}
	if (root == NULL || y_isnull(root)) {
		c_errmark(x, 1, 1, "empty configuration file");
		y_free(root);
		return NULL;
	}
	return root;

nomem:
	yaml_event_delete(&ev);
	yaml_parser_delete(&p);
	y_free(root);
	snprintf(x->err, x->errlen, "%s: %s", x->name, strerror(ENOMEM));
	return NULL;
}

/* ---- Scalars ---- */

/* The scalar's text, or NULL after an error naming what was expected. */
static const char *
c_scalar(struct cctx *x, const struct ynode *n, const char *what)
{
	if (n->type != Y_SCALAR || y_isnull(n)) {
		c_expected(x, n, what);
		return NULL;
	}
	return n->str;
}

/* Decimal or 0x hexadecimal, optional '-'.  0; -1 not a number; -2 too
 * large for 64 bits. */
static int
c_int64(const char *s, int64_t *out)
{
	uint64_t	 v = 0, base = 10, d, lim;
	int		 neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			d = (uint64_t)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (uint64_t)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return -1;
		if (v > (lim - d) / base) {
			for (; *s != '\0'; s++)
				if (!isxdigit((unsigned char)*s) ||
				    (base == 10 && !isdigit((unsigned char)*s)))
					return -1;
			return -2;
		}
		v = v * base + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/*
 * A duration in milliseconds: "30" and "30s" are seconds; "1.5s",
 * "1500ms", "5m", "2h", "1d".  -1 when it does not parse, -2 when it is
 * finer than a millisecond.
 */
static int
c_duration(const char *s, uint64_t *ms)
{
	uint64_t	 ip = 0, fp = 0, scale = 1, unit;
	const char	*p = s;
	int		 nint = 0, nfrac = 0;

	for (; *p >= '0' && *p <= '9'; p++, nint++) {
		if (ip > (UINT32_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (nint == 0)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nfrac++) {
			if (nfrac >= C_FRAC_DIGITS)
				return -1;
			fp = fp * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
		if (nfrac == 0)
			return -1;
	}
	if (*p == '\0' || strcmp(p, "s") == 0)
		unit = MS_PER_S;
	else if (strcmp(p, "ms") == 0)
		unit = 1;
	else if (strcmp(p, "m") == 0)
		unit = MS_PER_M;
	else if (strcmp(p, "h") == 0)
		unit = MS_PER_H;
	else if (strcmp(p, "d") == 0)
		unit = MS_PER_D;
	else
		return -1;
	/* ip < 2^32 and unit < 2^27: no overflow in 64 bits. */
	if ((fp * unit) % scale != 0)
		return -2;
	*ms = ip * unit + fp * unit / scale;
	return 0;
}

/* Levenshtein distance, for "did you mean". */
static unsigned int
c_distance(const char *a, const char *b)
{
	unsigned int	 row[C_KEY_MAX + 1], diag, up, i, j;
	size_t		 la = strlen(a), lb = strlen(b);

	if (la > C_KEY_MAX || lb > C_KEY_MAX)
		return UINT32_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

static int
c_unknown(struct cctx *x, const struct ynode *key, const struct keydef *tab,
    int root)
{
	const struct keydef	*k, *best = NULL;
	unsigned int		 d, bestd = UINT32_MAX;
	size_t			 s, len;
	char			 where[C_MSG_LEN];
	const char		*what = root ? "section" : "key";

	for (k = tab; k->name != NULL; k++) {
		d = c_distance(key->str, k->name);
		if (d < bestd) {
			bestd = d;
			best = k;
		}
	}
	if (best != NULL && bestd <= C_SUGGEST_MAX &&
	    bestd * 3 <= strlen(best->name))
		return c_err(x, key, "unknown %s '%s' (did you mean '%s'?)",
		    what, key->str, best->name);
	where[0] = '\0';
	for (s = 0; k_sections[s] != NULL; s++) {
		if (k_sections[s] == tab)
			continue;
		for (k = k_sections[s]; k->name != NULL; k++)
			if (strcmp(k->name, key->str) == 0) {
				len = strlen(where);
				snprintf(where + len, sizeof(where) - len,
				    "%s%s", len ? ", " : "",
				    k_section_names[s]);
			}
	}
	if (where[0] != '\0')
		return c_err(x, key, "unknown %s '%s' (it belongs in %s)",
		    what, key->str, where);
	return c_err(x, key, "unknown %s '%s'", what, key->str);
}

/* Linux's dev_valid_name(), minus what would need quoting in YAML. */
static int
c_ifname_ok(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len >= IF_NAMESIZE || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)s[i]) || s[i] == '/' ||
		    s[i] == ':')
			return 0;
	return 1;
}

static int
c_hex(struct cctx *x, const struct ynode *n, uint8_t *out, size_t max,
    size_t *outlen)
{
	const char	*s, *p;
	size_t		 len, i;
	unsigned int	 hi, lo;

	if ((s = c_scalar(x, n, "a hexadecimal key")) == NULL)
		return -1;
	p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	len = strlen(p);
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)p[i]))
			return c_err(x, n, "expected a hexadecimal key, got "
			    "'%s'", s);
	if (len == 0 || len % 2 != 0)
		return c_err(x, n, "a hexadecimal key needs an even number "
		    "of digits, got %zu", len);
	if (len / 2 > max)
		return c_err(x, n, "key is %zu bytes, at most %zu allowed",
		    len / 2, max);
	for (i = 0; i < len / 2; i++) {
		hi = (unsigned int)(isdigit((unsigned char)p[2 * i]) ?
		    p[2 * i] - '0' : tolower((unsigned char)p[2 * i]) -
		    'a' + 10);
		lo = (unsigned int)(isdigit((unsigned char)p[2 * i + 1]) ?
		    p[2 * i + 1] - '0' : tolower((unsigned char)p[2 * i +
		    1]) - 'a' + 10);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = len / 2;
	return 0;
}

/*
 * A global unicast ADDR/PLEN scalar (PLEN 1..128), WHAT it should be for
 * the type error: KIND names it in the other errors ("prefix",
 * "address"), NOPLEN says what a missing length lacks ("has no prefix
 * length (write it as").  The scalar itself into *SP.
 */
static int
c_addr_plen(struct cctx *x, const struct ynode *n, const char *what,
    const char *kind, const char *noplen, struct in6_addr *a,
    unsigned int *plen, const char **sp)
{
	const char	*s;

	if ((*sp = s = c_scalar(x, n, what)) == NULL)
		return -1;
	*plen = 0;
	switch (addr_parse_prefix(s, a, plen, 1)) {
	case ADDR_OK:
		break;
	case ADDR_ENOPLEN:
		return c_err(x, n, "'%s' %s %s/64)", s, noplen, s);
	case ADDR_EBADPLEN:
		return c_err(x, n, "bad prefix length in '%s'", s);
	case ADDR_EPLENRANGE:
		return c_err(x, n, "prefix length in '%s' out of range "
		    "(1..%d)", s, ADDR_MAX_PLEN);
	default:
		return c_err(x, n, "bad IPv6 %s '%s'", kind, s);
	}
	if (*plen == 0)
		return c_err(x, n, "prefix length in '%s' out of range (1..%d)",
		    s, ADDR_MAX_PLEN);
	if (!addr_is_global_unicast(a))
		return c_err(x, n, "'%s' is not a global unicast %s", s, kind);
	return 0;
}

static int
c_prefix(struct cctx *x, const struct ynode *n, struct conf_prefix *pfx)
{
	const char	*s;
	unsigned int	 plen;
	char		 buf[ADDR_PREFIX_STRLEN];

	if (c_addr_plen(x, n, "an IPv6 prefix", "prefix", "has no prefix "
	    "length (write it as", &pfx->addr, &plen, &s) == -1)
		return -1;
	if (!addr_host_bits_zero(&pfx->addr, plen)) {
		addr_mask(&pfx->addr, plen);
		return c_err(x, n, "'%s' has bits set after the prefix length "
		    "(did you mean %s?)", s, addr_prefix_ntop(&pfx->addr, plen,
		    buf, sizeof(buf)));
	}
	pfx->plen = (uint8_t)plen;
	return 0;
}

/* One scalar value into its field. */
static int
c_value(struct cctx *x, const struct keydef *k, const struct ynode *n,
    void *base)
{
	const struct kenum	*e;
	const char		*s, *what = "a value";
	char			 list[C_MSG_LEN];
	int64_t			 v;
	uint64_t		 ms;
	size_t			 len;
	int			 r;

	switch (k->type) {
	case K_BOOL:
		what = "a boolean (true or false)";
		break;
	case K_UINT:
	case K_INT:
		what = "a number";
		break;
	case K_SEC:
	case K_MSEC:
		what = "a duration (30, 30s, 1500ms, 5m, 2h)";
		break;
	case K_ENUM:
	case K_CHOICE:
		strlcpy(list, "one of: ", sizeof(list));
		for (e = k->e; e->name != NULL; e++) {
			len = strlen(list);
			snprintf(list + len, sizeof(list) - len, "%s%s",
			    e == k->e ? "" : ", ", e->name);
		}
		what = list;
		break;
	case K_ADDR:
		what = "an IPv6 address";
		break;
	case K_IFNAME:
		what = "an interface name";
		break;
	case K_NAME:
		what = "a user or group name";
		break;
	case K_PATH:
		what = "an absolute path";
		break;
	default:
		break;
	}
	if ((s = c_scalar(x, n, what)) == NULL)
		return -1;

	switch (k->type) {
	case K_BOOL:
		if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
		    strcasecmp(s, "on") == 0)
			*FIELD(base, k->off, int) = 1;
		else if (strcasecmp(s, "false") == 0 ||
		    strcasecmp(s, "no") == 0 || strcasecmp(s, "off") == 0)
			*FIELD(base, k->off, int) = 0;
		else
			return c_err(x, n, "expected %s, got '%s'", what, s);
		return 0;
	case K_UINT:
	case K_INT:
		if ((r = c_int64(s, &v)) == -1)
			return c_err(x, n, "expected %s, got '%s'", what, s);
		if (r == -2 || v < k->min || v > k->max)
			return c_err(x, n, "%s is out of range (%" PRId64 "..%"
			    PRId64 ")", s, k->min, k->max);
		if (k->type == K_UINT)
			*FIELD(base, k->off, uint32_t) = (uint32_t)v;
		else
			*FIELD(base, k->off, int) = (int)v;
		return 0;
	case K_SEC:
	case K_MSEC:
		if ((r = c_duration(s, &ms)) == -2)
			return c_err(x, n, "'%s' is finer than a millisecond",
			    s);
		if (r == -1)
			return c_err(x, n, "expected %s, got '%s'", what, s);
		if (k->type == K_SEC) {
			if (ms % MS_PER_S != 0)
				return c_err(x, n, "'%s' is not a whole "
				    "number of seconds", s);
			if (ms / MS_PER_S < (uint64_t)k->min ||
			    ms / MS_PER_S > (uint64_t)k->max)
				return c_err(x, n, "%s is out of range (%" PRId64
				    "s..%" PRId64 "s)", s, k->min, k->max);
			*FIELD(base, k->off, uint32_t) =
			    (uint32_t)(ms / MS_PER_S);
		} else {
			if (ms < (uint64_t)k->min || ms > (uint64_t)k->max)
				return c_err(x, n, "%s is out of range (%" PRId64
				    "ms..%" PRId64 "ms)", s, k->min, k->max);
			*FIELD(base, k->off, uint32_t) = (uint32_t)ms;
		}
		return 0;
	case K_ENUM:
	case K_CHOICE:
		for (e = k->e; e->name != NULL; e++)
			if (strcmp(e->name, s) == 0)
				break;
		if (e->name == NULL)
			return c_err(x, n, "'%s' is not %s", s, list);
		if (k->type == K_ENUM)
			*FIELD(base, k->off, int) = e->val;
		else
			strlcpy(FIELD(base, k->off, char), s, k->size);
		return 0;
	case K_ADDR:
		if (addr_parse(s, FIELD(base, k->off, struct in6_addr)) == -1)
			return c_err(x, n, "bad IPv6 address '%s'", s);
		if (!addr_is_global_unicast(FIELD(base, k->off,
		    struct in6_addr)))
			return c_err(x, n, "'%s' is not a global unicast "
			    "address", s);
		return 0;
	case K_IFNAME:
		if (!c_ifname_ok(s))
			return c_err(x, n, "bad interface name '%s' (1 to %d "
			    "characters, no '/', ':' or spaces)", s,
			    IF_NAMESIZE - 1);
		strlcpy(FIELD(base, k->off, char), s, k->size);
		return 0;
	case K_NAME:
		len = strlen(s);
		if (len == 0)
			return c_err(x, n, "empty name");
		if (len >= k->size)
			return c_err(x, n, "'%s' is longer than %zu characters",
			    s, k->size - 1);
		if (s[0] == '-' || strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
			return c_err(x, n, "bad name '%s' (letters, digits, "
			    "'_', '.', '-')", s);
		strlcpy(FIELD(base, k->off, char), s, k->size);
		return 0;
	case K_PATH:
		if (s[0] != '/')
			return c_err(x, n, "'%s' is not an absolute path", s);
		if (strlen(s) >= k->size)
			return c_err(x, n, "path is longer than %zu "
			    "characters", k->size - 1);
		strlcpy(FIELD(base, k->off, char), s, k->size);
		return 0;
	default:
		break;
	}
	return c_err(x, n, "internal error: key type %d", k->type);
}

/* ---- Walking ---- */

/* The n-th element's value for key in list `list` of map `map`. */
static const struct ynode *
c_elem(const struct ynode *map, const char *list, size_t i, const char *key)
{
	const struct ynode	*l, *e;

	if ((l = y_get(map, list)) == NULL || l->type != Y_SEQ ||
	    i >= l->nkids)
		return map;
	e = l->kids[i];
	if (key == NULL || e->type != Y_MAP)
		return e;
	return y_get(e, key) != NULL ? y_get(e, key) : e;
}

static void
c_defaults(const struct keydef *tab, void *base)
{
	const struct keydef	*k;

	for (k = tab; k->name != NULL; k++) {
		switch (k->type) {
		case K_BOOL:
		case K_INT:
		case K_ENUM:
			*FIELD(base, k->off, int) = (int)k->def;
			break;
		case K_UINT:
		case K_SEC:
		case K_MSEC:
			*FIELD(base, k->off, uint32_t) = (uint32_t)k->def;
			break;
		case K_CHOICE:
		case K_IFNAME:
		case K_NAME:
		case K_PATH:
			if (k->sdef != NULL)
				strlcpy(FIELD(base, k->off, char), k->sdef,
				    k->size);
			break;
		case K_MAP:
			c_defaults(k->sub, FIELD(base, k->off, char));
			break;
		default:
			break;
		}
	}
}

/*
 * Walk mapping n against tab, writing into base.  section: null means an
 * empty mapping, and "enable: false" relaxes required keys and checks.
 */
static int
c_map(struct cctx *x, const struct keydef *tab, const struct ynode *n,
    void *base, kcheck_fn check)
{
	const struct keydef	*k;
	const struct ynode	*key, *val;
	size_t			 i, old;

	if (n->type != Y_MAP)
		return c_expected(x, n, "a mapping");
	for (i = 0; i + 1 < n->nkids; i += 2) {
		key = n->kids[i];
		val = n->kids[i + 1];
		for (k = tab; k->name != NULL; k++)
			if (strcmp(k->name, key->str) == 0)
				break;
		if (k->name == NULL)
			return c_unknown(x, key, tab, 0);
		old = c_push(x, k->name, -1);
		switch (k->type) {
		case K_MAP:
			if (k->flags & KF_OPTMAP)
				*FIELD(base, k->noff, int) = 1;
			if (c_map(x, k->sub, val, FIELD(base, k->off, char),
			    k->check) == -1)
				return -1;
			break;
		case K_LIST:
			if (c_list(x, k, val, base) == -1)
				return -1;
			break;
		case K_HEX:
			if (c_hex(x, val, FIELD(base, k->off, uint8_t),
			    k->size, FIELD(base, k->noff, size_t)) == -1)
				return -1;
			break;
		case K_CUSTOM:
			if (k->parse(x, val, base) == -1)
				return -1;
			break;
		default:
			if (c_value(x, k, val, base) == -1)
				return -1;
			break;
		}
		c_pop(x, old);
	}
	if (!x->strict)
		return 0;
	for (k = tab; k->name != NULL; k++)
		if ((k->flags & KF_REQUIRED) && y_get(n, k->name) == NULL)
			return c_err(x, n, "missing required key '%s'",
			    k->name);
	return check != NULL ? check(x, n, base) : 0;
}

static int
c_list(struct cctx *x, const struct keydef *k, const struct ynode *n,
    void *base)
{
	const struct ynode	*e;
	struct ynode		 fake, *fakekids[2], fkey;
	void			*arr;
	size_t			 i, old;

	if (n->type != Y_SEQ)
		return c_expected(x, n, "a list");
	if (n->nkids == 0 && x->strict && (k->flags & KF_NONEMPTY))
		return c_err(x, n, "the list is empty");
	if (n->nkids == 0)
		return 0;
	/* A second occurrence is a duplicate key, so this runs once. */
	if ((arr = calloc(n->nkids, k->size)) == NULL)
		return c_err(x, n, "%s", strerror(ENOMEM));
	*FIELD(base, k->off, void *) = arr;
	*FIELD(base, k->noff, size_t) = n->nkids;
	for (i = 0; i < n->nkids; i++) {
		e = n->kids[i];
		c_defaults(k->sub, (char *)arr + i * k->size);
		old = c_push(x, NULL, (long)i);
		if (e->type == Y_SCALAR && !y_isnull(e) &&
		    k->scalar_key != NULL) {
			/* "- eth0" stands for "- {name: eth0}". */
			fkey = *e;
			fkey.str = (char *)(uintptr_t)k->scalar_key;
			fake = *e;
			fake.type = Y_MAP;
			fakekids[0] = &fkey;
			fakekids[1] = (struct ynode *)(uintptr_t)e;
			fake.kids = fakekids;
			fake.nkids = 2;
			e = &fake;
		}
		if (c_map(x, k->sub, e, (char *)arr + i * k->size,
		    k->check) == -1)
			return -1;
		c_pop(x, old);
	}
	return 0;
}

/* ---- Custom keys ---- */

static int
p_prefixes(struct cctx *x, const struct ynode *n, void *base)
{
	struct conf_ha_link	*l = base;
	const struct ynode	*const *items;
	const struct ynode	*one[1];
	size_t			 count, i, old;

	if (n->type == Y_SCALAR && !y_isnull(n)) {
		one[0] = n;		/* a single prefix without a list */
		items = one;
		count = 1;
	} else if (n->type == Y_SEQ) {
		items = (const struct ynode *const *)n->kids;
		count = n->nkids;
	} else
		return c_expected(x, n, "a list of IPv6 prefixes");
	if (count == 0) {
		if (x->strict)
			return c_err(x, n, "the list is empty");
		return 0;
	}
	if ((l->prefixes = calloc(count, sizeof(*l->prefixes))) == NULL)
		return c_err(x, n, "%s", strerror(ENOMEM));
	l->nprefixes = count;
	for (i = 0; i < count; i++) {
		old = strlen(x->path);
		if (n->type == Y_SEQ)
			c_push(x, NULL, (long)i);
		if (c_prefix(x, items[i], &l->prefixes[i]) == -1)
			return -1;
		c_pop(x, old);
	}
	return 0;
}

static void
w_prefixes(FILE *fp, const void *base, int indent)
{
	const struct conf_ha_link	*l = base;
	char				 buf[ADDR_PREFIX_STRLEN];
	size_t				 i;

	fprintf(fp, "\n");
	for (i = 0; i < l->nprefixes; i++)
		fprintf(fp, "%*s- %s\n", indent + C_INDENT, "",
		    addr_prefix_ntop(&l->prefixes[i].addr,
		    l->prefixes[i].plen, buf, sizeof(buf)));
}

static int
p_hoa(struct cctx *x, const struct ynode *n, void *base)
{
	struct conf_mnode	*mn = base;
	const char		*s;
	unsigned int		 plen;

	if (c_addr_plen(x, n, "an IPv6 address with its prefix length",
	    "address", "needs the home prefix length (e.g.", &mn->hoa, &plen,
	    &s) == -1)
		return -1;
	if (plen < ADDR_MAX_PLEN && addr_host_bits_zero(&mn->hoa, plen))
		return c_err(x, n, "'%s' is the subnet-router anycast address "
		    "of its prefix, not a home address", s);
	mn->hoa_plen = (uint8_t)plen;
	return 0;
}

static void
w_hoa(FILE *fp, const void *base, int indent)
{
	const struct conf_mnode	*mn = base;
	char			 buf[ADDR_PREFIX_STRLEN];

	fprintf(fp, " %s\n", addr_prefix_ntop(&mn->hoa, mn->hoa_plen, buf,
	    sizeof(buf)));
}

#define DHAAD_WORD	"dhaad"

static int
p_mn_ha(struct cctx *x, const struct ynode *n, void *base)
{
	struct conf_mnode	*mn = base;
	const char		*s;

	if ((s = c_scalar(x, n, "an IPv6 address or " DHAAD_WORD)) == NULL)
		return -1;
	if (strcmp(s, DHAAD_WORD) == 0) {
		memset(&mn->ha, 0, sizeof(mn->ha));
		return 0;
	}
	if (addr_parse(s, &mn->ha) == -1)
		return c_err(x, n, "bad IPv6 address '%s'", s);
	if (!addr_is_global_unicast(&mn->ha))
		return c_err(x, n, "'%s' is not a global unicast address", s);
	return 0;
}

static void
w_mn_ha(FILE *fp, const void *base, int indent)
{
	const struct conf_mnode	*mn = base;

	if (IN6_IS_ADDR_UNSPECIFIED(&mn->ha))
		fprintf(fp, " %s", DHAAD_WORD);
	else
		w_addr(fp, &mn->ha);
	fputc('\n', fp);
}

static int
p_ro(struct cctx *x, const struct ynode *n, void *base)
{
	struct conf_mnode	*mn = base;
	const char		*s;
	size_t			 i, j, old;

	if (n->type == Y_SCALAR && !y_isnull(n)) {
		s = n->str;
		if (strcmp(s, "none") == 0)
			mn->ro = RO_NONE;
		else if (strcmp(s, "all") == 0)
			mn->ro = RO_ALL;
		else
			return c_err(x, n, "expected none, all or a list of "
			    "correspondent addresses, got '%s'", s);
		return 0;
	}
	if (n->type != Y_SEQ)
		return c_expected(x, n, "none, all or a list of "
		    "correspondent addresses");
	if (n->nkids == 0) {
		mn->ro = RO_NONE;
		return 0;
	}
	mn->ro = RO_LIST;
	if ((mn->ro_cns = calloc(n->nkids, sizeof(*mn->ro_cns))) == NULL)
		return c_err(x, n, "%s", strerror(ENOMEM));
	mn->nro_cns = n->nkids;
	for (i = 0; i < n->nkids; i++) {
		old = c_push(x, NULL, (long)i);
		if ((s = c_scalar(x, n->kids[i], "an IPv6 address")) == NULL)
			return -1;
		if (addr_parse(s, &mn->ro_cns[i]) == -1)
			return c_err(x, n->kids[i], "bad IPv6 address '%s'",
			    s);
		if (!addr_is_global_unicast(&mn->ro_cns[i]))
			return c_err(x, n->kids[i], "'%s' is not a global "
			    "unicast address", s);
		for (j = 0; j < i; j++)
			if (addr_equal(&mn->ro_cns[j], &mn->ro_cns[i]))
				return c_err(x, n->kids[i], "'%s' is listed "
				    "twice (first at line %u)", s,
				    n->kids[j]->line);
		c_pop(x, old);
	}
	return 0;
}

static void
w_ro(FILE *fp, const void *base, int indent)
{
	const struct conf_mnode	*mn = base;
	size_t			 i;

	if (mn->ro == RO_NONE || (mn->ro == RO_LIST && mn->nro_cns == 0)) {
		fprintf(fp, " none\n");
		return;
	}
	if (mn->ro == RO_ALL) {
		fprintf(fp, " all\n");
		return;
	}
	fprintf(fp, "\n");
	for (i = 0; i < mn->nro_cns; i++) {
		fprintf(fp, "%*s-", indent + C_INDENT, "");
		w_addr(fp, &mn->ro_cns[i]);
		fputc('\n', fp);
	}
}

/* ---- Cross-field checks (enabled sections only) ---- */

static int
chk_common(struct cctx *x, const struct ynode *n, void *base)
{
	struct mip6_conf	*c = base;
	const struct ynode	*at;

	if (c->restart_backoff_min > c->restart_backoff_max) {
		at = y_get(y_get(n, "restart-backoff"), "min");
		return c_err(x, at != NULL ? at : n, "restart-backoff: min "
		    "%us is larger than max %us", c->restart_backoff_min,
		    c->restart_backoff_max);
	}
	return 0;
}

static int
chk_sa(struct cctx *x, const struct ynode *n, void *base)
{
	struct conf_sa		*sa = base;
	const struct alg	*a;
	const struct ynode	*at;
	char			 lens[C_MSG_LEN];
	size_t			 i, len;

	for (a = auth_algs; a->name != NULL; a++)
		if (strcmp(a->name, sa->auth_alg) == 0)
			break;
	if (a->name != NULL && sa->auth_keylen != a->keylen[0])
		return c_err(x, y_get(n, "auth-key"), "auth-key is %zu bytes; "
		    "%s needs %zu", sa->auth_keylen, a->name, a->keylen[0]);
	for (a = enc_algs; a->name != NULL; a++)
		if (strcmp(a->name, sa->enc_alg) == 0)
			break;
	if (a->name == NULL)
		return 0;
	at = y_get(n, "enc-key");
	if (a->keylen[0] == 0) {
		if (at != NULL)
			return c_err(x, at, "enc-key given with %s", a->name);
		return 0;
	}
	if (at == NULL)
		return c_err(x, n, "missing required key 'enc-key' (%s needs "
		    "one)", a->name);
	lens[0] = '\0';
	for (i = 0; i < ALG_MAX_KEYLENS && a->keylen[i] != 0; i++) {
		if (sa->enc_keylen == a->keylen[i])
			return 0;
		len = strlen(lens);
		snprintf(lens + len, sizeof(lens) - len, "%s%zu",
		    i == 0 ? "" : " or ", a->keylen[i]);
	}
	return c_err(x, at, "enc-key is %zu bytes; %s needs %s",
	    sa->enc_keylen, a->name, lens);
}

/* Sorting (address, index) pairs finds duplicates in O(n log n). */
struct c_dup {
	uint8_t		 key[sizeof(struct in6_addr)];
	size_t		 idx;
	int		 which;	/* for SPIs: 0 in, 1 out */
};

static int
c_dup_cmp(const void *a, const void *b)
{
	const struct c_dup	*x = a, *y = b;
	int			 r;

	if ((r = memcmp(x->key, y->key, sizeof(x->key))) != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The duplicate that comes first in the file: index pair, or -1. */
static int
c_dup_find(struct c_dup *d, size_t n, size_t *first, size_t *second)
{
	size_t	 i, best = SIZE_MAX;

	qsort(d, n, sizeof(*d), c_dup_cmp);
	for (i = 1; i < n; i++)
		if (memcmp(d[i].key, d[i - 1].key, sizeof(d[i].key)) == 0 &&
		    (best == SIZE_MAX || d[i].idx < d[best].idx ||
		    (d[i].idx == d[best].idx && d[i].which > d[best].which)))
			best = i;
	if (best == SIZE_MAX)
		return -1;
	/* The first occurrence sorts first among equal keys. */
	for (i = best; i > 0 && memcmp(d[i - 1].key, d[best].key,
	    sizeof(d[i].key)) == 0; i--)
		;
	*first = i;
	*second = best;
	return 0;
}

static int
chk_ha_mns(struct cctx *x, const struct ynode *n, struct conf_ha *ha)
{
	const struct conf_mn	*mn;
	const struct conf_sa	*sa;
	const struct ynode	*at, *fat;
	struct c_dup		*d;
	char			 buf[ADDR_STRLEN];
	size_t			 i, j, k, first, second;
	uint32_t		 spi;

	for (i = 0; i < ha->nmns; i++) {
		mn = &ha->mns[i];
		at = c_elem(n, "mobile-nodes", i, "home-address");
		addr_ntop(&mn->hoa, buf, sizeof(buf));
		if (conf_ha_link_for(ha, &mn->hoa) == NULL)
			return c_err(x, at, "mobile-nodes[%zu]: home address "
			    "%s is not inside any home prefix of this home "
			    "agent", i, buf);
		for (j = 0; j < ha->nlinks; j++) {
			if (addr_equal(&ha->links[j].addr, &mn->hoa))
				return c_err(x, at, "mobile-nodes[%zu]: home "
				    "address %s is the home agent's own "
				    "address", i, buf);
			for (k = 0; k < ha->links[j].nprefixes; k++)
				if (ha->links[j].prefixes[k].plen <
				    ADDR_MAX_PLEN &&
				    addr_in_prefix(&mn->hoa,
				    &ha->links[j].prefixes[k].addr,
				    ha->links[j].prefixes[k].plen) &&
				    addr_host_bits_zero(&mn->hoa,
				    ha->links[j].prefixes[k].plen))
					return c_err(x, at, "mobile-nodes[%zu]: "
					    "home address %s is the "
					    "subnet-router anycast address",
					    i, buf);
		}
		if (mn->has_sa && ha->ipsec == IPSEC_DISABLED)
			return c_err(x, c_elem(n, "mobile-nodes", i,
			    "ipsec-keys"), "mobile-nodes[%zu]: ipsec-keys "
			    "given but ipsec is disabled", i);
	}
	if (ha->nmns < 2)
		return 0;
	if ((d = calloc(ha->nmns * 2, sizeof(*d))) == NULL)
		return c_err(x, n, "%s", strerror(ENOMEM));
	for (i = 0; i < ha->nmns; i++) {
		memcpy(d[i].key, &ha->mns[i].hoa, sizeof(d[i].key));
		d[i].idx = i;
	}
	if (c_dup_find(d, ha->nmns, &first, &second) == 0) {
		i = d[second].idx;
		j = d[first].idx;
		free(d);
		return c_err(x, c_elem(n, "mobile-nodes", i, "home-address"),
		    "mobile-nodes[%zu]: home address %s is listed twice "
		    "(first at line %u)", i, addr_ntop(&ha->mns[i].hoa, buf,
		    sizeof(buf)), c_elem(n, "mobile-nodes", j,
		    "home-address")->line);
	}
	/* SPIs identify SAs: one value, one SA, across every mobile node. */
	memset(d, 0, ha->nmns * 2 * sizeof(*d));
	for (i = 0, k = 0; i < ha->nmns; i++) {
		if (!ha->mns[i].has_sa)
			continue;
		for (j = 0; j < 2; j++, k++) {
			sa = j == 0 ? &ha->mns[i].sa_in : &ha->mns[i].sa_out;
			memcpy(d[k].key, &sa->spi, sizeof(sa->spi));
			d[k].idx = i;
			d[k].which = (int)j;
		}
	}
	if (c_dup_find(d, k, &first, &second) == 0) {
		i = d[second].idx;
		memcpy(&spi, d[second].key, sizeof(spi));
		at = c_elem(n, "mobile-nodes", i, "ipsec-keys");
		at = y_get(y_get(at, d[second].which == 0 ? "to-home-agent" :
		    "to-mobile-node"), "spi");
		fat = c_elem(n, "mobile-nodes", d[first].idx, "ipsec-keys");
		fat = y_get(y_get(fat, d[first].which == 0 ? "to-home-agent" :
		    "to-mobile-node"), "spi");
		free(d);
		return c_err(x, at != NULL ? at : n, "mobile-nodes[%zu]: SPI "
		    "0x%x is already used (line %u)", i, spi,
		    fat != NULL ? fat->line : n->line);
	}
	free(d);
	return 0;
}

static int
chk_ha(struct cctx *x, const struct ynode *n, void *base)
{
	struct conf_ha		*ha = base;
	struct conf_ha_link	*l, *m;
	const struct ynode	*at, *pl;
	char			 a[ADDR_PREFIX_STRLEN], b[ADDR_PREFIX_STRLEN];
	size_t			 i, j, p, q;

	for (i = 0; i < ha->nlinks; i++) {
		l = &ha->links[i];
		for (j = 0; j < i; j++)
			if (strcmp(ha->links[j].ifname, l->ifname) == 0)
				return c_err(x, c_elem(n, "links", i,
				    "interface"), "links[%zu]: interface %s "
				    "is listed twice (first at line %u)", i,
				    l->ifname, c_elem(n, "links", j,
				    "interface")->line);
		for (p = 0; p < l->nprefixes; p++)
			if (addr_in_prefix(&l->addr, &l->prefixes[p].addr,
			    l->prefixes[p].plen))
				break;
		if (p == l->nprefixes)
			return c_err(x, c_elem(n, "links", i, "address"),
			    "links[%zu]: address %s is not inside a home "
			    "prefix of this link", i, addr_ntop(&l->addr, a,
			    sizeof(a)));
		if (l->prefixes[p].plen < ADDR_MAX_PLEN &&
		    addr_host_bits_zero(&l->addr, l->prefixes[p].plen))
			return c_err(x, c_elem(n, "links", i, "address"),
			    "links[%zu]: address %s is the subnet-router "
			    "anycast address of its prefix", i,
			    addr_ntop(&l->addr, a, sizeof(a)));
	}
	/* No two served prefixes may overlap: a home address has one link. */
	for (i = 0; i < ha->nlinks; i++) {
		l = &ha->links[i];
		pl = c_elem(n, "links", i, "home-prefixes");
		for (p = 0; p < l->nprefixes; p++)
			for (j = 0; j <= i; j++) {
				m = &ha->links[j];
				for (q = 0; q < (j == i ? p : m->nprefixes);
				    q++) {
					if (!addr_prefix_overlap(
					    &l->prefixes[p].addr,
					    l->prefixes[p].plen,
					    &m->prefixes[q].addr,
					    m->prefixes[q].plen))
						continue;
					at = pl->type == Y_SEQ &&
					    p < pl->nkids ? pl->kids[p] : pl;
					addr_prefix_ntop(&l->prefixes[p].addr,
					    l->prefixes[p].plen, a, sizeof(a));
					addr_prefix_ntop(&m->prefixes[q].addr,
					    m->prefixes[q].plen, b, sizeof(b));
					return c_err(x, at, "links[%zu]: home "
					    "prefix %s overlaps %s of "
					    "interface %s", i, a, b,
					    m->ifname);
				}
			}
	}
	/* Accepted by the grammar so the error can say what to do. */
	if (ha->tunnel == TUNNEL_PER_BINDING)
		return c_err(x, y_get(n, "tunnel"), "tunnel: per-binding is "
		    "not implemented; use shared (one flow-based ip6ip6 "
		    "device for every binding)");
	if (ha->brr_before != 0 && ha->brr_before >= ha->max_lifetime)
		return c_err(x, y_get(n, "binding-refresh-before"),
		    "binding-refresh-before (%us) must be shorter than "
		    "max-lifetime (%us)", ha->brr_before, ha->max_lifetime);
	return chk_ha_mns(x, n, ha);
}

static int
chk_mn(struct cctx *x, const struct ynode *n, void *base)
{
	struct conf_mnode	*mn = base;
	const struct ynode	*at;
	char			 a[ADDR_PREFIX_STRLEN], b[ADDR_PREFIX_STRLEN];
	size_t			 i, j;

	for (i = 0; i < mn->nifs; i++)
		for (j = 0; j < i; j++)
			if (strcmp(mn->ifs[i].ifname, mn->ifs[j].ifname) == 0)
				return c_err(x, c_elem(n, "interfaces", i,
				    "name"), "interfaces[%zu]: %s is listed "
				    "twice (first at line %u)", i,
				    mn->ifs[i].ifname, c_elem(n, "interfaces",
				    j, "name")->line);
	if (mn->home_ifname[0] == '\0')
		strlcpy(mn->home_ifname, mn->ifs[0].ifname,
		    sizeof(mn->home_ifname));
	for (i = 0; i < mn->nifs; i++)
		if (strcmp(mn->ifs[i].ifname, mn->home_ifname) == 0)
			break;
	if (i == mn->nifs)
		return c_err(x, y_get(n, "home-interface"), "home-interface "
		    "%s is not one of the interfaces", mn->home_ifname);
	if (!IN6_IS_ADDR_UNSPECIFIED(&mn->ha)) {
		at = y_get(n, "home-agent");
		addr_ntop(&mn->ha, a, sizeof(a));
		addr_prefix_ntop(&mn->hoa, mn->hoa_plen, b, sizeof(b));
		if (!addr_in_prefix(&mn->ha, &mn->hoa, mn->hoa_plen))
			return c_err(x, at, "home agent %s is not on the home "
			    "link %s", a, b);
		if (addr_equal(&mn->ha, &mn->hoa))
			return c_err(x, at, "home agent %s is the home address",
			    a);
	}
	if (mn->initial_bindack_timeout_ms >
	    mn->max_bindack_timeout * (uint32_t)MS_PER_S)
		return c_err(x, y_get(n, "initial-bindack-timeout") ?
		    y_get(n, "initial-bindack-timeout") : n,
		    "initial-bindack-timeout is longer than "
		    "max-bindack-timeout (%us)", mn->max_bindack_timeout);
	if (mn->initial_bindack_timeout_first_reg_ms >
	    mn->max_bindack_timeout * (uint32_t)MS_PER_S)
		return c_err(x, y_get(n, "initial-bindack-timeout-first-reg") ?
		    y_get(n, "initial-bindack-timeout-first-reg") : n,
		    "initial-bindack-timeout-first-reg is longer than "
		    "max-bindack-timeout (%us)", mn->max_bindack_timeout);
	for (i = 0; i < mn->nro_cns; i++)
		if (addr_equal(&mn->ro_cns[i], &mn->hoa))
			return c_err(x, y_get(n, "route-optimization")->kids[i],
			    "route-optimization[%zu]: %s is the home address",
			    i, addr_ntop(&mn->hoa, a, sizeof(a)));
	if (mn->has_sa && mn->ipsec == IPSEC_DISABLED)
		return c_err(x, y_get(n, "ipsec-keys"), "ipsec-keys given but "
		    "ipsec is disabled");
	return 0;
}

/* ---- Loading ---- */

static struct mip6_conf *
c_walk(struct cctx *x, const struct ynode *root)
{
	struct mip6_conf	*c;
	const struct keydef	*k;
	const struct ynode	*key, *val, *en;
	size_t			 i, old;
	int			 roles = 0, enabled;

	if (root->type != Y_MAP) {
		c_expected(x, root, "a mapping of sections (common, "
		    "home-agent, mobile-node, correspondent)");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		c_err(x, root, "%s", strerror(ENOMEM));
		return NULL;
	}
	strlcpy(c->path, x->name, sizeof(c->path));
	for (k = k_root; k->name != NULL; k++)
		c_defaults(k->sub, FIELD(c, k->off, char));
	c->ha.enabled = c->mn.enabled = c->sig.enabled = 0;
	c->mn.ro = RO_ALL;	/* falls back per correspondent that refuses */

	for (i = 0; i + 1 < root->nkids; i += 2) {
		key = root->kids[i];
		val = root->kids[i + 1];
		for (k = k_root; k->name != NULL; k++)
			if (strcmp(k->name, key->str) == 0)
				break;
		if (k->name == NULL) {
			c_unknown(x, key, k_root, 1);
			goto fail;
		}
		old = c_push(x, k->name, -1);
		enabled = 1;
		if (k->sub != k_common) {
			roles++;
			/* Read enable first: it decides how strict we are.
			 * Every role table starts with it. */
			if ((en = y_get(val, "enable")) != NULL) {
				c_push(x, k->sub[0].name, -1);
				if (c_value(x, &k->sub[0], en, FIELD(c, k->off,
				    char)) == -1)
					goto fail;
				c_pop(x, old);
			}
			if (en != NULL)
				enabled = *FIELD(c, k->off + k->sub[0].off,
				    int);
		}
		x->strict = enabled;
		if (y_isnull(val)) {
			struct ynode empty = *val;

			empty.type = Y_MAP;
			empty.nkids = 0;
			if (c_map(x, k->sub, &empty, FIELD(c, k->off, char),
			    k->check) == -1)
				goto fail;
		} else if (c_map(x, k->sub, val, FIELD(c, k->off, char),
		    k->check) == -1)
			goto fail;
		if (k->sub != k_common)
			*FIELD(c, k->off + k->sub[0].off, int) = enabled;
		c_pop(x, old);
	}
	x->strict = 1;
	if (roles == 0) {
		c_err(x, root, "no role section: add home-agent, mobile-node "
		    "or correspondent");
		goto fail;
	}
	return c;

fail:
	conf_free(c);
	return NULL;
}

struct mip6_conf *
conf_load_mem(const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct cctx		 x;
	struct ynode		*root;
	struct mip6_conf	*c;
	char			 dummy[1];

	memset(&x, 0, sizeof(x));
	x.name = name;
	x.err = errlen > 0 ? err : dummy;
	x.errlen = errlen > 0 ? errlen : sizeof(dummy);
	x.strict = 1;
	x.err[0] = '\0';
	if ((root = y_load(&x, buf, len)) == NULL)
		return NULL;
	c = c_walk(&x, root);
	y_free(root);
	return c;
}

struct mip6_conf *
conf_load(const char *file, char *err, size_t errlen)
{
	struct mip6_conf	*c;
	struct stat		 st;
	char			*buf = NULL;
	size_t			 len = 0, cap = 0;
	ssize_t			 r;
	int			 fd, saved;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		saved = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		snprintf(err, errlen, "%s: %s", file, strerror(saved));
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			char	*nb;

			if (cap >= CONF_MAX_FILE_SIZE) {
				free(buf);
				close(fd);
				snprintf(err, errlen, "%s: larger than %d "
				    "bytes", file, CONF_MAX_FILE_SIZE);
				return NULL;
			}
			cap = cap ? cap * 2 : BUFSIZ;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				close(fd);
				snprintf(err, errlen, "%s: %s", file,
				    strerror(ENOMEM));
				return NULL;
			}
			buf = nb;
		}
		if ((r = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			free(buf);
			close(fd);
			snprintf(err, errlen, "%s: %s", file, strerror(saved));
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	c = conf_load_mem(file, buf != NULL ? buf : "", len, err, errlen);
	free(buf);
	return c;
}

static void
c_free_lists(struct mip6_conf *c)
{
	size_t	 i;

	for (i = 0; i < c->ha.nlinks; i++)
		free(c->ha.links[i].prefixes);
	free(c->ha.links);
	free(c->ha.mns);
	free(c->mn.ifs);
	free(c->mn.ro_cns);
	c->ha.links = NULL;
	c->ha.mns = NULL;
	c->mn.ifs = NULL;
	c->mn.ro_cns = NULL;
	c->ha.nlinks = c->ha.nmns = c->mn.nifs = c->mn.nro_cns = 0;
}

void
conf_free(struct mip6_conf *c)
{
	if (c == NULL)
		return;
	c_free_lists(c);
	/* Keys must not linger in freed memory. */
	explicit_bzero(c, sizeof(*c));
	free(c);
}

/* ---- Printing ---- */

static void
w_indent(struct pstate *ps, int indent)
{
	if (ps->dash) {
		fprintf(ps->fp, "%*s- ", indent - C_INDENT, "");
		ps->dash = 0;
	} else
		fprintf(ps->fp, "%*s", indent, "");
}

/* Plain when it reads back as the same string, else double-quoted. */
static void
w_string(FILE *fp, const char *s)
{
	const char	*p;

	if (s[0] != '\0' && s[0] != '-' && strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_./()-") == strlen(s) && strcmp(s, "null") != 0 &&
	    strcmp(s, "Null") != 0 && strcmp(s, "NULL") != 0) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", (unsigned char)*p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* " ADDR": quoted when it ends in ':', which YAML would take for a key. */
static void
w_addr(FILE *fp, const struct in6_addr *a)
{
	char	 buf[ADDR_STRLEN];
	size_t	 len;

	addr_ntop(a, buf, sizeof(buf));
	len = strlen(buf);
	fprintf(fp, len > 0 && buf[len - 1] == ':' ? " \"%s\"" : " %s", buf);
}

static void
w_duration(FILE *fp, uint64_t ms)
{
	uint64_t	 frac = ms % MS_PER_S;
	int		 digits = 3;

	if (frac == 0) {
		fprintf(fp, "%" PRIu64 "s", ms / MS_PER_S);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	fprintf(fp, "%" PRIu64 ".%0*" PRIu64 "s", ms / MS_PER_S, digits, frac);
}

static void
w_map(struct pstate *ps, const struct keydef *tab, const void *base,
    int indent)
{
	const struct keydef	*k;
	const struct kenum	*e;
	const uint8_t		*hex;
	const char		*arr;
	size_t			 i, n;
	FILE			*fp = ps->fp;

	for (k = tab; k->name != NULL; k++) {
		if (k->type == K_HEX && *CFIELD(base, k->noff, size_t) == 0)
			continue;
		if (k->type == K_MAP && (k->flags & KF_OPTMAP) &&
		    !*CFIELD(base, k->noff, int))
			continue;
		w_indent(ps, indent);
		fprintf(fp, "%s:", k->name);
		switch (k->type) {
		case K_BOOL:
			fprintf(fp, " %s\n", *CFIELD(base, k->off, int) ?
			    "true" : "false");
			break;
		case K_UINT:
			fprintf(fp, (k->flags & KF_HEX) ? " 0x%x\n" : " %u\n",
			    *CFIELD(base, k->off, uint32_t));
			break;
		case K_INT:
			fprintf(fp, " %d\n", *CFIELD(base, k->off, int));
			break;
		case K_SEC:
			fputc(' ', fp);
			w_duration(fp, (uint64_t)*CFIELD(base, k->off,
			    uint32_t) * MS_PER_S);
			fputc('\n', fp);
			break;
		case K_MSEC:
			fputc(' ', fp);
			w_duration(fp, *CFIELD(base, k->off, uint32_t));
			fputc('\n', fp);
			break;
		case K_ENUM:
			for (e = k->e; e->name != NULL; e++)
				if (e->val == *CFIELD(base, k->off, int))
					break;
			fprintf(fp, " %s\n", e->name != NULL ? e->name : "?");
			break;
		case K_CHOICE:
		case K_IFNAME:
		case K_NAME:
		case K_PATH:
			fputc(' ', fp);
			w_string(fp, CFIELD(base, k->off, char));
			fputc('\n', fp);
			break;
		case K_ADDR:
			w_addr(fp, CFIELD(base, k->off, struct in6_addr));
			fputc('\n', fp);
			break;
		case K_HEX:
			hex = CFIELD(base, k->off, uint8_t);
			fprintf(fp, " 0x");
			for (i = 0; i < *CFIELD(base, k->noff, size_t); i++)
				fprintf(fp, "%02x", hex[i]);
			fputc('\n', fp);
			break;
		case K_MAP:
			fputc('\n', fp);
			w_map(ps, k->sub, CFIELD(base, k->off, char),
			    indent + C_INDENT);
			break;
		case K_LIST:
			arr = *CFIELD(base, k->off, char *);
			n = *CFIELD(base, k->noff, size_t);
			if (n == 0) {
				fprintf(fp, " []\n");
				break;
			}
			fputc('\n', fp);
			for (i = 0; i < n; i++) {
				ps->dash = 1;
				w_map(ps, k->sub, arr + i * k->size,
				    indent + 2 * C_INDENT);
			}
			break;
		case K_CUSTOM:
			k->print(fp, base, indent);
			break;
		}
	}
}

void
conf_print(FILE *fp, const struct mip6_conf *c)
{
	const struct keydef	*k;
	struct pstate		 ps = { fp, 0 };

	for (k = k_root; k->name != NULL; k++) {
		fprintf(fp, "%s:\n", k->name);
		if (k->sub != k_common &&
		    !*CFIELD(c, k->off + k->sub[0].off, int)) {
			fprintf(fp, "%*senable: false\n", C_INDENT, "");
			continue;
		}
		w_map(&ps, k->sub, CFIELD(c, k->off, char), C_INDENT);
	}
}

/* ---- Roles and look-ups ---- */

int
conf_role_enabled(const struct mip6_conf *c, enum conf_role r)
{
	switch (r) {
	case ROLE_HA:
		return c->ha.enabled;
	case ROLE_MN:
		return c->mn.enabled;
	case ROLE_SIG:
		return c->sig.enabled;
	default:
		return 0;
	}
}

static const char *const role_names[ROLE_MAX] = { "ha", "mn", "sig" };
static const char *const role_sections[ROLE_MAX] = {
	"home-agent", "mobile-node", "correspondent"
};

const char *
conf_role_name(enum conf_role r)
{
	return (unsigned int)r < ROLE_MAX ? role_names[r] : "?";
}

int
conf_role_from_name(const char *s)
{
	int	 r;

	for (r = 0; r < ROLE_MAX; r++)
		if (strcmp(s, role_names[r]) == 0 ||
		    strcmp(s, role_sections[r]) == 0)
			return r;
	return -1;
}

const struct conf_ha_link *
conf_ha_link_for(const struct conf_ha *ha, const struct in6_addr *a)
{
	size_t	 i, p;

	for (i = 0; i < ha->nlinks; i++)
		for (p = 0; p < ha->links[i].nprefixes; p++)
			if (addr_in_prefix(a, &ha->links[i].prefixes[p].addr,
			    ha->links[i].prefixes[p].plen))
				return &ha->links[i];
	return NULL;
}

const struct conf_mn *
conf_ha_mn_find(const struct conf_ha *ha, const struct in6_addr *hoa)
{
	size_t	 i;

	for (i = 0; i < ha->nmns; i++)
		if (addr_equal(&ha->mns[i].hoa, hoa))
			return &ha->mns[i];
	return NULL;
}
