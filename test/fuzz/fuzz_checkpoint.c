/*
 * fuzz_checkpoint.c: the login checkpoint's confirmation token through
 * session_checkpoint_verify(). Whatever it accepts must be a token that
 * session_checkpoint_token's layout describes: 129 characters, the uuid it
 * returns lowercase and at the start, the nonce at its offset.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	static int ready;
	char *token, uuid[37], nonce[SESSION_CHECKPOINT_NONCE_LEN + 1];
	char err[64];

	if (!ready) {
		if (!crypto_init(err, sizeof(err)))
			abort();
		cfg.ncookie_keys = 2;
		memset(cfg.cookie_keys[0], 0x11, CONFIG_KEY_BYTES);
		memset(cfg.cookie_keys[1], 0x22, CONFIG_KEY_BYTES);
		ready = 1;
	}
	token = malloc(size + 1);
	if (token == NULL)
		return 0;
	memcpy(token, data, size);
	token[size] = '\0';
	/* a fixed "now" keeps accepted seeds accepted */
	if (session_checkpoint_verify(&cfg, token, 1700000000, uuid, nonce)) {
		if (strlen(token) != 129 || strncmp(token, uuid, 36) != 0 ||
		    memcmp(token + SESSION_CHECKPOINT_NONCE_AT, nonce,
		           SESSION_CHECKPOINT_NONCE_LEN) != 0)
			abort();
	}
	free(token);
	return 0;
}
