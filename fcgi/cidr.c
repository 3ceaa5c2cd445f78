/* cidr.c: see cidr.h. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "util.h"

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};

bool
ip_parse(const char *s, struct cidr *out)
{
	struct cidr c;

	memset(&c, 0, sizeof(c));
	if (strlen(s) >= CIDR_BUFSZ)
		return false;
	if (inet_pton(AF_INET, s, c.addr) == 1) {
		c.family = 4;
		c.prefix = 32;
	} else if (inet_pton(AF_INET6, s, c.addr) == 1) {
		if (memcmp(c.addr, v4mapped, sizeof(v4mapped)) == 0) {
			memmove(c.addr, c.addr + 12, 4);
			memset(c.addr + 4, 0, 12);
			c.family = 4;
			c.prefix = 32;
		} else {
			c.family = 6;
			c.prefix = 128;
		}
	} else {
		return false;
	}
	*out = c;
	return true;
}

/* Prefix length of a contiguous dotted IPv4 netmask, or -1. */
static int
netmask_prefix(const char *s)
{
	unsigned char m[4];
	unsigned bits = 0, i;
	bool zero = false;

	if (inet_pton(AF_INET, s, m) != 1)
		return -1;
	for (i = 0; i < 32; i++) {
		bool set = (m[i / 8] >> (7 - i % 8)) & 1;

		if (set && zero)
			return -1;
		if (set)
			bits++;
		else
			zero = true;
	}
	return (int)bits;
}

bool
cidr_parse(const char *s, struct cidr *out)
{
	char buf[CIDR_BUFSZ];
	const char *slash = strchr(s, '/');
	struct cidr c;
	size_t alen;
	int64_t len;

	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (!ip_parse(buf, &c))
		return false;
	if (slash != NULL) {
		unsigned max = c.family == 4 ? 32 : 128;

		if (c.family == 4 && strchr(slash + 1, '.') != NULL) {
			int p = netmask_prefix(slash + 1);

			if (p < 0)
				return false;
			c.prefix = (unsigned)p;
		} else {
			/* A v4-mapped address keeps a v6 prefix length. */
			if (!isdigit((unsigned char)slash[1]) ||
			    !parse_int64(slash + 1, 0, 128, &len))
				return false;
			if (c.family == 4 && strchr(buf, ':') != NULL) {
				if (len < 96)
					return false;
				len -= 96;
			}
			if ((unsigned)len > max)
				return false;
			c.prefix = (unsigned)len;
		}
	}
	*out = c;
	return true;
}

bool
cidr_contains(const struct cidr *net, const struct cidr *ip)
{
	unsigned full, rest;

	if (net->family != ip->family)
		return false;
	full = net->prefix / 8;
	rest = net->prefix % 8;
	if (memcmp(net->addr, ip->addr, full) != 0)
		return false;
	if (rest != 0) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));

		if ((net->addr[full] & mask) != (ip->addr[full] & mask))
			return false;
	}
	return true;
}

void
cidr_format(const struct cidr *c, bool with_prefix, char out[CIDR_BUFSZ])
{
	char addr[INET6_ADDRSTRLEN];

	if (inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, addr,
		      sizeof(addr)) == NULL)
		addr[0] = '\0';
	if (with_prefix)
		snprintf(out, CIDR_BUFSZ, "%s/%u", addr, c->prefix);
	else
		snprintf(out, CIDR_BUFSZ, "%s", addr);
}

bool
cidr_list_parse(const char *list, struct cidr **out, size_t *nout, char *bad,
		size_t badsz)
{
	struct cidr *v = NULL;
	size_t n = 0;
	const char *p = list;

	while (*p != '\0') {
		char item[CIDR_BUFSZ];
		size_t len = strcspn(p, ", \t");

		if (len == 0) {
			p++;
			continue;
		}
		if (len < sizeof(item)) {
			memcpy(item, p, len);
			item[len] = '\0';
			v = xrealloc(v, (n + 1) * sizeof(*v));
		}
		if (len >= sizeof(item) || !cidr_parse(item, &v[n])) {
			if (bad != NULL && badsz > 0)
				snprintf(bad, badsz, "%.*s",
					 (int)(len < 60 ? len : 60), p);
			free(v);
			return false;
		}
		n++;
		p += len;
	}
	*out = v;
	*nout = n;
	return true;
}

bool
cidr_list_contains(const struct cidr *list, size_t n, const struct cidr *ip)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cidr_contains(&list[i], ip))
			return true;
	return false;
}
