/* test_request.c: the client IP rule, req_client_ip(). */
#include "autoconf.h"
#include "tap.h"

#include <stdlib.h>

#include "cidr.h"
#include "request.h"

int main(void);

/* Proxies used by every case: loopback, a private /8 and one v6 /64. */
static const char proxy_list[] = "127.0.0.0/8, 10.0.0.0/8, fd00::/64";

static const struct {
	const char *what;
	const char *peer, *xff, *xrealip;
	const char *want; /* NULL: req_client_ip returns false */
} cases[] = {
	/* An untrusted peer is the client, whatever it claims. */
	{ "untrusted peer ignores XFF", "203.0.113.9", "1.1.1.1", NULL,
	  "203.0.113.9" },
	{ "untrusted peer ignores X-Real-IP", "203.0.113.9", NULL, "1.1.1.1",
	  "203.0.113.9" },
	{ "untrusted v6 peer", "2001:db8::1", "1.1.1.1", "2.2.2.2",
	  "2001:db8::1" },
	{ "trusted peer, no headers", "127.0.0.1", NULL, NULL, "127.0.0.1" },
	{ "trusted peer, empty headers", "127.0.0.1", "", "", "127.0.0.1" },

	/* Walk X-Forwarded-For from the right. */
	{ "single XFF entry", "127.0.0.1", "198.51.100.7", NULL,
	  "198.51.100.7" },
	{ "a, b, c with b and c trusted -> a", "127.0.0.1",
	  "198.51.100.7, 10.1.1.1, 10.2.2.2", NULL, "198.51.100.7" },
	{ "right-most untrusted wins over a spoofed left entry", "127.0.0.1",
	  "6.6.6.6, 198.51.100.7, 10.2.2.2", NULL, "198.51.100.7" },
	{ "right-most entry untrusted", "127.0.0.1", "6.6.6.6, 198.51.100.7",
	  NULL, "198.51.100.7" },
	{ "every entry trusted -> left-most", "127.0.0.1",
	  "10.9.9.9, 10.1.1.1, 127.0.0.2", NULL, "10.9.9.9" },
	{ "one trusted entry -> it", "127.0.0.1", "10.3.3.3", NULL,
	  "10.3.3.3" },
	{ "malformed right-most entry -> the peer", "127.0.0.1",
	  "198.51.100.7, bogus", NULL, "127.0.0.1" },
	{ "malformed entry stops at the last trusted hop", "127.0.0.1",
	  "198.51.100.7, bogus, 10.2.2.2", NULL, "10.2.2.2" },
	{ "malformed entry after an untrusted one is never reached",
	  "127.0.0.1", "bogus, 198.51.100.7, 10.2.2.2", NULL,
	  "198.51.100.7" },
	{ "empty entry stops the walk", "127.0.0.1", "198.51.100.7,,10.2.2.2",
	  NULL, "10.2.2.2" },
	{ "trailing comma stops the walk", "127.0.0.1", "198.51.100.7,",
	  NULL, "127.0.0.1" },
	{ "entry with a port is malformed", "127.0.0.1", "198.51.100.7:4444",
	  NULL, "127.0.0.1" },
	{ "entry with a prefix is malformed", "127.0.0.1", "198.51.100.0/24",
	  NULL, "127.0.0.1" },
	{ "bracketed v6 entry is malformed", "127.0.0.1", "[2001:db8::5]",
	  NULL, "127.0.0.1" },
	{ "spaces and tabs around entries", "127.0.0.1",
	  "  198.51.100.7 ,\t10.1.1.1\t,   10.2.2.2  ", NULL,
	  "198.51.100.7" },
	{ "no spaces at all", "127.0.0.1", "198.51.100.7,10.1.1.1", NULL,
	  "198.51.100.7" },
	{ "only spaces", "127.0.0.1", "   ", "198.51.100.8", "127.0.0.1" },
	{ "v6 client behind a v6 proxy", "fd00::1", "2001:db8::5, fd00::2",
	  NULL, "2001:db8::5" },
	{ "v6 client written in full", "fd00::1",
	  "2001:0db8:0000:0000:0000:0000:0000:0005", NULL, "2001:db8::5" },
	{ "v4-mapped XFF entry is v4", "127.0.0.1", "::ffff:198.51.100.7",
	  NULL, "198.51.100.7" },
	{ "v4-mapped trusted XFF hop is skipped", "127.0.0.1",
	  "198.51.100.7, ::ffff:10.1.1.1", NULL, "198.51.100.7" },
	{ "XFF wins over X-Real-IP", "127.0.0.1", "198.51.100.7",
	  "198.51.100.8", "198.51.100.7" },
	{ "an over-long entry is malformed", "127.0.0.1",
	  "198.51.100.7, 1111111111111111111111111111111111111111111111111111"
	  "1111111111111111111111111",
	  NULL, "127.0.0.1" },

	/* No X-Forwarded-For: X-Real-IP, else the peer. */
	{ "no XFF -> X-Real-IP", "127.0.0.1", NULL, "198.51.100.8",
	  "198.51.100.8" },
	{ "empty XFF -> X-Real-IP", "127.0.0.1", "", "198.51.100.8",
	  "198.51.100.8" },
	{ "X-Real-IP v6", "127.0.0.1", NULL, "2001:db8::8", "2001:db8::8" },
	{ "bad X-Real-IP -> peer", "127.0.0.1", NULL, "nope", "127.0.0.1" },
	{ "X-Real-IP with spaces is bad", "127.0.0.1", NULL, " 198.51.100.8",
	  "127.0.0.1" },
	{ "X-Real-IP list is bad", "127.0.0.1", NULL,
	  "198.51.100.8, 10.0.0.1", "127.0.0.1" },

	/* The peer itself. */
	{ "v4-mapped peer matches a v4 proxy", "::ffff:127.0.0.1",
	  "198.51.100.7", NULL, "198.51.100.7" },
	{ "v4-mapped peer, no headers -> plain v4", "::ffff:127.0.0.1", NULL,
	  NULL, "127.0.0.1" },
	{ "v4-mapped untrusted peer -> plain v4", "::ffff:203.0.113.9",
	  "1.1.1.1", NULL, "203.0.113.9" },
	{ "just outside the v6 proxy net", "fd00:0:0:1::1", "2001:db8::5",
	  NULL, "fd00:0:0:1::1" },
	{ "garbage peer", "not-an-ip", "198.51.100.7", NULL, NULL },
	{ "empty peer", "", "198.51.100.7", "198.51.100.8", NULL },
	{ "peer with a port", "127.0.0.1:8080", NULL, NULL, NULL },
};

int
main(void)
{
	struct cidr *proxies = NULL, out;
	size_t nproxies = 0, i;
	char got[CIDR_BUFSZ];

	CHECK(cidr_list_parse(proxy_list, &proxies, &nproxies, NULL, 0) &&
	              nproxies == 3,
	      "proxy list parses");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok;

		memset(&out, 0, sizeof(out));
		ok = req_client_ip(cases[i].peer, cases[i].xff,
		                   cases[i].xrealip, proxies, nproxies, &out);
		if (cases[i].want == NULL) {
			CHECK(!ok, "%s: rejected", cases[i].what);
			continue;
		}
		CHECK(ok, "%s: accepted", cases[i].what);
		cidr_format(&out, false, got);
		CHECK_STR(got, cases[i].want, cases[i].what);
		CHECK(out.prefix == (out.family == 4 ? 32u : 128u),
		      "%s: a single address", cases[i].what);
	}

	/* No trusted proxies at all: headers never count. */
	CHECK(req_client_ip("127.0.0.1", "198.51.100.7", "198.51.100.8", NULL,
	                    0, &out),
	      "no proxies: accepted");
	cidr_format(&out, false, got);
	CHECK_STR(got, "127.0.0.1", "no proxies: the peer");

	/* Everyone trusted: the left-most XFF entry. */
	free(proxies);
	proxies = NULL;
	CHECK(cidr_list_parse("0.0.0.0/0 ::/0", &proxies, &nproxies, NULL, 0),
	      "trust-all list parses");
	CHECK(req_client_ip("127.0.0.1", "198.51.100.7, 6.6.6.6", NULL,
	                    proxies, nproxies, &out),
	      "trust-all: accepted");
	cidr_format(&out, false, got);
	CHECK_STR(got, "198.51.100.7", "trust-all: left-most entry");
	free(proxies);
	return tap_done();
}
