/* test_cidr.c: addresses, networks, lists. */
#include "autoconf.h"
#include "tap.h"

#include <stdlib.h>

#include "cidr.h"

int main(void);

/* A plain address: family and canonical text, or rejected (family 0). */
static const struct {
	const char *in;
	int family;
	const char *fmt;
} ip_cases[] = {
	{ "1.2.3.4", 4, "1.2.3.4" },
	{ "0.0.0.0", 4, "0.0.0.0" },
	{ "255.255.255.255", 4, "255.255.255.255" },
	{ "::1", 6, "::1" },
	{ "::", 6, "::" },
	{ "2001:DB8::1", 6, "2001:db8::1" },
	{ "2001:db8:0:0:0:0:0:1", 6, "2001:db8::1" },
	{ "::ffff:1.2.3.4", 4, "1.2.3.4" },
	{ "::FFFF:127.0.0.1", 4, "127.0.0.1" },
	{ "::ffff:0102:0304", 4, "1.2.3.4" },
	{ "::1.2.3.4", 6, "::1.2.3.4" },      /* v4-compatible: not mapped */
	{ "64:ff9b::1.2.3.4", 6, "64:ff9b::102:304" },
	{ "", 0, NULL },
	{ "1.2.3", 0, NULL },
	{ "1.2.3.4.5", 0, NULL },
	{ "256.1.1.1", 0, NULL },
	{ "01.2.3.4", 0, NULL },
	{ " 1.2.3.4", 0, NULL },
	{ "1.2.3.4 ", 0, NULL },
	{ "1.2.3.4/32", 0, NULL },
	{ "1.2.3.4:80", 0, NULL },
	{ "[::1]", 0, NULL },
	{ "fe80::1%eth0", 0, NULL },
	{ ":::", 0, NULL },
	{ "1::2::3", 0, NULL },
	{ "localhost", 0, NULL },
	{ "0x7f.1", 0, NULL },
	{ "::ffff:1.2.3.256", 0, NULL },
	{ "1111111111111111111111111111111111111111111111111111111111111111",
	  0, NULL },
};

static void
test_ip_parse(void)
{
	char out[CIDR_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(ip_cases) / sizeof(ip_cases[0]); i++) {
		struct cidr c;
		bool ok;

		memset(&c, 0x5a, sizeof(c));
		ok = ip_parse(ip_cases[i].in, &c);
		if (ip_cases[i].family == 0) {
			CHECK(!ok, "ip_parse(\"%s\") rejected", ip_cases[i].in);
			CHECK(c.family == 0x5a5a5a5a,
			      "ip_parse(\"%s\") leaves *out alone",
			      ip_cases[i].in);
			continue;
		}
		CHECK(ok, "ip_parse(\"%s\") accepted", ip_cases[i].in);
		CHECK(c.family == ip_cases[i].family,
		      "ip_parse(\"%s\") family %d (got %d)", ip_cases[i].in,
		      ip_cases[i].family, c.family);
		CHECK(c.prefix == (c.family == 4 ? 32u : 128u),
		      "ip_parse(\"%s\") is a single host (prefix %u)",
		      ip_cases[i].in, c.prefix);
		cidr_format(&c, false, out);
		CHECK_STR(out, ip_cases[i].fmt, "ip_parse+cidr_format");
	}
}

/* A network: accepted and formatted with its prefix, or rejected. */
static const struct {
	const char *in;
	const char *fmt; /* NULL: rejected */
} cidr_cases[] = {
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "10.0.0.5/24", "10.0.0.5/24" }, /* host bits kept */
	{ "10.0.0.5", "10.0.0.5/32" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "1.2.3.4/32", "1.2.3.4/32" },
	{ "192.168.1.0/255.255.255.0", "192.168.1.0/24" },
	{ "192.168.1.0/255.255.255.255", "192.168.1.0/32" },
	{ "192.168.1.0/0.0.0.0", "192.168.1.0/0" },
	{ "192.168.1.0/255.255.254.0", "192.168.1.0/23" },
	{ "192.168.1.0/255.128.0.0", "192.168.1.0/9" },
	{ "::/0", "::/0" },
	{ "2001:db8::/32", "2001:db8::/32" },
	{ "2001:db8::1/64", "2001:db8::1/64" },
	{ "::1/128", "::1/128" },
	{ "::1", "::1/128" },
	{ "::ffff:10.0.0.0/104", "10.0.0.0/8" }, /* mapped: v6 length - 96 */
	{ "::ffff:10.0.0.0/128", "10.0.0.0/32" },
	{ "::ffff:10.0.0.0/96", "10.0.0.0/0" },
	{ "::ffff:10.0.0.0", "10.0.0.0/32" },
	{ "::ffff:10.0.0.0/95", NULL },
	{ "::ffff:10.0.0.0/8", NULL },
	{ "::ffff:10.0.0.0/129", NULL },
	{ "10.0.0.0/33", NULL },
	{ "10.0.0.0/128", NULL },
	{ "::/129", NULL },
	{ "::/200", NULL },
	{ "10.0.0.0/-1", NULL },
	{ "10.0.0.0/", NULL },
	{ "10.0.0.0/ 8", NULL },
	{ "10.0.0.0/8 ", NULL },
	{ "10.0.0.0 /8", NULL },
	{ "10.0.0.0/8x", NULL },
	{ "10.0.0.0/8/8", NULL },
	{ "10.0.0.0/0x8", NULL },
	{ "10.0.0.0/+8", NULL },
	{ "10.0.0.0/-0", NULL },
	{ "/8", NULL },
	{ "/", NULL },
	{ "", NULL },
	{ "garbage", NULL },
	{ "garbage/8", NULL },
	{ "10.0.0/8", NULL },
	{ "192.168.1.0/255.0.255.0", NULL },   /* non-contiguous mask */
	{ "192.168.1.0/255.255.255.1", NULL }, /* non-contiguous mask */
	{ "192.168.1.0/0.255.255.255", NULL }, /* inverted (wildcard) */
	{ "192.168.1.0/255.255.255", NULL },
	{ "192.168.1.0/255.255.255.0.", NULL },
	{ "2001:db8::/255.255.0.0", NULL }, /* dotted masks are v4 only */
	{ "2001:db8::/64.0", NULL },
};

static void
test_cidr_parse(void)
{
	char out[CIDR_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(cidr_cases) / sizeof(cidr_cases[0]); i++) {
		struct cidr c;
		bool ok;

		memset(&c, 0x5a, sizeof(c));
		ok = cidr_parse(cidr_cases[i].in, &c);
		if (cidr_cases[i].fmt == NULL) {
			CHECK(!ok, "cidr_parse(\"%s\") rejected",
			      cidr_cases[i].in);
			CHECK(c.family == 0x5a5a5a5a,
			      "cidr_parse(\"%s\") leaves *out alone",
			      cidr_cases[i].in);
			continue;
		}
		CHECK(ok, "cidr_parse(\"%s\") accepted", cidr_cases[i].in);
		if (!ok)
			continue;
		cidr_format(&c, true, out);
		CHECK_STR(out, cidr_cases[i].fmt, "cidr_parse+cidr_format");
	}
}

/* net contains ip? */
static const struct {
	const char *net, *ip;
	bool in;
} contains_cases[] = {
	{ "0.0.0.0/0", "0.0.0.0", true },
	{ "0.0.0.0/0", "255.255.255.255", true },
	{ "0.0.0.0/0", "::1", false }, /* families never mix */
	{ "0.0.0.0/0", "::", false },
	{ "::/0", "1.2.3.4", false },
	{ "::/0", "::ffff:1.2.3.4", false }, /* mapped is v4 */
	{ "::/0", "2001:db8::1", true },
	{ "::/0", "::", true },
	{ "1.2.3.4/32", "1.2.3.4", true },
	{ "1.2.3.4", "1.2.3.4", true },
	{ "1.2.3.4/32", "1.2.3.5", false },
	{ "1.2.3.4/32", "1.2.3.3", false },
	{ "1.2.3.4/32", "::ffff:1.2.3.4", true },
	{ "192.168.1.0/24", "192.168.1.0", true },
	{ "192.168.1.0/24", "192.168.1.255", true },
	{ "192.168.1.0/24", "192.168.0.255", false },
	{ "192.168.1.0/24", "192.168.2.0", false },
	{ "192.168.1.77/24", "192.168.1.1", true }, /* host bits ignored */
	{ "192.168.1.0/255.255.255.0", "192.168.1.9", true },
	{ "10.0.0.0/9", "10.127.255.255", true },
	{ "10.0.0.0/9", "10.128.0.0", false },
	{ "10.0.0.0/7", "11.255.255.255", true },
	{ "10.0.0.0/7", "12.0.0.0", false },
	{ "10.0.0.0/7", "9.255.255.255", false },
	{ "127.0.0.0/8", "::ffff:127.0.0.1", true },
	{ "::ffff:127.0.0.0/104", "127.9.9.9", true },
	{ "::1/128", "::1", true },
	{ "::1/128", "::2", false },
	{ "::1/128", "::", false },
	{ "::1/128", "0.0.0.1", false },
	{ "2001:db8::/64", "2001:db8::", true },
	{ "2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", true },
	{ "2001:db8::/64", "2001:db8:0:1::", false },
	{ "2001:db8::/64", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false },
	{ "2001:db8::/33", "2001:db8:7fff::1", true },
	{ "2001:db8::/33", "2001:db8:8000::1", false },
	{ "2001:db8::/127", "2001:db8::1", true },
	{ "2001:db8::/127", "2001:db8::2", false },
};

static void
test_cidr_contains(void)
{
	size_t i;

	for (i = 0; i < sizeof(contains_cases) / sizeof(contains_cases[0]);
	     i++) {
		struct cidr net, ip;
		bool pn = cidr_parse(contains_cases[i].net, &net);
		bool pi = ip_parse(contains_cases[i].ip, &ip);

		CHECK(pn && pi && cidr_contains(&net, &ip) ==
		                          contains_cases[i].in,
		      "%s %s %s", contains_cases[i].net,
		      contains_cases[i].in ? "contains" : "does not contain",
		      contains_cases[i].ip);
	}
}

static void
test_cidr_format(void)
{
	struct cidr c;
	char out[CIDR_BUFSZ];

	CHECK(cidr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", &c),
	      "longest v6 network parses");
	cidr_format(&c, true, out);
	CHECK_STR(out, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
	          "cidr_format longest v6 with prefix fits");
	cidr_format(&c, false, out);
	CHECK_STR(out, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
	          "cidr_format without prefix");
	CHECK(cidr_parse("10.1.2.3/16", &c), "10.1.2.3/16 parses");
	cidr_format(&c, false, out);
	CHECK_STR(out, "10.1.2.3", "cidr_format v4 without prefix");
	cidr_format(&c, true, out);
	CHECK_STR(out, "10.1.2.3/16", "cidr_format v4 with prefix");
}

static void
test_cidr_list(void)
{
	struct cidr *list = NULL, ip;
	size_t n = 99;
	char bad[CIDR_BUFSZ];

	CHECK(cidr_list_parse("", &list, &n, bad, sizeof(bad)) && n == 0 &&
	              list == NULL,
	      "empty list: ok, no entries, NULL array");
	n = 99;
	CHECK(cidr_list_parse(" ,\t, ", &list, &n, bad, sizeof(bad)) &&
	              n == 0 && list == NULL,
	      "separators only: empty list");

	CHECK(cidr_list_parse("10.0.0.0/8, 192.168.1.1 ,::1\t2001:db8::/32,,",
	                      &list, &n, bad, sizeof(bad)),
	      "mixed commas, spaces and tabs parse");
	CHECK(n == 4, "four entries (got %zu)", n);
	if (list != NULL && n == 4) {
		char out[CIDR_BUFSZ];

		cidr_format(&list[0], true, out);
		CHECK_STR(out, "10.0.0.0/8", "entry 0");
		cidr_format(&list[1], true, out);
		CHECK_STR(out, "192.168.1.1/32", "entry 1");
		cidr_format(&list[2], true, out);
		CHECK_STR(out, "::1/128", "entry 2");
		cidr_format(&list[3], true, out);
		CHECK_STR(out, "2001:db8::/32", "entry 3");
		ip_parse("10.200.0.1", &ip);
		CHECK(cidr_list_contains(list, n, &ip), "list has 10.200.0.1");
		ip_parse("2001:db8:1::", &ip);
		CHECK(cidr_list_contains(list, n, &ip),
		      "list has 2001:db8:1::");
		ip_parse("192.168.1.2", &ip);
		CHECK(!cidr_list_contains(list, n, &ip),
		      "list lacks 192.168.1.2");
		ip_parse("::2", &ip);
		CHECK(!cidr_list_contains(list, n, &ip), "list lacks ::2");
	}
	free(list);

	ip_parse("1.2.3.4", &ip);
	CHECK(!cidr_list_contains(NULL, 0, &ip), "empty list contains nothing");

	list = NULL;
	n = 99;
	snprintf(bad, sizeof(bad), "untouched");
	CHECK(!cidr_list_parse("10.0.0.0/8, 10.0.0.0/33, 1.2.3.4", &list, &n,
	                       bad, sizeof(bad)),
	      "bad entry in the middle rejects the list");
	CHECK_STR(bad, "10.0.0.0/33", "the bad entry is copied out");
	CHECK(list == NULL && n == 99, "outputs untouched on failure");

	CHECK(!cidr_list_parse("nope", &list, &n, bad, sizeof(bad)),
	      "single bad entry rejected");
	CHECK_STR(bad, "nope", "bad single entry copied");
	CHECK(!cidr_list_parse("1.2.3.4;5.6.7.8", &list, &n, bad,
	                       sizeof(bad)),
	      "semicolon is not a separator");
	CHECK_STR(bad, "1.2.3.4;5.6.7.8", "bad entry with ';' copied");

	{
		char small[6];

		CHECK(!cidr_list_parse("1.1.1.1 garbage", &list, &n, small,
		                       sizeof(small)),
		      "bad entry with a small buffer");
		CHECK_STR(small, "garba", "bad entry truncated to the buffer");
	}
	{
		char longest[200];

		memset(longest, '1', sizeof(longest) - 1);
		longest[sizeof(longest) - 1] = '\0';
		CHECK(!cidr_list_parse(longest, &list, &n, bad, sizeof(bad)),
		      "over-long entry rejected");
		CHECK(strlen(bad) > 0 && strlen(bad) < sizeof(bad) &&
		              strspn(bad, "1") == strlen(bad),
		      "over-long entry copied, truncated");
		CHECK(!cidr_list_parse(longest, &list, &n, NULL, 0),
		      "bad may be NULL");
	}
}

int
main(void)
{
	test_ip_parse();
	test_cidr_parse();
	test_cidr_contains();
	test_cidr_format();
	test_cidr_list();
	return tap_done();
}
