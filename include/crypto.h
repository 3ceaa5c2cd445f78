/*
 * crypto.h: the only module that includes <gcrypt.h>. Randomness from
 * libgcrypt's strong generator, SHA-256, HMAC-SHA256, constant-time compare,
 * wiping, UUIDs, and password hashing (Argon2id; bcrypt verify for imports).
 */
#ifndef PANEL_CRYPTO_H
#define PANEL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_UUID_BUFSZ 37

struct argon2_params {
	unsigned long time;	  /* iterations */
	unsigned long memory_kib; /* memory cost */
	unsigned long parallelism;
};

/* Checks the libgcrypt version and finishes its initialisation. */
bool crypto_init(char *err, size_t errlen);

void crypto_random(void *buf, size_t n);
/* n characters from [A-Za-z0-9], uniform (rejection sampling); no NUL. */
void crypto_random_base62(char *out, size_t n);
void crypto_uuid_v4(char out[CRYPTO_UUID_BUFSZ]);

void crypto_sha256(const void *data, size_t len,
		   unsigned char out[CRYPTO_SHA256_LEN]);
bool crypto_hmac_sha256(const void *key, size_t keylen, const void *data,
			size_t len, unsigned char out[CRYPTO_SHA256_LEN]);
/* Closes and wipes the calling thread's cached HMAC handles (a thread that
 * used crypto_hmac_sha256 calls it before it ends). */
void crypto_thread_end(void);

bool crypto_hmac_sha1(const void *key, size_t keylen, const void *data,
		      size_t len, unsigned char out[20]);

/*
 * AES-256-GCM with a random 96-bit nonce: out receives nonce || ciphertext
 * || 16-byte tag (CRYPTO_SEAL_OVERHEAD + len bytes). aad (may be NULL)
 * binds the ciphertext to a context, e.g. the owner's uuid.
 */
#define CRYPTO_SEAL_OVERHEAD 28
bool crypto_seal(const unsigned char key[32], const void *aad, size_t aadlen,
		 const void *plain, size_t len, unsigned char *out);
/* The reverse; false when the tag, the key or the aad does not match. */
bool crypto_open(const unsigned char key[32], const void *aad, size_t aadlen,
		 const unsigned char *sealed, size_t sealedlen,
		 unsigned char *plain_out);

/* Constant time for equal lengths; different lengths are never equal. */
bool crypto_ct_eq(const void *a, size_t alen, const void *b, size_t blen);
void crypto_wipe(void *p, size_t n);
/* Wipes and frees a NUL-terminated string; accepts NULL. */
void crypto_free_str(char *s);

/* Lowercase hex; out holds 2*n+1 bytes. */
void crypto_hex(const void *data, size_t n, char *out);
/* Exactly 2*n hex digits into n bytes. */
bool crypto_unhex(const char *hex, void *out, size_t n);

/*
 * Password hashing. crypto_password_hash() returns a malloc'd PHC string
 * "$argon2id$v=19$m=..,t=..,p=..$salt$hash" (free with crypto_free_str),
 * or NULL when libgcrypt refuses (an empty password among others; callers
 * enforce a minimum length first).
 * crypto_password_verify() accepts that form and bcrypt ($2a$/$2b$/$2y$,
 * cost 4..16);
 * *rehash is set when the stored hash should be replaced (bcrypt, or other
 * Argon2id parameters than p).
 */
char *crypto_password_hash(const char *password, const struct argon2_params *p);
bool crypto_password_verify(const char *password, const char *stored,
			    const struct argon2_params *p, bool *rehash);

#endif
