/* crypto.c: see crypto.h. The only file that includes <gcrypt.h>. */
#include "autoconf.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "crypto.h"
#include "hashpool.h"
#include "util.h"

#define ARGON2_SALT_LEN 16
#define ARGON2_HASH_LEN 32

bool
crypto_init(char *err, size_t errlen)
{
	if (gcry_check_version(PANEL_GCRYPT_MIN_VERSION) == NULL) {
		snprintf(err, errlen, "libgcrypt %s is older than %s",
			 gcry_check_version(NULL), PANEL_GCRYPT_MIN_VERSION);
		return false;
	}
	/* Our secrets live in ordinary memory we wipe ourselves. */
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	return true;
}

void
crypto_random(void *buf, size_t n)
{
	gcry_randomize(buf, n, GCRY_STRONG_RANDOM);
}

void
crypto_random_base62(char *out, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char pool[64];
	size_t have = 0, used = 0, o = 0;

	while (o < n) {
		unsigned char b;

		if (used == have) {
			crypto_random(pool, sizeof(pool));
			have = sizeof(pool);
			used = 0;
		}
		b = pool[used++] & 0x3f; /* 0..63: reject 62 and 63 */
		if (b < 62)
			out[o++] = alphabet[b];
	}
	crypto_wipe(pool, sizeof(pool));
}

void
crypto_uuid_v4(char out[CRYPTO_UUID_BUFSZ])
{
	unsigned char b[16];

	crypto_random(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, CRYPTO_UUID_BUFSZ,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

void
crypto_sha256(const void *data, size_t len,
	      unsigned char out[CRYPTO_SHA256_LEN])
{
	gcry_md_hash_buffer(GCRY_MD_SHA256, out, data, len);
}

/*
 * HMAC-SHA256 handles are kept per thread, one per key: opening a handle
 * costs allocations and a libgcrypt entropy poll (two system calls), and
 * the ratelimit and cookie checks of every request use the same few keys.
 * A reset handle computes a new MAC under the key it was given.
 */
#define MAC_CACHE_SLOTS 4
#define MAC_CACHE_KEY_MAX 64

struct mac_slot {
	gcry_mac_hd_t h;
	unsigned char key[MAC_CACHE_KEY_MAX];
	size_t keylen;
};

static _Thread_local struct mac_slot mac_cache[MAC_CACHE_SLOTS];
static _Thread_local unsigned mac_next; /* the slot to replace next */

static gcry_mac_hd_t
mac_handle(const void *key, size_t keylen, bool *cached)
{
	struct mac_slot *slot;
	gcry_mac_hd_t h;
	unsigned i;

	*cached = false;
	if (keylen <= MAC_CACHE_KEY_MAX) {
		for (i = 0; i < MAC_CACHE_SLOTS; i++) {
			slot = &mac_cache[i];
			if (slot->h != NULL &&
			    crypto_ct_eq(slot->key, slot->keylen, key,
					 keylen)) {
				if (gcry_mac_reset(slot->h) != 0)
					return NULL;
				*cached = true;
				return slot->h;
			}
		}
	}
	if (gcry_mac_open(&h, GCRY_MAC_HMAC_SHA256, 0, NULL) != 0)
		return NULL;
	if (gcry_mac_setkey(h, key, keylen) != 0) {
		gcry_mac_close(h);
		return NULL;
	}
	if (keylen <= MAC_CACHE_KEY_MAX) {
		slot = &mac_cache[mac_next++ % MAC_CACHE_SLOTS];
		if (slot->h != NULL)
			gcry_mac_close(slot->h);
		slot->h = h;
		memcpy(slot->key, key, keylen);
		slot->keylen = keylen;
		*cached = true;
	}
	return h;
}

void
crypto_thread_end(void)
{
	unsigned i;

	for (i = 0; i < MAC_CACHE_SLOTS; i++) {
		if (mac_cache[i].h != NULL)
			gcry_mac_close(mac_cache[i].h);
		crypto_wipe(&mac_cache[i], sizeof(mac_cache[i]));
	}
}

bool
crypto_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
		   unsigned char out[CRYPTO_SHA256_LEN])
{
	size_t outlen = CRYPTO_SHA256_LEN;
	bool ok = false, cached;
	gcry_mac_hd_t h = mac_handle(key, keylen, &cached);

	if (h == NULL)
		return false;
	if (gcry_mac_write(h, data, len) == 0 &&
	    gcry_mac_read(h, out, &outlen) == 0 && outlen == CRYPTO_SHA256_LEN)
		ok = true;
	if (!cached)
		gcry_mac_close(h);
	return ok;
}

bool
crypto_hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
		 unsigned char out[20])
{
	gcry_mac_hd_t h;
	size_t outlen = 20;
	bool ok = false;

	if (gcry_mac_open(&h, GCRY_MAC_HMAC_SHA1, 0, NULL) != 0)
		return false;
	if (gcry_mac_setkey(h, key, keylen) == 0 &&
	    gcry_mac_write(h, data, len) == 0 &&
	    gcry_mac_read(h, out, &outlen) == 0 && outlen == 20)
		ok = true;
	gcry_mac_close(h);
	return ok;
}

#define GCM_NONCE 12
#define GCM_TAG 16

static bool
gcm_open_handle(gcry_cipher_hd_t *h, const unsigned char key[32],
		const unsigned char *nonce, const void *aad, size_t aadlen)
{
	if (gcry_cipher_open(h, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0) !=
	    0)
		return false;
	if (gcry_cipher_setkey(*h, key, 32) != 0 ||
	    gcry_cipher_setiv(*h, nonce, GCM_NONCE) != 0 ||
	    (aadlen > 0 && gcry_cipher_authenticate(*h, aad, aadlen) != 0)) {
		gcry_cipher_close(*h);
		return false;
	}
	return true;
}

bool
crypto_seal(const unsigned char key[32], const void *aad, size_t aadlen,
	    const void *plain, size_t len, unsigned char *out)
{
	gcry_cipher_hd_t h;
	bool ok;

	crypto_random(out, GCM_NONCE);
	if (!gcm_open_handle(&h, key, out, aad, aadlen))
		return false;
	ok = gcry_cipher_encrypt(h, out + GCM_NONCE, len, plain, len) == 0 &&
	     gcry_cipher_gettag(h, out + GCM_NONCE + len, GCM_TAG) == 0;
	gcry_cipher_close(h);
	return ok;
}

bool
crypto_open(const unsigned char key[32], const void *aad, size_t aadlen,
	    const unsigned char *sealed, size_t sealedlen,
	    unsigned char *plain_out)
{
	gcry_cipher_hd_t h;
	size_t len;
	bool ok;

	if (sealedlen < CRYPTO_SEAL_OVERHEAD)
		return false;
	len = sealedlen - CRYPTO_SEAL_OVERHEAD;
	if (!gcm_open_handle(&h, key, sealed, aad, aadlen))
		return false;
	ok = gcry_cipher_decrypt(h, plain_out, len, sealed + GCM_NONCE, len) ==
		     0 &&
	     gcry_cipher_checktag(h, sealed + GCM_NONCE + len, GCM_TAG) == 0;
	gcry_cipher_close(h);
	if (!ok)
		crypto_wipe(plain_out, len);
	return ok;
}

bool
crypto_ct_eq(const void *a, size_t alen, const void *b, size_t blen)
{
	const volatile unsigned char *pa = a, *pb = b;
	unsigned char diff = 0;
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		diff |= pa[i] ^ pb[i];
	return diff == 0;
}

void
crypto_wipe(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	{
		volatile unsigned char *v = p;

		while (n--)
			*v++ = 0;
	}
#endif
}

void
crypto_free_str(char *s)
{
	if (s == NULL)
		return;
	crypto_wipe(s, strlen(s));
	free(s);
}

void
crypto_hex(const void *data, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *d = data;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 0xf];
	}
	out[2 * n] = '\0';
}

bool
crypto_unhex(const char *hex, void *out, size_t n)
{
	unsigned char *o = out;
	size_t i;

	if (strlen(hex) != 2 * n)
		return false;
	for (i = 0; i < n; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		o[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

/* ---- base64 without padding (PHC strings) -------------------------------- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
			     in[i + 2];

		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = b64chars[v >> 6 & 63];
		out[o++] = b64chars[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;

		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;

		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = b64chars[v >> 6 & 63];
	}
	out[o] = '\0';
}

/* Decodes exactly len characters; returns the byte count or -1. */
static long
b64_decode(const char *in, size_t len, unsigned char *out, size_t outsz)
{
	unsigned acc = 0, bits = 0;
	size_t i, o = 0;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		const char *p = strchr(b64chars, in[i]);

		if (in[i] == '\0' || p == NULL)
			return -1;
		acc = acc << 6 | (unsigned)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outsz)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/* ---- passwords ----------------------------------------------------------- */

struct argon2_job {
	const char *password;
	const unsigned char *salt;
	size_t saltlen;
	unsigned long params[4]; /* output length, t, m, p */
	unsigned char *out;
	bool ok;
};

static void
argon2_run(void *arg)
{
	struct argon2_job *j = arg;
	gcry_kdf_hd_t h;

	if (gcry_kdf_open(&h, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, j->params, 4,
			  j->password, strlen(j->password), j->salt, j->saltlen,
			  NULL, 0, NULL, 0) != 0)
		return;
	if (gcry_kdf_compute(h, NULL) == 0 &&
	    gcry_kdf_final(h, j->params[0], j->out) == 0)
		j->ok = true;
	gcry_kdf_close(h);
}

/* On a hash thread when the pool runs (hashpool.h). */
static bool
argon2id(const char *password, const unsigned char *salt, size_t saltlen,
	 unsigned long t, unsigned long m, unsigned long par,
	 unsigned char *out, size_t outlen)
{
	struct argon2_job j = {password, salt, saltlen, {outlen, t, m, par},
			       out,	 false};

	hashpool_run(argon2_run, &j);
	return j.ok;
}

char *
crypto_password_hash(const char *password, const struct argon2_params *p)
{
	unsigned char salt[ARGON2_SALT_LEN], hash[ARGON2_HASH_LEN];
	char salt64[32], hash64[64], buf[192];

	crypto_random(salt, sizeof(salt));
	if (!argon2id(password, salt, sizeof(salt), p->time, p->memory_kib,
		      p->parallelism, hash, sizeof(hash)))
		return NULL;
	b64_encode(salt, sizeof(salt), salt64);
	b64_encode(hash, sizeof(hash), hash64);
	snprintf(buf, sizeof(buf), "$argon2id$v=19$m=%lu,t=%lu,p=%lu$%s$%s",
		 p->memory_kib, p->time, p->parallelism, salt64, hash64);
	crypto_wipe(hash, sizeof(hash));
	crypto_wipe(hash64, sizeof(hash64));
	return xstrdup(buf);
}

static bool
verify_argon2id(const char *password, const char *stored,
		const struct argon2_params *want, bool *rehash)
{
	unsigned long m, t, par;
	unsigned char salt[64], hash[64], calc[64];
	const char *s, *h;
	long saltlen, hashlen;
	int used = 0;
	bool ok;

	if (sscanf(stored, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$%n", &m, &t, &par,
		   &used) != 3 ||
	    used == 0)
		return false;
	/* Bounds stop a stored hash from asking for absurd work. */
	if (m < 8 || m > 4194304 || t < 1 || t > 64 || par < 1 || par > 64)
		return false;
	s = stored + used;
	h = strchr(s, '$');
	if (h == NULL)
		return false;
	saltlen = b64_decode(s, (size_t)(h - s), salt, sizeof(salt));
	hashlen = b64_decode(h + 1, strlen(h + 1), hash, sizeof(hash));
	if (saltlen < 8 || hashlen < 16)
		return false;
	if (!argon2id(password, salt, (size_t)saltlen, t, m, par, calc,
		      (size_t)hashlen))
		return false;
	ok = crypto_ct_eq(calc, (size_t)hashlen, hash, (size_t)hashlen);
	crypto_wipe(calc, sizeof(calc));
	if (ok && (m != want->memory_kib || t != want->time ||
		   par != want->parallelism))
		*rehash = true;
	return ok;
}

/* bcrypt costs above this are refused: a stored hash must not be able to
 * make one login take minutes (the real panel uses 12). */
#define BCRYPT_MAX_COST 16

struct bcrypt_job {
	const char *password, *stored;
	bool ok;
};

static void
bcrypt_run(void *arg)
{
	struct bcrypt_job *j = arg;
	struct crypt_data *cd = xcalloc(1, sizeof(*cd));
	const char *out = crypt_r(j->password, j->stored, cd);

	/* libxcrypt answers "*0"/"*1" (never a match) on failure */
	if (out != NULL && out[0] == '$')
		j->ok = crypto_ct_eq(out, strlen(out), j->stored,
				     strlen(j->stored));
	crypto_wipe(cd, sizeof(*cd));
	free(cd);
}

static bool
verify_bcrypt(const char *password, const char *stored)
{
	struct bcrypt_job j;
	int64_t cost;
	char digits[3];

	if (strlen(stored) < 7 || stored[6] != '$')
		return false;
	memcpy(digits, stored + 4, 2);
	digits[2] = '\0';
	if (!parse_int64(digits, 4, BCRYPT_MAX_COST, &cost))
		return false;
	j.password = password;
	j.stored = stored;
	j.ok = false;
	hashpool_run(bcrypt_run, &j);
	return j.ok;
}

bool
crypto_password_verify(const char *password, const char *stored,
		       const struct argon2_params *p, bool *rehash)
{
	*rehash = false;
	if (str_has_prefix(stored, "$argon2id$"))
		return verify_argon2id(password, stored, p, rehash);
	if (str_has_prefix(stored, "$2a$") || str_has_prefix(stored, "$2b$") ||
	    str_has_prefix(stored, "$2y$")) {
		if (!verify_bcrypt(password, stored))
			return false;
		*rehash = true;
		return true;
	}
	return false;
}
