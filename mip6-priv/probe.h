/*
 * Kernel feature probe at start: each configured role needs some of
 * mip6, ip6_tunnel, xfrm_user, esp6 and the BPF classifier (the home
 * agent's reverse-tunnel check).  A missing one is reported as one line
 * that names the kernel option.
 */
#ifndef MIP6_PROBE_H
#define MIP6_PROBE_H

#include <stddef.h>

#define PROBE_HA	0x01
#define PROBE_MN	0x02
#define PROBE_SIG	0x04
#define PROBE_IPSEC	0x08	/* ESP needed (ipsec: required) */

/*
 * 0 when everything the roles in mask need is there; else -1 and err
 * holds "kernel lacks <feature> (CONFIG_<OPTION>)".
 */
int	 kr_probe(int mask, char *err, size_t errlen);

#endif
