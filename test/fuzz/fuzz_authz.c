/*
 * fuzz_authz.c: an Authorization header through apikey_from_header() and
 * apikey_well_formed(). A header gives a key only when it is 55 bytes, by
 * stripping leading "Bearer "s; a well-formed key is the 48 bytes after one
 * "Bearer ": four alphanumerics, '_' and 43 more.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "crypto.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
alnum_except_4(const char *k)
{
	size_t i;

	for (i = 0; i < APIKEY_LEN; i++)
		if (i != 4 && strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz",
				     k[i]) == NULL)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	char *text = xstrndup((const char *)data, size); /* stops at NUL */
	unsigned char hash[CRYPTO_SHA256_LEN];
	const char *key = apikey_from_header(text), *p;
	char err[128];

	if (!ready && !crypto_init(err, sizeof(err)))
		abort();
	ready = true;
	/* NULL exactly when the header is not 55 bytes */
	if ((key == NULL) != (strlen(text) != 7 + APIKEY_LEN))
		abort();
	if (key != NULL) {
		/* only whole leading "Bearer " prefixes are stripped */
		for (p = text; p < key; p += 7)
			if (strncmp(p, "Bearer ", 7) != 0)
				abort();
		if (p != key || strncmp(key, "Bearer ", 7) == 0)
			abort();
		if (apikey_well_formed(key)) {
			if (strlen(key) != APIKEY_LEN || key != text + 7 ||
			    key[4] != '_' || !alnum_except_4(key))
				abort();
			apikey_hash(key, hash);
		}
	}
	/* the raw input as a key, too */
	if (apikey_well_formed(text) &&
	    (strlen(text) != APIKEY_LEN || text[4] != '_' ||
	     !alnum_except_4(text)))
		abort();
	free(text);
	return 0;
}
