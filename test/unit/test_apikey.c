/*
 * test_apikey.c: the Authorization header, the key shape, generation and
 * the stored hash.
 */
#include "autoconf.h"
#include "tap.h"

#include <stdlib.h>

#include "apikey.h"
#include "crypto.h"

int main(void);

#define BODY43 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg"
#define KEY_P "ptlc_" BODY43
#define KEY_C "c7sp_" BODY43
#define NGEN 1000

static const char *
hex32(const unsigned char d[CRYPTO_SHA256_LEN])
{
	static char buf[2 * CRYPTO_SHA256_LEN + 1];

	crypto_hex(d, CRYPTO_SHA256_LEN, buf);
	return buf;
}

/*
 * Contract 2.2 step 3: a value that is not exactly 55 bytes is an invalid
 * header (NULL); otherwise every leading "Bearer " is stripped and the rest
 * is the key, which must then pass apikey_well_formed() ("invalid api key").
 */
static void
test_from_header(void)
{
	static const struct {
		const char *in;
		int off;  /* offset of the returned key, -1: NULL */
		bool key; /* the result is a well-formed key */
	} cases[] = {
		{"Bearer " KEY_P, 7, true},
		{"Bearer " KEY_C, 7, true},
		/* any 48 bytes: the shape is apikey_well_formed's job */
		{"Bearer " BODY43 "-----", 7, false},
		{"Bearer " KEY_P "x", -1, false},     /* 56 bytes */
		{"Bearer " BODY43 "ptlc", -1, false}, /* 54 bytes */
		{"Bearer " KEY_P " ", -1, false},
		{"Bearer ", -1, false},
		{"Bearer", -1, false},
		{"", -1, false},
		{"Basic dXNlcjpwYXNzd29yZA==", -1, false},
		{KEY_P, -1, false}, /* a bare key is 48 bytes */
		/* 55 bytes without the prefix: nothing stripped, no key */
		{"bearer " KEY_P, 0, false},
		{"BEARER " KEY_P, 0, false},
		{"Bearer:" KEY_P, 0, false},
		{"Bearer\t" KEY_P, 0, false},
		{" Bearer" KEY_P, 0, false},
		{"Basic " KEY_P "x", 0, false},
		{"Token  " KEY_P, 0, false},
		/* every repetition of the prefix is stripped */
		{"Bearer Bearer ptlc_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 14,
		 false},
		{"Bearer Bearer Bearer ptlc_0123456789ABCDEFGHIJKLMNOPQRS", 21,
		 false},
		{"Bearer Bearer bearer ptlc_0123456789ABCDEFGHIJKLMNOPQRS", 14,
		 false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *in = cases[i].in, *k = apikey_from_header(in);

		if (cases[i].off < 0) {
			CHECK(k == NULL,
			      "from_header(\"%s\") (%zu bytes) -> NULL", in,
			      strlen(in));
			continue;
		}
		CHECK(strlen(in) == 55 && k == in + cases[i].off,
		      "from_header(\"%s\") -> the key at %d", in, cases[i].off);
		CHECK(k != NULL && apikey_well_formed(k) == cases[i].key,
		      "from_header(\"%s\") gives %s key", in,
		      cases[i].key ? "a well-formed" : "no");
	}
	CHECK(apikey_from_header(NULL) == NULL, "from_header(NULL) -> NULL");
}

static void
test_well_formed(void)
{
	static const struct {
		const char *in;
		bool ok;
	} cases[] = {
		{KEY_P, true},
		{KEY_C, true},
		{"ABCD_" BODY43, true},
		{"0000_" BODY43, true},
		{"ptlc_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", true},
		{"", false},
		{"ptlc_", false},
		{KEY_P "a", false}, /* 49 */
		{"ptlc_"
		 "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg",
		 false},
		{"ptlcx" BODY43, false}, /* no '_' at 4 */
		{"ptl_c" BODY43, false}, /* '_' at 3 */
		{"ptlc_"
		 "0123456789ABCDEFGHIJ_LMNOPQRSTUVWXYZabcdefg",
		 false},
		{"ptlc_"
		 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef_",
		 false},
		{"_tlc_" BODY43, false},
		{"ptlc__123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg", false},
		{"ptlc_"
		 "0123456789ABCDEFGHIJ-LMNOPQRSTUVWXYZabcdefg",
		 false},
		{"ptlc_"
		 "0123456789ABCDEFGHIJ+LMNOPQRSTUVWXYZabcdef/",
		 false},
		{"pt-c_" BODY43, false},
		{"ptlc_"
		 "0123456789ABCDEFGHIJ LMNOPQRSTUVWXYZabcdefg",
		 false},
		{" ptlc_123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg", false},
		{"ptlc_"
		 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef ",
		 false},
		{"ptlc_"
		 "0123456789ABCDEFGHIJ\xc3\xa9MNOPQRSTUVWXYZabcdefg",
		 false},
		{"ptlc_"
		 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef=",
		 false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(apikey_well_formed(cases[i].in) == cases[i].ok,
		      "well_formed(\"%s\") (%zu bytes) == %d", cases[i].in,
		      strlen(cases[i].in), cases[i].ok);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void
test_generate(void)
{
	static char keys[NGEN][APIKEY_LEN + 1];
	bool seen[256] = {false};
	size_t i, j, bad_shape = 0, bad_prefix = 0, dups = 0, nseen = 0;
	const char *alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz";

	for (i = 0; i < NGEN; i++) {
		memset(keys[i], '#', sizeof(keys[i]));
		apikey_generate(keys[i]);
		if (strlen(keys[i]) != APIKEY_LEN ||
		    !apikey_well_formed(keys[i]))
			bad_shape++;
		if (strncmp(keys[i], "ptlc_", 5) != 0)
			bad_prefix++;
		for (j = 5; j < APIKEY_LEN; j++)
			seen[(unsigned char)keys[i][j]] = true;
	}
	CHECK(bad_shape == 0, "%d generated keys well-formed (%zu not)", NGEN,
	      bad_shape);
	CHECK(bad_prefix == 0, "%d generated keys start ptlc_ (%zu not)", NGEN,
	      bad_prefix);
	qsort(keys, NGEN, sizeof(keys[0]), cmp_key);
	for (i = 1; i < NGEN; i++)
		dups += strcmp(keys[i - 1], keys[i]) == 0;
	CHECK(dups == 0, "%d generated keys distinct (%zu duplicates)", NGEN,
	      dups);
	for (i = 0; alpha[i] != '\0'; i++)
		nseen += seen[(unsigned char)alpha[i]];
	CHECK(nseen == 62, "bodies use all 62 characters (%zu)", nseen);
	for (i = 0, j = 0; i < 256; i++)
		j += seen[i];
	CHECK(j == 62, "bodies use nothing else (%zu distinct bytes)", j);
}

static void
test_hash(void)
{
	static const struct {
		const char *key, *sha;
	} vec[] = {
		{KEY_P, "5540ccd628579d7ff5ca6fc601edde34"
			"68129966980ed74a5905e6b18816d8f9"},
		{KEY_C, "79f32865e940e68ad9eafd6251e1efc2"
			"23cdd1e44ef562e49dda9310233d59f3"},
	};
	unsigned char h1[CRYPTO_SHA256_LEN], h2[CRYPTO_SHA256_LEN];
	char k1[APIKEY_LEN + 1], k2[APIKEY_LEN + 1], tail[APIKEY_LEN + 8];
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		apikey_hash(vec[i].key, h1);
		CHECK_STR(hex32(h1), vec[i].sha, "apikey_hash is SHA-256");
	}
	for (i = 0; i < 20; i++) {
		apikey_generate(k1);
		apikey_hash(k1, h1);
		crypto_sha256(k1, APIKEY_LEN, h2);
		CHECK(memcmp(h1, h2, sizeof(h1)) == 0,
		      "apikey_hash(%s) == crypto_sha256 of its 48 bytes", k1);
		memcpy(k2, k1, sizeof(k2));
		k2[APIKEY_LEN - 1] = k2[APIKEY_LEN - 1] == 'a' ? 'b' : 'a';
		apikey_hash(k2, h2);
		CHECK(memcmp(h1, h2, sizeof(h1)) != 0,
		      "a key differing in its last byte hashes differently");
	}
	/* only the 48 bytes of the key count */
	snprintf(tail, sizeof(tail), "%sjunk", KEY_P);
	apikey_hash(tail, h1);
	CHECK_STR(hex32(h1), vec[0].sha, "hash ignores bytes after the key");
}

int
main(void)
{
	char err[128];

	if (!crypto_init(err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_from_header();
	test_well_formed();
	test_generate();
	test_hash();
	return tap_done();
}
