/*
 * cidr.h: IP addresses and CIDR networks (API key allow lists, trusted
 * proxies). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are treated as IPv4.
 */
#ifndef PANEL_CIDR_H
#define PANEL_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#define CIDR_BUFSZ 64 /* enough for "ipv6/128" */

struct cidr {
	int family;		/* 4 or 6 */
	unsigned char addr[16]; /* network byte order; 4 bytes used for v4 */
	unsigned prefix;	/* 0..32 or 0..128 */
};

/* A plain address (no prefix). */
bool ip_parse(const char *s, struct cidr *out);
/*
 * "addr", "addr/len" or "v4addr/dotted.netmask" (contiguous masks only).
 * Host bits are kept, as the contract says. No prefix means a single host.
 */
bool cidr_parse(const char *s, struct cidr *out);
/* True when ip (a single address) is inside net; families must match. */
bool cidr_contains(const struct cidr *net, const struct cidr *ip);
/* "addr/prefix" when with_prefix, else the plain address. */
void cidr_format(const struct cidr *c, bool with_prefix, char out[CIDR_BUFSZ]);
/*
 * Parses a list separated by commas and/or spaces. On success *out is a
 * malloc'd array (NULL when empty) the caller frees. On failure the bad
 * entry is copied into bad (if not NULL).
 */
bool cidr_list_parse(const char *list, struct cidr **out, size_t *nout,
		     char *bad, size_t badsz);
bool cidr_list_contains(const struct cidr *list, size_t n,
			const struct cidr *ip);

#endif
