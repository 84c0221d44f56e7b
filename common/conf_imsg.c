/* Configuration over imsg: see conf_imsg.h. */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_imsg.h"
#include "proto.h"

static int	 conf_append(void **, size_t *, size_t, const void *);
static int	 conf_strings_ok(const struct mip6_conf *);

int
conf_compose(struct imsgbuf *ibuf, const struct mip6_conf *conf)
{
	struct mip6_conf	 flat;
	struct conf_ha_link	 link;
	size_t			 i, j;

	flat = *conf;
	flat.ha.links = NULL;
	flat.ha.mns = NULL;
	flat.mn.ifs = NULL;
	flat.mn.ro_cns = NULL;
	if (imsg_compose(ibuf, IMSG_CONF_MAIN, 0, 0, -1, &flat,
	    sizeof(flat)) == -1)
		return -1;
	for (i = 0; i < conf->ha.nlinks; i++) {
		link = conf->ha.links[i];
		link.prefixes = NULL;
		link.nprefixes = 0;
		if (imsg_compose(ibuf, IMSG_CONF_HA_LINK, 0, 0, -1, &link,
		    sizeof(link)) == -1)
			return -1;
		for (j = 0; j < conf->ha.links[i].nprefixes; j++)
			if (imsg_compose(ibuf, IMSG_CONF_HA_PREFIX, 0, 0, -1,
			    &conf->ha.links[i].prefixes[j],
			    sizeof(struct conf_prefix)) == -1)
				return -1;
	}
	for (i = 0; i < conf->ha.nmns; i++)
		if (imsg_compose(ibuf, IMSG_CONF_HA_MN, 0, 0, -1,
		    &conf->ha.mns[i], sizeof(struct conf_mn)) == -1)
			return -1;
	for (i = 0; i < conf->mn.nifs; i++)
		if (imsg_compose(ibuf, IMSG_CONF_MN_IF, 0, 0, -1,
		    &conf->mn.ifs[i], sizeof(struct conf_mn_if)) == -1)
			return -1;
	for (i = 0; i < conf->mn.nro_cns; i++)
		if (imsg_compose(ibuf, IMSG_CONF_MN_RO_CN, 0, 0, -1,
		    &conf->mn.ro_cns[i], sizeof(struct in6_addr)) == -1)
			return -1;
	return imsg_compose(ibuf, IMSG_CONF_END, 0, 0, -1, NULL, 0);
}

/* Append one element of size sz to a malloc'd array. */
static int
conf_append(void **arr, size_t *n, size_t sz, const void *elem)
{
	uint8_t	*p;

	if ((p = reallocarray(*arr, *n + 1, sz)) == NULL)
		return -1;
	memcpy(p + *n * sz, elem, sz);
	*arr = p;
	(*n)++;
	return 0;
}

static int
conf_strings_ok(const struct mip6_conf *c)
{
	return proto_check_str(c->path, sizeof(c->path)) &&
	    proto_check_str(c->user, sizeof(c->user)) &&
	    proto_check_str(c->group, sizeof(c->group)) &&
	    proto_check_str(c->control_dir, sizeof(c->control_dir)) &&
	    proto_check_str(c->state_dir, sizeof(c->state_dir)) &&
	    proto_check_str(c->chroot_dir, sizeof(c->chroot_dir)) &&
	    proto_check_str(c->mn.home_ifname, sizeof(c->mn.home_ifname));
}

void
conf_rcv_clear(struct conf_rcv *rcv)
{
	if (rcv->conf != NULL)
		conf_free(rcv->conf);
	rcv->conf = NULL;
}

int
conf_recv(struct conf_rcv *rcv, const struct imsg *imsg,
    struct mip6_conf **out, char *err, size_t errlen)
{
	struct mip6_conf	*c = rcv->conf;
	struct conf_ha_link	 link;
	struct conf_ha_link	*last;
	struct conf_mn		 mn;
	struct conf_mn_if	 mif;
	size_t			 want = 0;

	switch (imsg->hdr.type) {
	case IMSG_CONF_MAIN:
		want = sizeof(struct mip6_conf);
		break;
	case IMSG_CONF_HA_LINK:
		want = sizeof(struct conf_ha_link);
		break;
	case IMSG_CONF_HA_PREFIX:
		want = sizeof(struct conf_prefix);
		break;
	case IMSG_CONF_HA_MN:
		want = sizeof(struct conf_mn);
		break;
	case IMSG_CONF_MN_IF:
		want = sizeof(struct conf_mn_if);
		break;
	case IMSG_CONF_MN_RO_CN:
		want = sizeof(struct in6_addr);
		break;
	case IMSG_CONF_END:
		want = 0;
		break;
	default:
		snprintf(err, errlen, "unexpected message type %u",
		    imsg->hdr.type);
		return -1;
	}
	if (!proto_check_len(imsg->datalen, want)) {
		snprintf(err, errlen, "configuration message type %u: length "
		    "%zu, want %zu", imsg->hdr.type, imsg->datalen, want);
		return -1;
	}
	if (imsg->hdr.type != IMSG_CONF_MAIN && c == NULL) {
		snprintf(err, errlen, "configuration message type %u before "
		    "the main part", imsg->hdr.type);
		return -1;
	}

	switch (imsg->hdr.type) {
	case IMSG_CONF_MAIN:
		conf_rcv_clear(rcv);
		if ((c = calloc(1, sizeof(*c))) == NULL)
			goto nomem;
		memcpy(c, imsg->data, sizeof(*c));
		/* Counts are rebuilt from the lists that follow. */
		c->ha.links = NULL;
		c->ha.nlinks = 0;
		c->ha.mns = NULL;
		c->ha.nmns = 0;
		c->mn.ifs = NULL;
		c->mn.nifs = 0;
		c->mn.ro_cns = NULL;
		c->mn.nro_cns = 0;
		rcv->conf = c;
		if (!conf_strings_ok(c)) {
			snprintf(err, errlen, "configuration: unterminated "
			    "string");
			return -1;
		}
		return 0;
	case IMSG_CONF_HA_LINK:
		memcpy(&link, imsg->data, sizeof(link));
		link.prefixes = NULL;
		link.nprefixes = 0;
		if (!proto_check_str(link.ifname, sizeof(link.ifname))) {
			snprintf(err, errlen, "configuration: unterminated "
			    "interface name");
			return -1;
		}
		if (conf_append((void **)&c->ha.links, &c->ha.nlinks,
		    sizeof(link), &link) == -1)
			goto nomem;
		return 0;
	case IMSG_CONF_HA_PREFIX:
		if (c->ha.nlinks == 0) {
			snprintf(err, errlen, "configuration: prefix before "
			    "any link");
			return -1;
		}
		last = &c->ha.links[c->ha.nlinks - 1];
		if (conf_append((void **)&last->prefixes, &last->nprefixes,
		    sizeof(struct conf_prefix), imsg->data) == -1)
			goto nomem;
		return 0;
	case IMSG_CONF_HA_MN:
		memcpy(&mn, imsg->data, sizeof(mn));
		if (conf_append((void **)&c->ha.mns, &c->ha.nmns, sizeof(mn),
		    &mn) == -1)
			goto nomem;
		return 0;
	case IMSG_CONF_MN_IF:
		memcpy(&mif, imsg->data, sizeof(mif));
		if (!proto_check_str(mif.ifname, sizeof(mif.ifname))) {
			snprintf(err, errlen, "configuration: unterminated "
			    "interface name");
			return -1;
		}
		if (conf_append((void **)&c->mn.ifs, &c->mn.nifs, sizeof(mif),
		    &mif) == -1)
			goto nomem;
		return 0;
	case IMSG_CONF_MN_RO_CN:
		if (conf_append((void **)&c->mn.ro_cns, &c->mn.nro_cns,
		    sizeof(struct in6_addr), imsg->data) == -1)
			goto nomem;
		return 0;
	case IMSG_CONF_END:
		*out = c;
		rcv->conf = NULL;
		return 1;
	}
	return -1;

nomem:
	snprintf(err, errlen, "configuration: %s", strerror(ENOMEM));
	return -1;
}
