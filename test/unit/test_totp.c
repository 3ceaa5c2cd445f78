/*
 * test_totp.c: RFC 6238 Appendix B (SHA-1) and RFC 4648 section 10
 * vectors, the +-1 step window, AES-256-GCM sealing of secrets, and the
 * login checkpoint token.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "crypto.h"
#include "session.h"
#include "tap.h"
#include "totp.h"

static void
test_rfc6238(void)
{
	static const struct {
		long long t;
		unsigned code; /* 8 digits */
	} v[] = {
		{59, 94287082},		{1111111109, 7081804},
		{1111111111, 14050471}, {1234567890, 89005924},
		{2000000000, 69279037}, {20000000000LL, 65353130},
	};
	const unsigned char key[] = "12345678901234567890";
	char code[16];
	uint64_t step;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK(totp_code(key, 20, (uint64_t)v[i].t / 30, 8) == v[i].code,
		      "RFC 6238 T=%lld: %08u", v[i].t, v[i].code);
		/* our 6 digits are the low 6 of the 8 */
		snprintf(code, sizeof(code), "%06u", v[i].code % 1000000);
		CHECK(totp_verify(key, 20, code, (time_t)v[i].t, &step) &&
		              step == (uint64_t)v[i].t / 30,
		      "verify T=%lld with %s", v[i].t, code);
	}
	/* the window is t-1, t, t+1 and nothing else */
	snprintf(code, sizeof(code), "%06u", totp_code(key, 20, 1000, 6));
	CHECK(totp_verify(key, 20, code, 999 * 30, &step) && step == 1000,
	      "step t+1 accepted");
	CHECK(totp_verify(key, 20, code, 1001 * 30 + 29, &step) && step == 1000,
	      "step t-1 accepted");
	CHECK(!totp_verify(key, 20, code, 998 * 30 + 29, &step),
	      "step t+2 refused");
	CHECK(!totp_verify(key, 20, code, 1002 * 30, &step), "step t-2 refused");
	CHECK(!totp_verify(key, 20, "12345", 59, &step), "5 digits refused");
	CHECK(!totp_verify(key, 20, "1234567", 59, &step), "7 digits refused");
	CHECK(!totp_verify(key, 20, "28708a", 59, &step), "non-digit refused");
	CHECK(!totp_verify(key, 20, "", 59, &step), "empty refused");
}

static void
test_base32(void)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba",
	                                 "foobar"};
	static const char *const padded[] = {"",	 "MY======", "MZXQ====",
	                                     "MZXW6===", "MZXW6YQ=", "MZXW6YTB",
	                                     "MZXW6YTBOI======"};
	static const char *const bare[] = {"",	   "MY",	 "MZXQ",
	                                   "MZXW6", "MZXW6YQ", "MZXW6YTB",
	                                   "MZXW6YTBOI"};
	unsigned char out[32];
	char enc[64];
	size_t i;
	long n;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		size_t len = strlen(in[i]);

		base32_encode((const unsigned char *)in[i], len, true, enc);
		CHECK_STR(enc, padded[i], "RFC 4648 base32 with padding");
		base32_encode((const unsigned char *)in[i], len, false, enc);
		CHECK_STR(enc, bare[i], "base32 without padding");
		CHECK(base32_len(len, true) == strlen(padded[i]),
		      "base32_len padded %zu", i);
		n = base32_decode(padded[i], out, sizeof(out));
		CHECK(n == (long)len && memcmp(out, in[i], len) == 0,
		      "decode %s", padded[i]);
		n = base32_decode(bare[i], out, sizeof(out));
		CHECK(n == (long)len && memcmp(out, in[i], len) == 0,
		      "decode %s", bare[i]);
	}
	CHECK(base32_decode("mzxw6ytboi", out, sizeof(out)) == 6 &&
	              memcmp(out, "foobar", 6) == 0,
	      "lowercase accepted");
	CHECK(base32_decode("MZXW1", out, sizeof(out)) < 0, "'1' refused");
	CHECK(base32_decode("MZ=XW", out, sizeof(out)) < 0,
	      "text after padding refused");
	CHECK(base32_decode("MZXW6YTBOI", out, 5) < 0, "output bound kept");
	{
		unsigned char secret[TOTP_SECRET_BYTES];
		char b[TOTP_SECRET_B32 + 1];

		memset(secret, 0xa5, sizeof(secret));
		base32_encode(secret, sizeof(secret), false, b);
		CHECK(strlen(b) == TOTP_SECRET_B32,
		      "a 160-bit secret is 32 characters");
	}
}

static void
test_seal(void)
{
	unsigned char key[32], other[32], sealed[CRYPTO_SEAL_OVERHEAD + 20];
	unsigned char sealed2[CRYPTO_SEAL_OVERHEAD + 20], plain[20], back[20];
	size_t i;

	crypto_random(key, sizeof(key));
	crypto_random(other, sizeof(other));
	crypto_random(plain, sizeof(plain));
	CHECK(crypto_seal(key, "uuid-a", 6, plain, 20, sealed), "seal");
	CHECK(crypto_open(key, "uuid-a", 6, sealed, sizeof(sealed), back) &&
	              memcmp(back, plain, 20) == 0,
	      "open gives the plaintext back");
	CHECK(memmem(sealed, sizeof(sealed), plain, 20) == NULL,
	      "ciphertext does not contain the plaintext");
	CHECK(crypto_seal(key, "uuid-a", 6, plain, 20, sealed2) &&
	              memcmp(sealed, sealed2, sizeof(sealed)) != 0,
	      "a fresh nonce each time");
	CHECK(!crypto_open(other, "uuid-a", 6, sealed, sizeof(sealed), back),
	      "another key refused");
	CHECK(!crypto_open(key, "uuid-b", 6, sealed, sizeof(sealed), back),
	      "another owner (aad) refused");
	for (i = 0; i < sizeof(sealed); i++) {
		sealed[i] ^= 1;
		CHECK(!crypto_open(key, "uuid-a", 6, sealed, sizeof(sealed), back),
		      "bit flipped at %zu refused", i);
		sealed[i] ^= 1;
	}
	CHECK(!crypto_open(key, "uuid-a", 6, sealed, CRYPTO_SEAL_OVERHEAD - 1,
	                   back),
	      "too short refused");
}

static void
test_checkpoint(void)
{
	struct config cfg, other;
	char token[SESSION_CHECKPOINT_BUFSZ], uuid[37], nonce[17], bad[200];
	const char *who = "0f0e0d0c-0b0a-4908-8706-050403020100";
	time_t now = time(NULL);
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	memset(&other, 0, sizeof(other));
	cfg.ncookie_keys = 1;
	memset(cfg.cookie_keys[0], 0x11, CONFIG_KEY_BYTES);
	other.ncookie_keys = 1;
	memset(other.cookie_keys[0], 0x22, CONFIG_KEY_BYTES);
	session_checkpoint_token(&cfg, who, token);
	CHECK(session_checkpoint_verify(&cfg, token, now, uuid, nonce) &&
	              strcmp(uuid, who) == 0 &&
	              memcmp(nonce, token + SESSION_CHECKPOINT_NONCE_AT, 16) == 0,
	      "a fresh token verifies, giving the uuid and nonce");
	CHECK(!session_checkpoint_verify(&other, token, now, uuid, nonce),
	      "another key refuses it");
	CHECK(!session_checkpoint_verify(&cfg, token,
	                                 now + SESSION_CHECKPOINT_TTL + 1, uuid,
	                                 nonce),
	      "expired after 5 minutes");
	for (i = 0; i < strlen(token); i++) {
		snprintf(bad, sizeof(bad), "%s", token);
		bad[i] = bad[i] == '0' ? '1' : '0';
		CHECK(!session_checkpoint_verify(&cfg, bad, now, uuid, nonce),
		      "a change at %zu refused", i);
	}
	snprintf(bad, sizeof(bad), "%.*s", (int)strlen(token) - 1, token);
	CHECK(!session_checkpoint_verify(&cfg, bad, now, uuid, nonce),
	      "truncated refused");
	CHECK(!session_checkpoint_verify(&cfg, "", now, uuid, nonce),
	      "empty refused");
}

int main(void);

int
main(void)
{
	char err[128];

	if (!crypto_init(err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_rfc6238();
	test_base32();
	test_seal();
	test_checkpoint();
	return tap_done();
}
