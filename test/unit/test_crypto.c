/* test_crypto.c: RFC 4231 HMAC vectors, hashing, hex, randomness, passwords. */
#include "autoconf.h"
#include "tap.h"

#include <crypt.h>
#include <stdlib.h>

#include "crypto.h"

int main(void);

/* Hex of a 32-byte digest, for messages. */
static const char *
hex32(const unsigned char d[CRYPTO_SHA256_LEN])
{
	static char buf[2 * CRYPTO_SHA256_LEN + 1];

	crypto_hex(d, CRYPTO_SHA256_LEN, buf);
	return buf;
}

static void
test_hmac(void)
{
	/* RFC 4231 section 4; case 5 (truncated output) does not apply. */
	static unsigned char k1[20], k3[20], k4[25], k6[131], d3[50], d4[50];
	static const struct {
		const char *name;
		const unsigned char *key;
		size_t keylen;
		const void *data;
		size_t datalen;
		const char *mac;
	} cases[] = {
		{ "RFC 4231 test case 1", k1, sizeof(k1), "Hi There", 8,
		  "b0344c61d8db38535ca8afceaf0bf12b"
		  "881dc200c9833da726e9376c2e32cff7" },
		{ "RFC 4231 test case 2", (const unsigned char *)"Jefe", 4,
		  "what do ya want for nothing?", 28,
		  "5bdcc146bf60754e6a042426089575c7"
		  "5a003f089d2739839dec58b964ec3843" },
		{ "RFC 4231 test case 3", k3, sizeof(k3), d3, sizeof(d3),
		  "773ea91e36800e46854db8ebd09181a7"
		  "2959098b3ef8c122d9635514ced565fe" },
		{ "RFC 4231 test case 4", k4, sizeof(k4), d4, sizeof(d4),
		  "82558a389a443c0ea4cc819899f2083a"
		  "85f0faa3e578f8077a2e3ff46729665b" },
		{ "RFC 4231 test case 6", k6, sizeof(k6),
		  "Test Using Larger Than Block-Size Key - Hash Key First", 54,
		  "60e431591ee0b67f0d8a26aacbf5b77f"
		  "8e0bc6213728c5140546040f0ee37f54" },
		{ "RFC 4231 test case 7", k6, sizeof(k6),
		  "This is a test using a larger than block-size key and a "
		  "larger than block-size data. The key needs to be hashed "
		  "before being used by the HMAC algorithm.",
		  152,
		  "9b09ffa71b942fcb27635fbcd5b0e944"
		  "bfdc63644f0713938a7f51535c3a35e2" },
	};
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t i;

	memset(k1, 0x0b, sizeof(k1));
	memset(k3, 0xaa, sizeof(k3));
	memset(d3, 0xdd, sizeof(d3));
	for (i = 0; i < sizeof(k4); i++)
		k4[i] = (unsigned char)(i + 1);
	memset(d4, 0xcd, sizeof(d4));
	memset(k6, 0xaa, sizeof(k6));

	CHECK(strlen(cases[5].data) == cases[5].datalen, "case 7 data length");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(mac, 0, sizeof(mac));
		CHECK(crypto_hmac_sha256(cases[i].key, cases[i].keylen,
		                         cases[i].data, cases[i].datalen, mac),
		      "%s computes", cases[i].name);
		CHECK_STR(hex32(mac), cases[i].mac, cases[i].name);
	}
	CHECK(crypto_hmac_sha256("", 0, "", 0, mac), "empty key and data");
	CHECK_STR(hex32(mac),
	          "b613679a0814d9ec772f95d778c35fc5"
	          "ff1697c493715653c6c712144292c5ad",
	          "HMAC-SHA256 of nothing");
}

static void
test_sha256(void)
{
	unsigned char d[CRYPTO_SHA256_LEN];

	crypto_sha256("abc", 3, d);
	CHECK_STR(hex32(d),
	          "ba7816bf8f01cfea414140de5dae2223"
	          "b00361a396177a9cb410ff61f20015ad",
	          "SHA-256(\"abc\")");
	crypto_sha256("", 0, d);
	CHECK_STR(hex32(d),
	          "e3b0c44298fc1c149afbf4c8996fb924"
	          "27ae41e4649b934ca495991b7852b855",
	          "SHA-256(\"\")");
	crypto_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	              56, d);
	CHECK_STR(hex32(d),
	          "248d6a61d20638b8e5c026930c3e6039"
	          "a33ce45964ff2167f6ecedd419db06c1",
	          "SHA-256 of the 448-bit FIPS 180-2 message");
}

static void
test_ct_eq(void)
{
	CHECK(crypto_ct_eq("abcdef", 6, "abcdef", 6), "equal");
	CHECK(!crypto_ct_eq("abcdef", 6, "abcdeg", 6), "last byte differs");
	CHECK(!crypto_ct_eq("abcdef", 6, "bbcdef", 6), "first byte differs");
	CHECK(!crypto_ct_eq("abcdef", 6, "abcde", 5), "shorter");
	CHECK(!crypto_ct_eq("abcde", 5, "abcdef", 6), "longer");
	CHECK(!crypto_ct_eq("abc", 3, "abc\0", 4), "trailing NUL differs");
	CHECK(crypto_ct_eq("", 0, "", 0), "both empty");
	CHECK(crypto_ct_eq("a\0b", 3, "a\0b", 3), "embedded NUL equal");
	CHECK(!crypto_ct_eq("a\0b", 3, "a\0c", 3), "after a NUL differs");
	CHECK(!crypto_ct_eq("\x80", 1, "\x00", 1), "high bit differs");
}

static void
test_hex(void)
{
	static const unsigned char bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xab,
		                               0xcd, 0xef, 0xff };
	unsigned char out[8], guard[4];
	char hex[2 * sizeof(bytes) + 1];

	crypto_hex(bytes, sizeof(bytes), hex);
	CHECK_STR(hex, "00017f80abcdefff", "crypto_hex lowercase");
	memset(out, 0, sizeof(out));
	CHECK(crypto_unhex(hex, out, sizeof(out)) &&
	              memcmp(out, bytes, sizeof(bytes)) == 0,
	      "crypto_unhex round trip");
	memset(out, 0, sizeof(out));
	CHECK(crypto_unhex("00017F80ABCDEFFF", out, sizeof(out)) &&
	              memcmp(out, bytes, sizeof(bytes)) == 0,
	      "crypto_unhex uppercase");
	crypto_hex("", 0, hex);
	CHECK_STR(hex, "", "crypto_hex of nothing");
	CHECK(crypto_unhex("", guard, 0), "crypto_unhex of nothing");

	CHECK(!crypto_unhex("00017f80abcdeff", out, 8), "odd length rejected");
	CHECK(!crypto_unhex("00017f80abcdefff00", out, 8), "too long rejected");
	CHECK(!crypto_unhex("00017f80abcdef", out, 8), "too short rejected");
	CHECK(!crypto_unhex("00017f80abcdefgf", out, 8), "'g' rejected");
	CHECK(!crypto_unhex("0x017f80abcdefff", out, 8), "'x' rejected");
	CHECK(!crypto_unhex(" 0017f80abcdefff", out, 8), "space rejected");
	CHECK(!crypto_unhex("00017f80abcdeff\n", out, 8), "newline rejected");
	CHECK(!crypto_unhex("-1", guard, 1), "sign rejected");
	CHECK(!crypto_unhex("\xc3\xa9", guard, 1), "non-ASCII rejected");
}

static void
test_uuid(void)
{
	char a[CRYPTO_UUID_BUFSZ], b[CRYPTO_UUID_BUFSZ];
	size_t i;
	int round;
	bool shape = true, lower = true, ver = true, var = true;

	for (round = 0; round < 200; round++) {
		crypto_uuid_v4(a);
		if (strlen(a) != 36)
			shape = false;
		for (i = 0; i < 36 && a[i] != '\0'; i++) {
			bool dash = i == 8 || i == 13 || i == 18 || i == 23;

			if (dash && a[i] != '-')
				shape = false;
			if (!dash && strchr("0123456789abcdef", a[i]) == NULL)
				lower = false;
		}
		if (a[14] != '4')
			ver = false;
		if (strchr("89ab", a[19]) == NULL)
			var = false;
	}
	CHECK(shape, "uuid is 8-4-4-4-12, 36 characters");
	CHECK(lower, "uuid digits are lowercase hex");
	CHECK(ver, "uuid version nibble is 4");
	CHECK(var, "uuid variant is 8, 9, a or b");
	crypto_uuid_v4(a);
	crypto_uuid_v4(b);
	CHECK(strcmp(a, b) != 0, "two uuids differ (%s, %s)", a, b);
}

static void
test_random(void)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                               "abcdefghijklmnopqrstuvwxyz0123456789";
	enum { N = 62000 };
	char *buf = malloc(N + 1);
	unsigned count[256] = { 0 };
	unsigned lo = N, hi = 0;
	size_t i;
	bool in_alphabet = true, bounded = true;
	unsigned char r1[32], r2[32];

	buf[N] = '#';
	crypto_random_base62(buf, N);
	CHECK(buf[N] == '#', "crypto_random_base62 writes exactly n bytes");
	for (i = 0; i < N; i++) {
		count[(unsigned char)buf[i]]++;
		if (buf[i] == '\0' || strchr(alphabet, buf[i]) == NULL)
			in_alphabet = false;
	}
	CHECK(in_alphabet, "every character is in [A-Za-z0-9]");
	for (i = 0; i < 62; i++) {
		unsigned c = count[(unsigned char)alphabet[i]];

		if (c < lo)
			lo = c;
		if (c > hi)
			hi = c;
		if (c < 600 || c > 1400)
			bounded = false;
	}
	CHECK(bounded, "each of 62 characters seen 600..1400 times in %d "
	               "(min %u, max %u)",
	      N, lo, hi);
	/* '8' and '9' sit at 60 and 61: a modulo bias would starve them. */
	CHECK(count['8'] > 600 && count['9'] > 600,
	      "last alphabet entries not starved (%u, %u)", count['8'],
	      count['9']);
	free(buf);

	buf = malloc(1);
	buf[0] = '#';
	crypto_random_base62(buf, 0);
	CHECK(buf[0] == '#', "n = 0 writes nothing");
	free(buf);

	crypto_random(r1, sizeof(r1));
	crypto_random(r2, sizeof(r2));
	CHECK(memcmp(r1, r2, sizeof(r1)) != 0, "crypto_random differs");
}

static void
test_wipe(void)
{
	unsigned char buf[16];
	char *s;
	size_t i;
	bool zero = true;

	memset(buf, 0xaa, sizeof(buf));
	crypto_wipe(buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0)
			zero = false;
	CHECK(zero, "crypto_wipe zeroes");
	crypto_wipe(NULL, 10);
	crypto_wipe(buf, 0);
	crypto_free_str(NULL);
	s = malloc(8);
	memcpy(s, "secret", 7);
	crypto_free_str(s);
	CHECK(1, "wipe edge cases do not crash");
}

static void
test_passwords(void)
{
	const struct argon2_params fast = { 1, 1024, 1 };
	const struct argon2_params other_t = { 2, 1024, 1 };
	const struct argon2_params other_m = { 1, 2048, 1 };
	const struct argon2_params other_p = { 1, 1024, 2 };
	char *h1, *h2;
	bool rehash;
	unsigned long m, t, p;
	int used = 0;

	h1 = crypto_password_hash("correct horse", &fast);
	CHECK(h1 != NULL, "argon2id hash computed");
	if (h1 == NULL)
		return;
	CHECK(strncmp(h1, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0,
	      "PHC prefix (%s)", h1);
	CHECK(sscanf(h1, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$%n", &m, &t, &p,
	             &used) == 3 &&
	              used > 0 && strlen(h1 + used) == 22 + 1 + 43 &&
	              h1[used + 22] == '$',
	      "22-char salt and 43-char hash, unpadded base64");
	h2 = crypto_password_hash("correct horse", &fast);
	CHECK(h2 != NULL && strcmp(h1, h2) != 0, "salt is random");

	rehash = true;
	CHECK(crypto_password_verify("correct horse", h1, &fast, &rehash),
	      "argon2id verify ok");
	CHECK(!rehash, "no rehash with the same parameters");
	CHECK(!crypto_password_verify("correct horsf", h1, &fast, &rehash),
	      "wrong password fails");
	CHECK(!crypto_password_verify("correct horse ", h1, &fast, &rehash),
	      "trailing space fails");
	CHECK(!crypto_password_verify("", h1, &fast, &rehash),
	      "empty password fails");
	CHECK(crypto_password_verify("correct horse", h1, &other_t, &rehash) &&
	              rehash,
	      "other t: verify ok, rehash");
	CHECK(crypto_password_verify("correct horse", h1, &other_m, &rehash) &&
	              rehash,
	      "other m: verify ok, rehash");
	CHECK(crypto_password_verify("correct horse", h1, &other_p, &rehash) &&
	              rehash,
	      "other p: verify ok, rehash");
	crypto_free_str(h2);

	/* Flip one character of the hash part. */
	h1[strlen(h1) - 2] = h1[strlen(h1) - 2] == 'A' ? 'B' : 'A';
	CHECK(!crypto_password_verify("correct horse", h1, &fast, &rehash),
	      "tampered hash fails");
	crypto_free_str(h1);

	/* libgcrypt's Argon2 refuses an empty passphrase: NULL, no crash. */
	h1 = crypto_password_hash("", &fast);
	CHECK(h1 == NULL || crypto_password_verify("", h1, &fast, &rehash),
	      "empty password: refused, or hashes and verifies");
	crypto_free_str(h1);
	h1 = crypto_password_hash("p\xc3\xa4ss", &fast);
	CHECK(h1 != NULL &&
	              crypto_password_verify("p\xc3\xa4ss", h1, &fast, &rehash) &&
	              !crypto_password_verify("pass", h1, &fast, &rehash),
	      "UTF-8 password");
	crypto_free_str(h1);
}

static void
test_argon2_known(void)
{
	/* Argon2 reference implementation test vectors (src/test.c, v=19). */
	const struct argon2_params p1 = { 2, 256, 1 };
	const struct argon2_params p2 = { 2, 256, 2 };
	bool rehash = true;

	CHECK(crypto_password_verify(
		      "password",
		      "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
		      "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		      &p1, &rehash),
	      "reference argon2id vector m=256,t=2,p=1 verifies");
	CHECK(!rehash, "reference vector: no rehash with its parameters");
	CHECK(crypto_password_verify(
		      "password",
		      "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$"
		      "bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
		      &p2, &rehash),
	      "reference argon2id vector m=256,t=2,p=2 verifies");
	CHECK(!crypto_password_verify(
		      "passwore",
		      "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
		      "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		      &p1, &rehash),
	      "reference vector, wrong password");
}

static void
test_bcrypt(void)
{
	const struct argon2_params fast = { 1, 1024, 1 };
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *out;
	char stored[128];
	bool rehash;

	/* A $2b$ hash made now, at the lowest cost. */
	out = crypt_r("hunter2", "$2b$04$abcdefghijklmnopqrstuu", cd);
	CHECK(out != NULL && strncmp(out, "$2b$04$", 7) == 0 &&
	              strlen(out) == 60,
	      "crypt_r made a bcrypt hash");
	snprintf(stored, sizeof(stored), "%s", out ? out : "");
	rehash = false;
	CHECK(crypto_password_verify("hunter2", stored, &fast, &rehash),
	      "bcrypt verify ok");
	CHECK(rehash, "bcrypt always asks for a rehash");
	CHECK(!crypto_password_verify("hunter3", stored, &fast, &rehash),
	      "bcrypt wrong password fails");
	CHECK(!crypto_password_verify("", stored, &fast, &rehash),
	      "bcrypt empty password fails");

	/* $2a$ and $2y$ of the same hash. */
	stored[2] = 'a';
	out = crypt_r("hunter2", stored, cd);
	CHECK(out != NULL && strcmp(out, stored) == 0 &&
	              crypto_password_verify("hunter2", stored, &fast, &rehash),
	      "$2a$ accepted");
	stored[2] = 'y';
	CHECK(crypto_password_verify("hunter2", stored, &fast, &rehash),
	      "$2y$ accepted");
	stored[2] = 'x';
	CHECK(!crypto_password_verify("hunter2", stored, &fast, &rehash),
	      "$2x$ refused");

	/* crypt_blowfish's published vector. */
	CHECK(crypto_password_verify(
		      "U*U",
		      "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		      &fast, &rehash),
	      "crypt_blowfish vector U*U");
	CHECK(!crypto_password_verify(
		      "U*U*",
		      "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		      &fast, &rehash),
	      "crypt_blowfish vector, wrong password");

	/* A cost above 16 is refused before any work (no minutes-long login
	 * from a hostile stored hash); 16 itself is still read. */
	stored[2] = 'b';
	memcpy(stored + 4, "17", 2);
	CHECK(!crypto_password_verify("hunter2", stored, &fast, &rehash),
	      "bcrypt cost 17 refused");
	memcpy(stored + 4, "31", 2);
	CHECK(!crypto_password_verify("hunter2", stored, &fast, &rehash),
	      "bcrypt cost 31 refused");
	memcpy(stored + 4, "03", 2);
	CHECK(!crypto_password_verify("hunter2", stored, &fast, &rehash),
	      "bcrypt cost 3 refused");
	free(cd);
}

static void
test_garbage(void)
{
	static const char *const bad[] = {
		"",
		"plaintext",
		"$",
		"$2b$",
		"$2b$04$",
		"$2b$04$short",
		"$2b$99$abcdefghijklmnopqrstuuQ9cZBDzPiw1sRw8ZLL9hTmV6ZHq7ZmG",
		"$1$abc$def",
		"$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ",
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$",
		"$argon2id$v=19$m=256,t=2,p=1$$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=2,p=1$c29t$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", /* 3-byte salt */
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQ",
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4=",
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNh!HQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=2$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		/* Parameters that would ask for absurd work. */
		"$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=18446744073709551615,t=1,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=99999999999999999999999,t=1,p=1$"
		"c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=100000,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=2,p=1000$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=256,t=2,p=0$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=0,t=2,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=-1,t=2,p=1$c29tZXNhbHQ$"
		"nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
	};
	const struct argon2_params fast = { 1, 1024, 1 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool rehash = true;

		CHECK(!crypto_password_verify("password", bad[i], &fast,
		                              &rehash) &&
		              !rehash,
		      "refused: \"%s\"", bad[i]);
	}
}

int
main(void)
{
	char err[128];

	if (!crypto_init(err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_hmac();
	test_sha256();
	test_ct_eq();
	test_hex();
	test_uuid();
	test_random();
	test_wipe();
	test_passwords();
	test_argon2_known();
	test_bcrypt();
	test_garbage();
	return tap_done();
}
