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
struct db_res;
struct req;
struct json_object;

/*
 * A user row with its role, as the credential queries return it: the
 * USER_COLS columns, in this order, from "users u LEFT JOIN roles r".
 * Strings live in the request's arena; JSON arrays are owned by the
 * request (req_own).
 */
#define USER_COLS                                                              \
	"u.uuid, u.username, u.email, u.name_first, u.name_last, u.admin, "    \
	"u.frozen, u.suspended, u.totp_enabled, u.totp_last_used, "            \
	"u.language, LOWER(u.toast_position), u.start_on_grouped_servers, "    \
	"u.password IS NOT NULL, u.created, r.uuid, r.name, r.description, "   \
	"r.require_two_factor, r.admin_permissions, r.server_permissions, "    \
	"r.created"
#define USER_NCOLS 22

struct user_row {
	const char *uuid, *username, *email, *name_first, *name_last;
	bool admin, frozen, suspended, totp_enabled;
	const char *totp_last_used; /* DATETIME text or NULL */
	const char *language, *toast_position;
	bool start_on_grouped_servers, has_password;
	const char *created;
	/* role: role_uuid NULL when the user has none */
	const char *role_uuid, *role_name, *role_description, *role_created;
	bool role_require_two_factor;
	struct json_object *role_admin_permissions;  /* array, never NULL */
	struct json_object *role_server_permissions; /* array, never NULL */
};

/* Fills u from row of res starting at column col (USER_COLS order). */
void user_row_read(struct req *req, const struct db_res *res, size_t row,
		   size_t col, struct user_row *u);
/*
 * The password check of the account routes: true when password matches
 * stored, or when the account has no password (stored NULL, contract 9.1).
 */
struct config;
bool user_password_matches(const struct config *cfg, const char *stored,
			   const char *password);
/* Contract 2.7: the role decides when there is one, else the setting
 * app::two_factor_requirement (admins, all_users, none). */
bool user_requires_two_factor(const struct user_row *u, const char *setting);
/* FullUser (contract 3.2) and User (3.1) objects, new. */
struct json_object *user_full_json(const struct user_row *u,
				   bool require_two_factor);
struct json_object *user_public_json(const struct user_row *u);
/* AdminUser (contract 3.3): FullUser with external_id after uuid; the
 * two-factor requirement from the setting app::two_factor_requirement. */
struct json_object *user_admin_json(const struct user_row *u,
				    const char *external_id,
				    const char *tfa_setting);
/* A JSON array column (permission lists, allowed_ips) parsed, owned by the
 * request; an empty array when the text is not one. */
struct json_object *user_json_array(struct req *req, const char *text);
/* The same, new and owned by the caller. */
struct json_object *json_array_or_empty(const char *text);

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
/*
 * Turns two-factor authentication off for the user with this username or
 * e-mail (recovery by an administrator): the secret and the recovery codes
 * go, and every session of the user ends. PERR_NOENT when no such user.
 */
enum perr user_disable_two_factor(struct db *db, const char *who);
/* Sets the password of the user with this username or e-mail and ends
 * every session of that user, in one transaction. */
enum perr user_set_password(struct db *db, const char *who,
			    const char *password_hash);

#endif
