/*
 * fuzz_cookie.c: a session cookie value through session_cookie_parse()
 * under two fixed keys at a fixed time. Whatever is accepted must be
 * exactly what session_cookie_make() gives for the parsed fields under one
 * of the keys.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "session.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The keys the seed corpus was signed with: i + 1 and 0xa0 ^ i. */
#define NOW ((time_t)1700000000)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg, one[2];
	static bool ready;
	char *text = xstrndup((const char *)data, size); /* stops at NUL */
	char again[SESSION_COOKIE_LEN + 1];
	struct session_cookie c;
	size_t i;

	if (!ready) {
		char err[128];

		if (!crypto_init(err, sizeof(err)))
			abort();
		for (i = 0; i < CONFIG_KEY_BYTES; i++) {
			cfg.cookie_keys[0][i] = (unsigned char)(i + 1);
			cfg.cookie_keys[1][i] = (unsigned char)(0xa0 ^ i);
		}
		cfg.ncookie_keys = 2;
		for (i = 0; i < 2; i++) {
			memcpy(one[i].cookie_keys[0], cfg.cookie_keys[i],
			       CONFIG_KEY_BYTES);
			one[i].ncookie_keys = 1;
		}
		ready = true;
	}
	if (session_cookie_parse(&cfg, text, NOW, &c) == PERR_OK) {
		if (strlen(text) != SESSION_COOKIE_LEN ||
		    strncmp(text, "v1.", 3) != 0 || c.expires <= NOW)
			abort();
		for (i = 0; i < 2; i++) {
			session_cookie_make(&one[i], &c, again);
			if (strcmp(again, text) == 0)
				break;
		}
		if (i == 2)
			abort(); /* accepted but not what make() produces */
	}
	free(text);
	return 0;
}
