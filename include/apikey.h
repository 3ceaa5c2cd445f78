/*
 * apikey.h: API keys. A key is 48 characters: a 5-character prefix ("ptlc_"
 * for keys we mint; any "[A-Za-z0-9]{4}_" is accepted, the real panel mints
 * "c7sp_") and 43 base62 characters (256 bits). Stored: key_start (the
 * first 16 characters, an identifier) and SHA-256 of the whole key.
 */
#ifndef PANEL_APIKEY_H
#define PANEL_APIKEY_H

#include <stdbool.h>

#include "crypto.h"

struct req;
struct principal;

#define APIKEY_LEN 48
#define APIKEY_START_LEN 16
#define APIKEY_PREFIX "ptlc_"
/* last_used is written at most this often per key (seconds) */
#define APIKEY_TOUCH_INTERVAL 60

/*
 * The Authorization header value must be exactly 55 bytes ("Bearer " + 48)
 * or it is an invalid header (NULL). Every leading "Bearer " is then
 * removed and the rest returned (borrowed): it is an invalid api key
 * unless apikey_well_formed() accepts it (contract 2.2 step 3).
 */
const char *apikey_from_header(const char *header);
/* True when key has the shape of a key (prefix and base62 body). */
bool apikey_well_formed(const char *key);
/* A new key from libgcrypt's strong generator; out holds 49 bytes. */
void apikey_generate(char out[APIKEY_LEN + 1]);
void apikey_hash(const char *key, unsigned char out[CRYPTO_SHA256_LEN]);

/*
 * Verifies a presented key and loads the principal. On failure returns
 * false with *status and *msg (401 invalid api key, 403 ip address not
 * allowed for this api key, 503/500).
 */
bool apikey_authenticate(struct req *req, const char *key, struct principal *p,
			 int *status, const char **msg);

#endif
