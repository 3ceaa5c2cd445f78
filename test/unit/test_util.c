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
test_ts_parse_rfc3339(void)
{
	static const struct {
		const char *in;
		const char *db; /* NULL: rejected */
		long long sec;
	} cases[] = {
		{"2030-01-02T03:04:05Z", "2030-01-02 03:04:05.000000",
		 1893553445LL},
		{"2030-01-02T03:04:05.5Z", "2030-01-02 03:04:05.500000",
		 1893553445LL},
		{"2030-01-02T03:04:05.123Z", "2030-01-02 03:04:05.123000",
		 1893553445LL},
		{"2030-01-02T03:04:05.000001Z", "2030-01-02 03:04:05.000001",
		 1893553445LL},
		{"2030-01-02T03:04:05.123456Z", "2030-01-02 03:04:05.123456",
		 1893553445LL},
		/* nine digits: truncated, not rounded */
		{"2030-01-02T03:04:05.123456789Z", "2030-01-02 03:04:05.123456",
		 1893553445LL},
		{"2030-01-02T03:04:05.999999999Z", "2030-01-02 03:04:05.999999",
		 1893553445LL},
		{"2030-01-02T03:04:05+02:00", "2030-01-02 01:04:05.000000",
		 1893546245LL},
		{"2030-01-02T03:04:05-05:30", "2030-01-02 08:34:05.000000",
		 1893573245LL},
		{"2030-01-02T03:04:05.25-05:30", "2030-01-02 08:34:05.250000",
		 1893573245LL},
		{"2030-01-02T03:04:05+00:00", "2030-01-02 03:04:05.000000",
		 1893553445LL},
		{"2030-01-02T03:04:05-00:00", "2030-01-02 03:04:05.000000",
		 1893553445LL},
		/* offsets move the date across day and year boundaries */
		{"2030-01-01T01:00:00+02:00", "2029-12-31 23:00:00.000000",
		 1893452400LL},
		{"2030-12-31T23:30:00-01:00", "2031-01-01 00:30:00.000000",
		 1924993800LL},
		{"2030-01-02t03:04:05z", "2030-01-02 03:04:05.000000",
		 1893553445LL},
		{"2030-01-02T03:04:05z", "2030-01-02 03:04:05.000000",
		 1893553445LL},
		{"2028-02-29T00:00:00Z", "2028-02-29 00:00:00.000000",
		 1835395200LL},
		{"2000-03-01T12:00:00Z", "2000-03-01 12:00:00.000000",
		 951912000LL},
		{"1970-01-01T00:00:00Z", "1970-01-01 00:00:00.000000", 0},
		{"9999-12-31T23:59:59Z", "9999-12-31 23:59:59.000000",
		 253402300799LL},
		/* rejected */
		{"2030-01-02T03:04:05", NULL, 0},
		{"2030-01-02T03:04:05.5", NULL, 0},
		{"2030-02-30T00:00:00Z", NULL, 0},
		{"2030-02-29T00:00:00Z", NULL, 0},
		{"2030-04-31T00:00:00Z", NULL, 0},
		{"2030-13-01T00:00:00Z", NULL, 0},
		{"2030-00-01T00:00:00Z", NULL, 0},
		{"2030-01-00T00:00:00Z", NULL, 0},
		{"2030-01-32T00:00:00Z", NULL, 0},
		{"2030-01-02T24:00:00Z", NULL, 0},
		{"2030-01-02T23:60:00Z", NULL, 0},
		{"2030-01-02T03:04:05+2:00", NULL, 0},
		{"2030-01-02T03:04:05+02:0", NULL, 0},
		{"2030-01-02T03:04:05+0200", NULL, 0},
		{"2030-01-02T03:04:05+02", NULL, 0},
		{"2030-01-02T03:04:05+24:00", NULL, 0},
		{"2030-01-02T03:04:05+02:60", NULL, 0},
		{"2030-01-02T03:04:05ZZ", NULL, 0},
		{"2030-01-02T03:04:05Zjunk", NULL, 0},
		{"2030-01-02T03:04:05Z ", NULL, 0},
		{"2030-01-02T03:04:05+02:00x", NULL, 0},
		{"2030-01-02T03:04:05.Z", NULL, 0},
		{"2030-01-02T03:04:05,5Z", NULL, 0},
		{"2030-01-02T03:04:05.5.5Z", NULL, 0},
		{"2030-01-02X03:04:05Z", NULL, 0},
		{"2030-1-02T03:04:05Z", NULL, 0},
		{"2030-01-02T3:04:05Z", NULL, 0},
		{"20300-01-02T03:04:05Z", NULL, 0},
		{" 2030-01-02T03:04:05Z", NULL, 0},
		{"2030-01-02", NULL, 0},
		{"2030-0a-02T03:04:05Z", NULL, 0},
		{"1969-12-31T23:59:59Z", NULL, 0},
		{"1970-01-01T00:30:00+01:00", NULL, 0}, /* 1969 in UTC */
		{"", NULL, 0},
	};
	char db[TS_DB_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		time_t sec = 4242;
		bool ok;

		snprintf(db, sizeof(db), "untouched");
		ok = ts_parse_rfc3339(cases[i].in, db, &sec);
		if (cases[i].db != NULL) {
			CHECK(ok, "ts_parse_rfc3339(\"%s\") accepted",
			      cases[i].in);
			CHECK_STR(db, cases[i].db, "ts_parse_rfc3339 db text");
			CHECK((long long)sec == cases[i].sec,
			      "ts_parse_rfc3339(\"%s\") unix %lld, want %lld",
			      cases[i].in, (long long)sec, cases[i].sec);
		} else {
			CHECK(!ok, "ts_parse_rfc3339(\"%s\") rejected",
			      cases[i].in);
		}
	}
}

static void
test_uuid_normalize(void)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: rejected */
	} cases[] = {
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef",
		 "0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef"},
		{"0B6F5C2E-8A41-4C7D-9E3F-12AB34CD56EF",
		 "0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef"},
		{"0b6F5c2E-8a41-4C7d-9e3F-12aB34cD56eF",
		 "0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef"},
		{"00000000-0000-0000-0000-000000000000",
		 "00000000-0000-0000-0000-000000000000"},
		{"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
		 "ffffffff-ffff-ffff-ffff-ffffffffffff"},
		/* hyphens moved, missing or extra */
		{"0b6f5c2e8-a41-4c7d-9e3f-12ab34cd56ef", NULL},
		{"0b6f5c2-e8a41-4c7d-9e3f-12ab34cd56ef", NULL},
		{"0b6f5c2e-8a414-c7d-9e3f-12ab34cd56ef", NULL},
		{"0b6f5c2e-8a41-4c7d9-e3f-12ab34cd56ef", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f1-2ab34cd56ef", NULL},
		{"0b6f5c2e08a41-4c7d-9e3f-12ab34cd56ef", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56-f", NULL},
		{"0b6f5c2e8a414c7d9e3f12ab34cd56ef", NULL},
		{"0b6f5c2e8a414c7d9e3f12ab34cd56ef0000", NULL},
		/* 35 and 37 characters */
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56e", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef0", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef ", NULL},
		{" 0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56e", NULL},
		/* not hex */
		{"0b6f5c2g-8a41-4c7d-9e3f-12ab34cd56ef", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56eG", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd 6ef", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd+6ef", NULL},
		{"0b6f5c2e-8a41-4c7d-9e3f-12ab34cd\xc3\xa9"
		 "ef",
		 NULL},
		/* braces and URN forms */
		{"{0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef}", NULL},
		{"{b6f5c2e-8a41-4c7d-9e3f-12ab34cd56e}", NULL},
		{"urn:uuid:0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef", NULL},
		{"", NULL},
	};
	char out[37];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = uuid_normalize(cases[i].in, out);

		if (cases[i].want != NULL) {
			CHECK(ok, "uuid_normalize(\"%s\") accepted",
			      cases[i].in);
			CHECK_STR(out, cases[i].want, "uuid_normalize");
		} else {
			CHECK(!ok,
			      "uuid_normalize(\"%s\") (%zu chars) rejected",
			      cases[i].in, strlen(cases[i].in));
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
	test_ts_parse_rfc3339();
	test_uuid_normalize();
	test_arena();
	test_strings();
	return tap_done();
}
