/*
 * reset_token.h: password-reset tokens (contract 4.4, 4.5, 9.6): 96
 * characters from libgcrypt's strong generator; the row keeps the first 16
 * (the lookup prefix) and SHA-256 of the whole token. A token is redeemed
 * by POST /api/auth/password/reset within 20 minutes.
 */
#ifndef PANEL_RESET_TOKEN_H
#define PANEL_RESET_TOKEN_H

#include "util.h"

struct db;

#define RESET_TOKEN_LEN 96
#define RESET_START_LEN 16

/*
 * Creates a token for user_uuid and stores its row. On PERR_OK token_out
 * holds the NUL-terminated token (a secret: the caller wipes it); on
 * failure it holds nothing.
 */
enum perr reset_token_issue(struct db *db, const char *user_uuid,
			    char token_out[RESET_TOKEN_LEN + 1]);

#endif
