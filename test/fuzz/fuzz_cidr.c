/*
 * fuzz_cidr.c: addresses, networks and lists, then the client IP rule with
 * the input split at newlines into peer, X-Forwarded-For, X-Real-IP and the
 * trusted-proxy list.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "request.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *part[4] = { NULL };
	char buf[CIDR_BUFSZ], bad[CIDR_BUFSZ];
	struct cidr c, d, *list = NULL;
	size_t n = 0, i;

	/* Whatever parses formats to text that parses to the same thing. */
	if (cidr_parse(text, &c)) {
		cidr_format(&c, true, buf);
		if (!cidr_parse(buf, &d) || memcmp(&c, &d, sizeof(c)) != 0)
			abort();
	}
	if (ip_parse(text, &c) && !cidr_contains(&c, &c))
		abort();
	if (cidr_list_parse(text, &list, &n, bad, sizeof(bad)))
		free(list);

	part[0] = text;
	for (i = 1; i < 4 && part[i - 1] != NULL; i++) {
		part[i] = strchr(part[i - 1], '\n');
		if (part[i] != NULL)
			*part[i]++ = '\0';
	}
	if (part[3] == NULL ||
	    !cidr_list_parse(part[3], &list, &n, bad, sizeof(bad))) {
		list = NULL;
		cidr_list_parse("127.0.0.0/8 10.0.0.0/8 ::1 fd00::/8", &list,
		                &n, NULL, 0);
	}
	if (req_client_ip(part[0], part[1], part[2], list, n, &c) &&
	    c.prefix != (c.family == 4 ? 32u : 128u))
		abort(); /* the client is always a single address */
	free(list);
	free(text);
	return 0;
}
