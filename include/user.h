/*
 * user.h: the users model (validation rules of the contract, creation,
 * password changes, listing).
 */
#ifndef PANEL_USER_H
#define PANEL_USER_H

#include <stdbool.h>

#include "crypto.h"
#include "util.h"

struct db;

/* NULL when valid, else the rule's message ("length is lower than 3"...). */
const char *user_check_username(const char *username);
const char *user_check_email(const char *email);
const char *user_check_password(const char *password);

/*
 * Inserts a user. password_hash may be NULL (no password login).
 * PERR_CONFLICT when the username or e-mail exists (case-insensitively).
 */
enum perr user_create(struct db *db, const char *username, const char *email,
		      const char *name_first, const char *name_last,
		      const char *password_hash, bool admin,
		      char uuid_out[CRYPTO_UUID_BUFSZ]);
/* Sets the password of the user with this username or e-mail and ends
 * every session of that user, in one transaction. */
enum perr user_set_password(struct db *db, const char *who,
			    const char *password_hash);

#endif
