/* test_util.c: the number parser, timestamps, the arena, string helpers. */
#include "autoconf.h"
#include "tap.h"

#include <stdint.h>

#include "util.h"

int main(void);

struct int_case {
	const char *in;
	int64_t min, max;
	bool ok;
	int64_t want;
};

static const struct int_case int_cases[] = {
	{ "0", 0, 10, true, 0 },
	{ "10", 0, 10, true, 10 },
	{ "11", 0, 10, false, 0 },
	{ "-1", 0, 10, false, 0 },
	{ "-1", -1, 10, true, -1 },
	{ "+5", 0, 10, true, 5 },   /* strtoll's sign, like Rust's parse */
	{ "-0", 0, 10, true, 0 },
	{ "007", 0, 10, true, 7 },
	{ "", 0, 10, false, 0 },
	{ " 5", 0, 10, false, 0 },
	{ "5 ", 0, 10, false, 0 },
	{ "\t5", 0, 10, false, 0 },
	{ "5\n", 0, 10, false, 0 },
	{ "+", 0, 10, false, 0 },
	{ "-", 0, 10, false, 0 },
	{ "5x", 0, 10, false, 0 },
	{ "x5", 0, 10, false, 0 },
	{ "0x10", 0, 100, false, 0 },
	{ "1e3", 0, 10000, false, 0 },
	{ "1.0", 0, 10, false, 0 },
	{ "1,000", 0, 10000, false, 0 },
	{ "9223372036854775807", INT64_MIN, INT64_MAX, true, INT64_MAX },
	{ "9223372036854775808", INT64_MIN, INT64_MAX, false, 0 },
	{ "-9223372036854775808", INT64_MIN, INT64_MAX, true, INT64_MIN },
	{ "-9223372036854775809", INT64_MIN, INT64_MAX, false, 0 },
	{ "99999999999999999999999", INT64_MIN, INT64_MAX, false, 0 },
	{ "65535", 1, 65535, true, 65535 },
	{ "65536", 1, 65535, false, 0 },
};

static void
test_parse_int64(void)
{
	size_t i;

	for (i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		const struct int_case *c = &int_cases[i];
		int64_t out = 4242;
		bool ok = parse_int64(c->in, c->min, c->max, &out);

		CHECK(ok == c->ok, "parse_int64(\"%s\", %lld, %lld) -> %s",
		      c->in, (long long)c->min, (long long)c->max,
		      c->ok ? "ok" : "rejected");
		if (c->ok)
			CHECK(out == c->want, "parse_int64(\"%s\") = %lld",
			      c->in, (long long)c->want);
		else
			CHECK(out == 4242, "parse_int64(\"%s\") leaves *out",
			      c->in);
	}
	CHECK(!parse_int64(NULL, 0, 1, &(int64_t){ 0 }),
	      "parse_int64(NULL) rejected");
}

static void
test_parse_bool(void)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	static const char *const bad[] = { "", "TRUE", "True", "2", "y",
		                           " true", "true ", "nope", "-1" };
	size_t i;
	bool b;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		CHECK(parse_bool(yes[i], &b) && b, "parse_bool(\"%s\") true",
		      yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		b = true;
		CHECK(parse_bool(no[i], &b) && !b, "parse_bool(\"%s\") false",
		      no[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = true;
		CHECK(!parse_bool(bad[i], &b) && b,
		      "parse_bool(\"%s\") rejected, *out untouched", bad[i]);
	}
}

static void
test_ts_format(void)
{
	static const struct {
		time_t sec;
		long nsec;
		const char *want;
	} cases[] = {
		{ 0, 0, "1970-01-01T00:00:00Z" },
		{ 0, 1, "1970-01-01T00:00:00.000000001Z" },
		{ 1768509371, 0, "2026-01-15T20:36:11Z" },
		{ 1768509371, 123000000, "2026-01-15T20:36:11.123Z" },
		{ 1768509371, 100000000, "2026-01-15T20:36:11.100Z" },
		{ 1768509371, 1000000, "2026-01-15T20:36:11.001Z" },
		{ 1768509371, 123456000, "2026-01-15T20:36:11.123456Z" },
		{ 1768509371, 1000, "2026-01-15T20:36:11.000001Z" },
		{ 1768509371, 123456789, "2026-01-15T20:36:11.123456789Z" },
		{ 1768509371, 999999999, "2026-01-15T20:36:11.999999999Z" },
		{ 951782400, 0, "2000-02-29T00:00:00Z" },
		{ 4102444799, 500000000, "2099-12-31T23:59:59.500Z" },
	};
	char out[TS_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ts_format(cases[i].sec, cases[i].nsec, out);
		CHECK_STR(out, cases[i].want, "ts_format");
	}
}

static void
test_ts_from_db(void)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: rejected */
	} cases[] = {
		{ "2026-01-15 20:36:11.123456", "2026-01-15T20:36:11.123456Z" },
		{ "2026-01-15 20:36:11.000000", "2026-01-15T20:36:11Z" },
		{ "2026-01-15 20:36:11", "2026-01-15T20:36:11Z" },
		{ "2026-01-15 20:36:11.120000", "2026-01-15T20:36:11.120Z" },
		{ "2026-01-15 20:36:11.5", "2026-01-15T20:36:11.500Z" },
		{ "2026-01-15 20:36:11.000001", "2026-01-15T20:36:11.000001Z" },
		{ "2026-01-15 20:36:11.123456789",
		  "2026-01-15T20:36:11.123456789Z" },
		{ "1970-01-01 00:00:00.000000", "1970-01-01T00:00:00Z" },
		{ "2026-01-15 20:36:11.1234567891", NULL }, /* 10 digits */
		{ "2026-01-15 20:36:11.", NULL },
		{ "2026-01-15 20:36:11.12a456", NULL },
		{ "2026-01-15 20:36:11 ", NULL },
		{ "2026-01-15 20:36:1", NULL },
		{ "2026-01-15T20:36:11", NULL },
		{ "2026/01/15 20:36:11", NULL },
		{ "2026-01-15 20-36-11", NULL },
		{ "2026-01-15 20:36:11Z", NULL },
		{ "2026-1-15 20:36:11.0", NULL },
		{ "x026-01-15 20:36:11", NULL },
		{ "", NULL },
	};
	char out[TS_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok;

		snprintf(out, sizeof(out), "untouched");
		ok = ts_from_db(cases[i].in, out);
		if (cases[i].want != NULL) {
			CHECK(ok, "ts_from_db(\"%s\") accepted", cases[i].in);
			CHECK_STR(out, cases[i].want, "ts_from_db");
		} else {
			CHECK(!ok, "ts_from_db(\"%s\") rejected", cases[i].in);
		}
	}
}

static void
test_arena(void)
{
	struct arena a = { 0 };
	char *s, *t, *big, *p;
	size_t i;
	bool aligned = true, distinct = true;
	void *prev = NULL;

	s = arena_strdup(&a, "hello");
	CHECK_STR(s, "hello", "arena_strdup");
	t = arena_strndup(&a, "abcdef", 3);
	CHECK_STR(t, "abc", "arena_strndup stops at n");
	CHECK(s != t, "arena copies are distinct");
	p = arena_strndup(&a, "", 0);
	CHECK_STR(p, "", "arena_strndup of nothing");
	p = arena_printf(&a, "%s-%d-%05.1f", "x", 42, 3.14159);
	CHECK_STR(p, "x-42-003.1", "arena_printf");
	p = arena_printf(&a, "%s", "");
	CHECK_STR(p, "", "arena_printf empty");

	/* Many allocations cross chunks; all aligned, all writable. */
	for (i = 0; i < 3000; i++) {
		unsigned char *q = arena_alloc(&a, i % 37 + 1);

		if ((uintptr_t)q % _Alignof(max_align_t) != 0)
			aligned = false;
		if ((void *)q == prev)
			distinct = false;
		memset(q, 0xab, i % 37 + 1);
		prev = q;
	}
	CHECK(aligned, "arena_alloc returns max_align_t-aligned memory");
	CHECK(distinct, "arena_alloc never returns the same block twice");

	/* Larger than a chunk. */
	big = arena_alloc(&a, 100000);
	memset(big, 'z', 100000);
	CHECK(big[0] == 'z' && big[99999] == 'z', "arena_alloc > chunk size");
	CHECK_STR(s, "hello", "earlier allocation survives later ones");
	CHECK_STR(t, "abc", "earlier strndup survives later ones");

	arena_reset(&a);
	CHECK(a.head == NULL, "arena_reset empties the arena");
	s = arena_strdup(&a, "again");
	CHECK_STR(s, "again", "arena reusable after reset");
	arena_reset(&a);
	arena_reset(&a);
	CHECK(a.head == NULL, "arena_reset twice is harmless");
}

static void
test_strings(void)
{
	static const struct {
		const char *in, *want;
	} trims[] = {
		{ "", "" },         { "   ", "" },       { "\t \t", "" },
		{ "a", "a" },       { "  a", "a" },      { "a  ", "a" },
		{ "\ta b\t", "a b" }, { " \t x \t ", "x" },
		{ "\na\n", "\na\n" }, /* only spaces and tabs */
	};
	static const struct {
		const char *a, *b;
		bool eq;
	} ieqs[] = {
		{ "", "", true },
		{ "abc", "ABC", true },
		{ "Content-Type", "content-type", true },
		{ "abc", "abd", false },
		{ "abc", "ab", false },
		{ "ab", "abc", false },
		{ "", "a", false },
		{ "a[", "A{", false }, /* not a bitwise 0x20 compare */
		{ "\xc3\xa9", "\xc3\x89", false }, /* ASCII only */
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(trims) / sizeof(trims[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", trims[i].in);
		CHECK_STR(str_trim(buf), trims[i].want, "str_trim");
	}
	for (i = 0; i < sizeof(ieqs) / sizeof(ieqs[0]); i++)
		CHECK(str_ieq(ieqs[i].a, ieqs[i].b) == ieqs[i].eq,
		      "str_ieq(\"%s\", \"%s\") == %d", ieqs[i].a, ieqs[i].b,
		      ieqs[i].eq);
	CHECK(str_has_prefix("/api/x", "/api/"), "str_has_prefix yes");
	CHECK(str_has_prefix("abc", ""), "str_has_prefix empty prefix");
	CHECK(!str_has_prefix("/ap", "/api/"), "str_has_prefix shorter");
	CHECK(!str_has_prefix("/API/x", "/api/"), "str_has_prefix case");
	CHECK_STR(perr_str(PERR_OK), "ok", "perr_str ok");
	CHECK_STR(perr_str(PERR_NOENT), "not found", "perr_str noent");
	CHECK_STR(perr_str(PERR__MAX), "unknown error", "perr_str past end");
	CHECK_STR(perr_str((enum perr) - 1), "unknown error",
	          "perr_str negative");
}

int
main(void)
{
	test_parse_int64();
	test_parse_bool();
	test_ts_format();
	test_ts_from_db();
	test_arena();
	test_strings();
	return tap_done();
}
