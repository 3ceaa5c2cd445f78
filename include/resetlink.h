/*
 * resetlink.h: password links. A link is a 96-character token from
 * libgcrypt's strong generator, stored as its SHA-256 (with the first 16
 * characters to find it), valid for 20 minutes, redeemed once by
 * POST /api/auth/password/reset. Two kinds of mail carry one: "forgot"
 * (contract 4.4) and "account created" (an account made for someone else:
 * admin user creation with send_email, a subuser invited by e-mail).
 */
#ifndef PANEL_RESETLINK_H
#define PANEL_RESETLINK_H

#include <stdbool.h>

struct req;

#define RESETLINK_TOKEN_LEN 96
#define RESETLINK_START_LEN 16

enum resetlink_kind { RESETLINK_FORGOT, RESETLINK_ACCOUNT_CREATED };

/* Stores a new token for user uuid (inside the caller's transaction, if
 * any); token receives it (wipe it after use). */
bool resetlink_create(struct req *req, const char *uuid,
		      char token[RESETLINK_TOKEN_LEN + 1]);
/* Mails the link of token to email (after the commit), naming the
 * account's username; failures are logged. */
void resetlink_mail(struct req *req, const char *email, const char *username,
		    const char *token, enum resetlink_kind kind);

#endif
