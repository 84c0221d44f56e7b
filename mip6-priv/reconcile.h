/*
 * What mip6-priv installed in the kernel: a table for `mip6ctl show
 * kernel` and for the stop, and the reconciliation at start (leftovers of
 * a crashed run are removed, or adopted for a warm restart).
 */
#ifndef MIP6_RECONCILE_H
#define MIP6_RECONCILE_H

#include <netinet/in.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>

enum kr_obj_type {
	KO_LINK = 1,
	KO_ROUTE,
	KO_RULE,
	KO_ADDR,
	KO_PROXY,
	KO_RTCHECK,
	KO_XSTATE,
	KO_XPOLICY
};

/* The role of an object the sweep found: nobody asked for it. */
#define KR_ROLE_NONE	UINT32_MAX

/* The key: type and the fields that identify the object. */
struct kr_key {
	uint32_t	 type;		/* enum kr_obj_type */
	struct in6_addr	 a;		/* dst, src, address, hoa, sel src */
	struct in6_addr	 b;		/* policy/state dst */
	uint32_t	 plen;
	uint32_t	 ifindex;	/* or table, or dir */
	uint32_t	 proto;		/* xfrm proto, rule prio, mh type+1 */
	char		 name[IF_NAMESIZE];
};

struct kr_obj {
	struct kr_key	 key;
	struct in6_addr	 coa;		/* route encap dst, state coa */
	uint32_t	 role;		/* who asked: enum conf_role, or
					   KR_ROLE_NONE (found by the sweep) */
	int		 adopted;	/* found, not (yet) claimed by a binding */
};

/*
 * Record (or update) an installed object.  A request's record claims it
 * (adopted 0); the sweep's (kr_reconcile(1)) marks it adopted until a
 * restored binding claims it.
 */
void	 kr_tab_add(const struct kr_key *, const struct in6_addr *coa,
	    uint32_t role);
void	 kr_tab_del(const struct kr_key *);
/*
 * A home agent binding's route, proxy entry and check pair are kept in
 * one compact record (reconcile.c): for those kr_tab_find returns a copy,
 * valid until its next call, and changing it changes nothing.
 */
struct kr_obj *kr_tab_find(const struct kr_key *);
size_t	 kr_tab_count(uint32_t type);	/* 0: all */
/*
 * In order of type.  The function may change the object's role and
 * adopted (kept, unless it deleted the object) and delete it, not add.
 */
void	 kr_tab_foreach(void (*)(const struct kr_obj *, void *), void *);
/* One line per object, the same text `mip6ctl show kernel` prints. */
void	 kr_tab_print(FILE *);
int	 kr_obj_format(const struct kr_obj *, char *, size_t);

/*
 * At start: find what carries our marks.  adopt 0: remove it; 1: keep it
 * and record it in the table.  Returns the number of objects found, or
 * -1.
 */
int	 kr_reconcile(int adopt);
/*
 * Whose route-optimization states these are (KR_RO_MN when hoa is the
 * mobile node's home address, else KR_RO_CN): the sweep keys them so.
 */
uint32_t kr_ro_owner(const struct in6_addr *hoa);
/*
 * At a stop with persist-bindings: 1 when the route-optimization object
 * between a and b (both set) is a correspondent binding's, kept for the
 * next start (the correspondent role runs; neither is the mobile node's
 * home address).
 */
int	 kr_ro_keep(const struct in6_addr *a, const struct in6_addr *b);
/* At stop: remove everything of ours from the kernel, table emptied. */
int	 kr_remove_all(void);
/*
 * At stop with persist-bindings: the same, but the bindings' tunnel
 * routes, proxy ND entries, the tunnel and its reverse-tunnel filter stay
 * for the next start to adopt.  Returns how many objects stayed, or -1.
 */
int	 kr_remove_all_but_bindings(void);

#endif
