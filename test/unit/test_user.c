/* test_user.c: the username, e-mail and password rules of the contract. */
#include "autoconf.h"
#include "tap.h"

#include "user.h"

int main(void);

#define PATTERN "does not match pattern /^[a-zA-Z0-9_]+$/"
#define E_EMPTY "not a valid email: value is empty"
#define E_AT "not a valid email: value is missing `@`"
#define E_USERLEN "not a valid email: user length exceeded maximum of 64 " \
	          "characters"
#define E_USER "not a valid email: user contains unexpected characters"
#define E_DOMAIN "not a valid email: domain contains unexpected characters"

/* "x" repeated n times, in a static buffer per call site. */
static const char *
rep(char *buf, size_t bufsz, const char *x, size_t n, const char *suffix)
{
	size_t i, o = 0, xl = strlen(x);

	for (i = 0; i < n && o + xl < bufsz; i++, o += xl)
		memcpy(buf + o, x, xl);
	snprintf(buf + o, bufsz - o, "%s", suffix);
	return buf;
}

static void
test_username(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "abc", NULL },
		{ "ab", "length is lower than 3" },
		{ "", "length is lower than 3" },
		{ "a", "length is lower than 3" },
		{ "abcdefghijklmno", NULL },
		{ "abcdefghijklmnop", "length is greater than 15" },
		{ "A_z_0_9", NULL },
		{ "___", NULL },
		{ "123", NULL },
		{ "ab-c", PATTERN },
		{ "ab c", PATTERN },
		{ "abc.", PATTERN },
		{ "ab@c", PATTERN },
		{ "abc\n", PATTERN },
		{ "\xc3\xa9t\xc3\xa9", PATTERN },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(user_check_username(cases[i].in), cases[i].want,
		          cases[i].in);
}

static void
test_email(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a@b", NULL },
		{ "user@example.com", NULL },
		{ "USER.Name+tag@Example.COM", NULL },
		{ "!#$%&'*+/=?^_`{|}~-.@example.com", NULL },
		{ "a@sub.domain-with-hyphens.example", NULL },
		{ "a@valid-----hyphens.com", NULL },
		{ "a@1.2.3.4", NULL },
		{ "email@[127.0.0.1]", NULL },
		{ "email@[2001:dB8::1]", NULL },
		{ "email@[::ffff:127.0.0.1]", NULL },
		{ "", E_EMPTY },
		{ "abc", E_AT },
		{ "abc.example.com", E_AT },
		{ "@example.com", E_USER },
		{ "a b@example.com", E_USER },
		{ "a(b)@example.com", E_USER },
		{ "\"quoted\"@example.com", E_USER },
		{ "a\n@b.com", E_USER },
		{ "\xc3\xa9@example.com", E_USER },
		{ "\"test@test\"@example.com", E_USER },
		{ "abc@", E_DOMAIN },
		{ "a@-b.com", E_DOMAIN },
		{ "a@b-.com", E_DOMAIN },
		{ "a@b.-c.com", E_DOMAIN },
		{ "a@b..com", E_DOMAIN },
		{ "a@.b.com", E_DOMAIN },
		{ "a@b.com.", E_DOMAIN },
		{ "a@b.com\n", E_DOMAIN },
		{ "a@exam_ple.com", E_DOMAIN },
		{ "a@b@c.com", E_DOMAIN },
		{ "something@@somewhere.com", E_DOMAIN },
		{ "a@[127.0.0.256]", E_DOMAIN },
		{ "a@[2001:db8::12345]", E_DOMAIN },
		{ "a@[127.0.0.1", E_DOMAIN },
		{ "a@127.0.0.1]", E_DOMAIN },
		{ "a@[127.0.0.1]\n", E_DOMAIN },
		{ "a@[]", E_DOMAIN },
		{ "a@[example.com]", E_DOMAIN },
	};
	char buf[400];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(user_check_email(cases[i].in), cases[i].want,
		          cases[i].in);

	/* Local part: 64 bytes is the limit. */
	CHECK_STR(user_check_email(rep(buf, sizeof(buf), "a", 64, "@b.com")),
	          NULL, "64-byte local part");
	CHECK_STR(user_check_email(rep(buf, sizeof(buf), "a", 65, "@b.com")),
	          E_USERLEN, "65-byte local part");
	/* A label is at most 63 characters. */
	CHECK_STR(user_check_email(rep(buf, sizeof(buf), "a", 63, "")), E_AT,
	          "63 characters, no @");
	snprintf(buf, sizeof(buf), "a@");
	rep(buf + 2, sizeof(buf) - 2, "b", 63, ".com");
	CHECK_STR(user_check_email(buf), NULL, "63-character label");
	snprintf(buf, sizeof(buf), "a@");
	rep(buf + 2, sizeof(buf) - 2, "b", 64, ".com");
	CHECK_STR(user_check_email(buf), E_DOMAIN, "64-character label");
	snprintf(buf, sizeof(buf), "a@atm.");
	rep(buf + 6, sizeof(buf) - 6, "b", 64, "");
	CHECK_STR(user_check_email(buf), E_DOMAIN, "64-character last label");
	/* 255 bytes overall pass, 256 do not. */
	snprintf(buf, sizeof(buf), "a@");
	rep(buf + 2, sizeof(buf) - 2, "b.", 126, "cc");
	CHECK(strlen(buf) == 256, "256-byte address built");
	CHECK_STR(user_check_email(buf), "length is greater than 255",
	          "256-byte address");
	snprintf(buf, sizeof(buf), "a@");
	rep(buf + 2, sizeof(buf) - 2, "b.", 126, "c");
	CHECK(strlen(buf) == 255, "255-byte address built");
	CHECK_STR(user_check_email(buf), NULL, "255-byte address");
}

static void
test_password(void)
{
	char buf[2100];

	CHECK_STR(user_check_password(""), "length is lower than 8", "empty");
	CHECK_STR(user_check_password(rep(buf, sizeof(buf), "a", 7, "")),
	          "length is lower than 8", "7 characters");
	CHECK_STR(user_check_password(rep(buf, sizeof(buf), "a", 8, "")), NULL,
	          "8 characters");
	CHECK_STR(user_check_password(rep(buf, sizeof(buf), "a", 512, "")),
	          NULL, "512 characters");
	CHECK_STR(user_check_password(rep(buf, sizeof(buf), "a", 513, "")),
	          "length is greater than 512", "513 characters");
	/* Characters, not bytes. */
	CHECK_STR(user_check_password(rep(buf, sizeof(buf), "\xc3\xa9", 7, "")),
	          "length is lower than 8", "7 x 'é' (14 bytes)");
	CHECK_STR(user_check_password(rep(buf, sizeof(buf), "\xc3\xa9", 8, "")),
	          NULL, "8 x 'é' (16 bytes)");
	CHECK_STR(user_check_password(
		          rep(buf, sizeof(buf), "\xf0\x9f\x98\x80", 512, "")),
	          NULL, "512 x 4-byte emoji (2048 bytes)");
	CHECK_STR(user_check_password(
		          rep(buf, sizeof(buf), "\xe2\x82\xac", 513, "")),
	          "length is greater than 512", "513 x '€'");
	CHECK_STR(user_check_password("pass word"), NULL, "spaces count");
}

int
main(void)
{
	test_username();
	test_email();
	test_password();
	return tap_done();
}
