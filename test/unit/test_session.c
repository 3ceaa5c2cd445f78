/*
 * test_session.c: the signed session cookie (make, parse, every one-byte
 * change, rotation, expiry) and the two-factor checkpoint token.
 */
#include "autoconf.h"
#include "tap.h"

#include <stdint.h>

#include "config.h"
#include "crypto.h"
#include "session.h"

int main(void);

#define NOW ((time_t)1700000000)
#define B62 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define DIGITS "0123456789"
#define HEXL "0123456789abcdef"
#define SEPS ".-_:/,; +~"

static unsigned char key_a[CONFIG_KEY_BYTES], key_b[CONFIG_KEY_BYTES];

/* A zeroed config holding the given cookie keys, [0] signs. */
static void
cfg_keys(struct config *cfg, const unsigned char *k0, const unsigned char *k1)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->cookie_keys[0], k0, CONFIG_KEY_BYTES);
	cfg->ncookie_keys = 1;
	if (k1 != NULL) {
		memcpy(cfg->cookie_keys[1], k1, CONFIG_KEY_BYTES);
		cfg->ncookie_keys = 2;
	}
}

static void
fill(struct session_cookie *c, long long expires)
{
	crypto_random_base62(c->key_id, SESSION_KEY_ID_LEN);
	c->key_id[SESSION_KEY_ID_LEN] = '\0';
	crypto_random_base62(c->secret, SESSION_SECRET_LEN);
	c->secret[SESSION_SECRET_LEN] = '\0';
	c->expires = expires;
}

static const char *
perr_name(enum perr e)
{
	return e == PERR_OK	  ? "PERR_OK"
	       : e == PERR_INVAL  ? "PERR_INVAL"
	       : e == PERR_UNAUTH ? "PERR_UNAUTH"
				  : perr_str(e);
}

static void
test_round_trip(void)
{
	static const long long exps[] = {NOW + 1, NOW + 3600, 2000000000LL,
					 9999999999LL};
	struct config cfg;
	struct session_cookie c, got;
	char v[SESSION_COOKIE_LEN + 1], v2[SESSION_COOKIE_LEN + 1];
	size_t i;

	cfg_keys(&cfg, key_a, NULL);
	for (i = 0; i < sizeof(exps) / sizeof(exps[0]); i++) {
		enum perr e;

		fill(&c, exps[i]);
		memset(v, 'X', sizeof(v));
		session_cookie_make(&cfg, &c, v);
		CHECK(strlen(v) == SESSION_COOKIE_LEN,
		      "expires %lld: length %zu, want 139", exps[i], strlen(v));
		CHECK(strncmp(v, "v1.", 3) == 0 && v[19] == '.' &&
			      v[63] == '.' && v[74] == '.',
		      "expires %lld: layout v1.<16>.<43>.<10>.<64>", exps[i]);
		CHECK(strspn(v + 75, HEXL) == 64,
		      "expires %lld: tag is 64 lowercase hex", exps[i]);
		memset(&got, 0, sizeof(got));
		e = session_cookie_parse(&cfg, v, NOW, &got);
		CHECK(e == PERR_OK, "expires %lld: parse -> %s", exps[i],
		      perr_name(e));
		CHECK_STR(got.key_id, c.key_id, "key id recovered");
		CHECK_STR(got.secret, c.secret, "secret recovered");
		CHECK(got.expires == exps[i], "expires %lld recovered: %lld",
		      exps[i], got.expires);
		session_cookie_make(&cfg, &got, v2);
		CHECK_STR(v2, v, "make is deterministic");
	}
	/* expires padded to ten digits */
	fill(&c, 5);
	session_cookie_make(&cfg, &c, v);
	CHECK(strlen(v) == SESSION_COOKIE_LEN &&
		      strncmp(v + 64, "0000000005.", 11) == 0,
	      "small expires is zero-padded: %.10s", v + 64);
	CHECK(session_cookie_parse(&cfg, v, 4, &got) == PERR_OK &&
		      got.expires == 5,
	      "zero-padded expires parses");
}

/* The characters that may stand at position i of a valid cookie. */
static const char *
class_at(size_t i)
{
	if (i == 0)
		return LETTERS;
	if (i == 1)
		return DIGITS;
	if (i == 2 || i == 19 || i == 63 || i == 74)
		return SEPS;
	if (i < 63)
		return B62;
	if (i < 74)
		return DIGITS;
	return HEXL;
}

static void
test_one_change(void)
{
	struct config cfg;
	struct session_cookie c, got;
	char v[SESSION_COOKIE_LEN + 1], w[SESSION_COOKIE_LEN + 1];
	size_t i, anybad = 0;

	/* two keys: a change must not verify under either of them */
	cfg_keys(&cfg, key_a, key_b);
	fill(&c, NOW + 3600);
	session_cookie_make(&cfg, &c, v);
	CHECK(session_cookie_parse(&cfg, v, NOW, &got) == PERR_OK,
	      "the unchanged cookie parses");
	for (i = 0; i < SESSION_COOKIE_LEN; i++) {
		const char *cls = class_at(i), *p;
		/* the layout fields are checked before the tag */
		bool layout = i <= 2 || i == 19 || i == 63 || i == 74;
		enum perr want = layout ? PERR_INVAL : PERR_UNAUTH;
		size_t tried = 0, wrong = 0;
		enum perr bad = PERR_OK;
		int b;

		for (p = cls; *p != '\0'; p++) {
			enum perr e;

			if (*p == v[i])
				continue;
			memcpy(w, v, sizeof(w));
			w[i] = *p;
			e = session_cookie_parse(&cfg, w, NOW, &got);
			tried++;
			if (e != want) {
				wrong++;
				bad = e;
			}
		}
		CHECK(tried > 0 && wrong == 0,
		      "position %zu ('%c'): %zu same-class changes -> %s "
		      "(%zu gave %s)",
		      i, v[i], tried, perr_name(want), wrong, perr_name(bad));
		/* and no byte at all is accepted in its place */
		for (b = 1; b < 256; b++) {
			if ((char)b == v[i])
				continue;
			memcpy(w, v, sizeof(w));
			w[i] = (char)b;
			if (session_cookie_parse(&cfg, w, NOW, &got) == PERR_OK)
				anybad++;
		}
	}
	CHECK(anybad == 0, "no single-byte change anywhere parses (%zu did)",
	      anybad);
}

static void
test_layout(void)
{
	struct config cfg;
	struct session_cookie c, got;
	char v[SESSION_COOKIE_LEN + 1], w[SESSION_COOKIE_LEN + 8];
	static const char bad_id[] = {'-', '_', '+', '/',	 ' ',
				      '=', '.', '%', (char)0xc3, '\t'};
	size_t i, n, hexpos;
	enum perr e;

	cfg_keys(&cfg, key_a, NULL);
	/* a tag with at least one letter, so it has an upper case */
	do {
		fill(&c, NOW + 600);
		session_cookie_make(&cfg, &c, v);
	} while (strcspn(v + 75, "abcdef") == 64);

	memcpy(w, v, SESSION_COOKIE_LEN - 1);
	w[SESSION_COOKIE_LEN - 1] = '\0';
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "truncated by one -> %s", perr_name(e));
	for (i = 0; i < 3; i++) {
		static const char extra[] = {'0', 'a', '.'};

		memcpy(w, v, SESSION_COOKIE_LEN);
		w[SESSION_COOKIE_LEN] = extra[i];
		w[SESSION_COOKIE_LEN + 1] = '\0';
		e = session_cookie_parse(&cfg, w, NOW, &got);
		CHECK(e == PERR_INVAL, "extended by '%c' -> %s", extra[i],
		      perr_name(e));
	}
	e = session_cookie_parse(&cfg, "", NOW, &got);
	CHECK(e == PERR_INVAL, "empty -> %s", perr_name(e));
	/* every shorter prefix */
	for (n = 0, i = 0; i < SESSION_COOKIE_LEN; i++) {
		memcpy(w, v, i);
		w[i] = '\0';
		n += session_cookie_parse(&cfg, w, NOW, &got) != PERR_INVAL;
	}
	CHECK(n == 0, "every proper prefix -> PERR_INVAL (%zu not)", n);

	hexpos = 75 + strcspn(v + 75, "abcdef");
	memcpy(w, v, sizeof(v));
	w[hexpos] = (char)(w[hexpos] - 'a' + 'A');
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "one upper-case hex digit in the tag -> %s",
	      perr_name(e));
	memcpy(w, v, sizeof(v));
	for (i = 75; i < SESSION_COOKIE_LEN; i++)
		if (w[i] >= 'a' && w[i] <= 'f')
			w[i] = (char)(w[i] - 'a' + 'A');
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "upper-case tag -> %s", perr_name(e));

	memcpy(w, v, sizeof(v));
	w[1] = '2';
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "version \"v2.\" -> %s", perr_name(e));
	memcpy(w, v, sizeof(v));
	w[0] = 'V';
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "version \"V1.\" -> %s", perr_name(e));

	for (i = 0; i < sizeof(bad_id); i++) {
		size_t pos[] = {3, 10, 18, 20, 62};
		size_t j;

		for (j = 0; j < sizeof(pos) / sizeof(pos[0]); j++) {
			memcpy(w, v, sizeof(v));
			w[pos[j]] = bad_id[i];
			e = session_cookie_parse(&cfg, w, NOW, &got);
			CHECK(e == PERR_INVAL, "byte 0x%02x at %zu (%s) -> %s",
			      (unsigned char)bad_id[i], pos[j],
			      pos[j] < 19 ? "key id" : "secret", perr_name(e));
		}
	}
	memcpy(w, v, sizeof(v));
	w[70] = 'a';
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "letter in expires -> %s", perr_name(e));
	memcpy(w, v, sizeof(v));
	w[64] = '-';
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "sign in expires -> %s", perr_name(e));
	memcpy(w, v, sizeof(v));
	w[100] = 'g';
	e = session_cookie_parse(&cfg, w, NOW, &got);
	CHECK(e == PERR_INVAL, "non-hex 'g' in the tag -> %s", perr_name(e));
}

static void
test_expiry(void)
{
	static const struct {
		long long delta; /* expires - now */
		enum perr want;
	} cases[] = {
		{1, PERR_OK},	   {3600, PERR_OK},	  {0, PERR_UNAUTH},
		{-1, PERR_UNAUTH}, {-86400, PERR_UNAUTH},
	};
	struct config cfg;
	struct session_cookie c, got;
	char v[SESSION_COOKIE_LEN + 1];
	size_t i;

	cfg_keys(&cfg, key_a, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum perr e;

		fill(&c, (long long)NOW + cases[i].delta);
		session_cookie_make(&cfg, &c, v);
		e = session_cookie_parse(&cfg, v, NOW, &got);
		CHECK(e == cases[i].want, "expires = now %+lld -> %s, want %s",
		      cases[i].delta, perr_name(e), perr_name(cases[i].want));
	}
	fill(&c, 0);
	session_cookie_make(&cfg, &c, v);
	CHECK(session_cookie_parse(&cfg, v, NOW, &got) == PERR_UNAUTH,
	      "expires 0000000000 -> PERR_UNAUTH");
}

static void
test_rotation(void)
{
	struct config a, ba, b, ab;
	struct session_cookie c, got;
	char va[SESSION_COOKIE_LEN + 1], vba[SESSION_COOKIE_LEN + 1];
	enum perr e;

	cfg_keys(&a, key_a, NULL);
	cfg_keys(&ba, key_b, key_a);
	cfg_keys(&b, key_b, NULL);
	cfg_keys(&ab, key_a, key_b);
	fill(&c, NOW + 600);
	session_cookie_make(&a, &c, va);
	e = session_cookie_parse(&ba, va, NOW, &got);
	CHECK(e == PERR_OK, "made under A, config [B, A] -> %s", perr_name(e));
	CHECK_STR(got.key_id, c.key_id, "rotation: key id recovered");
	e = session_cookie_parse(&ab, va, NOW, &got);
	CHECK(e == PERR_OK, "made under A, config [A, B] -> %s", perr_name(e));
	e = session_cookie_parse(&b, va, NOW, &got);
	CHECK(e == PERR_UNAUTH, "made under A, config [B] -> %s", perr_name(e));
	/* the first key signs */
	session_cookie_make(&ba, &c, vba);
	CHECK(strcmp(va, vba) != 0, "config [B, A] signs with B");
	e = session_cookie_parse(&b, vba, NOW, &got);
	CHECK(e == PERR_OK, "made under [B, A], config [B] -> %s",
	      perr_name(e));
	e = session_cookie_parse(&a, vba, NOW, &got);
	CHECK(e == PERR_UNAUTH, "made under [B, A], config [A] -> %s",
	      perr_name(e));
	CHECK(strncmp(va, vba, 75) == 0, "only the tag differs");
}

static bool
all_in(const char *s, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return false;
	return true;
}

static void
test_checkpoint(void)
{
	static const char uuid[] = "0b6f5c2e-8a41-4c7d-9e3f-12ab34cd56ef";
	struct config cfg;
	char t1[SESSION_CHECKPOINT_BUFSZ], t2[SESSION_CHECKPOINT_BUFSZ];
	char data[128], want[65], exps[11];
	unsigned char mac[CRYPTO_SHA256_LEN];
	time_t before, after;
	int64_t exp = 0;
	int n;

	cfg_keys(&cfg, key_a, key_b);
	before = time(NULL);
	memset(t1, 'X', sizeof(t1));
	session_checkpoint_token(&cfg, uuid, t1);
	session_checkpoint_token(&cfg, uuid, t2);
	after = time(NULL);
	/* <uuid>.<10 digits>.<16 base62>.<64 hex> */
	CHECK(strlen(t1) == 36 + 1 + 10 + 1 + 16 + 1 + 64,
	      "token length %zu, want 129", strlen(t1));
	CHECK(strncmp(t1, uuid, 36) == 0 && t1[36] == '.',
	      "token starts with the uuid: %s", t1);
	CHECK(all_in(t1 + 37, 10, DIGITS) && t1[47] == '.',
	      "then 10 digits: %s", t1);
	CHECK(all_in(t1 + 48, 16, B62) && t1[64] == '.', "then 16 base62: %s",
	      t1);
	CHECK(strlen(t1) == 129 && all_in(t1 + 65, 64, HEXL),
	      "then 64 lowercase hex: %s", t1);
	memcpy(exps, t1 + 37, 10);
	exps[10] = '\0';
	CHECK(parse_int64(exps, 0, 9999999999LL, &exp) &&
		      exp >= (int64_t)before + SESSION_CHECKPOINT_TTL &&
		      exp <= (int64_t)after + SESSION_CHECKPOINT_TTL,
	      "expires is now + %d: %s", SESSION_CHECKPOINT_TTL, exps);
	CHECK(strcmp(t1, t2) != 0, "two tokens differ");
	CHECK(strncmp(t1 + 48, t2 + 48, 16) != 0, "their nonces differ");
	/* the tag is HMAC-SHA256 of the labelled data under the first key */
	n = snprintf(data, sizeof(data), "two-factor-checkpoint.%.64s", t1);
	CHECK(n > 0 && crypto_hmac_sha256(key_a, sizeof(key_a), data, (size_t)n,
					  mac),
	      "hmac computes");
	crypto_hex(mac, sizeof(mac), want);
	CHECK_STR(t1 + 65, want, "tag is HMAC under the first key");
	CHECK(crypto_hmac_sha256(key_b, sizeof(key_b), data, (size_t)n, mac),
	      "hmac computes under B");
	crypto_hex(mac, sizeof(mac), want);
	CHECK(strcmp(t1 + 65, want) != 0, "tag is not HMAC under the second");
}

int
main(void)
{
	char err[128];
	size_t i;

	if (!crypto_init(err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	for (i = 0; i < CONFIG_KEY_BYTES; i++) {
		key_a[i] = (unsigned char)(i + 1);
		key_b[i] = (unsigned char)(0xa0 ^ i);
	}
	test_round_trip();
	test_one_change();
	test_layout();
	test_expiry();
	test_rotation();
	test_checkpoint();
	return tap_done();
}
