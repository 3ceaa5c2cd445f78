/*
 * admin_rules.h: what the admin user and role routes (handler_admin_users.c,
 * handler_admin_roles.c) share: the caller's effective permission sets
 * ("nobody grants more than they hold"), body field access, the
 * "field: message" rules of handler-level validation, and the paginated
 * list with its permission.
 */
#ifndef PANEL_ADMIN_RULES_H
#define PANEL_ADMIN_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "db_stmt.h"
#include "page.h"
#include "perm.h"

struct req;
struct json_object;

/*
 * True when the subset rules bind the caller: everyone but a user with the
 * admin flag on a session. An API key narrows even an administrator to
 * the key's lists.
 */
bool admin_caller_restricted(const struct req *req);
/*
 * The caller holds every permission of admin (admin permissions) and of
 * server (server permissions); either may be NULL (empty). Held = the admin
 * flag or the role's list, and for an API-key caller also the key's list.
 */
bool admin_caller_holds_all(const struct req *req, struct json_object *admin,
			    struct json_object *server);
/* Sets 403 {"errors":[msg]}; returns false. */
bool admin_deny(struct req *req, const char *msg);

/* The body's value of name (borrowed), NULL when absent or null. */
struct json_object *admin_field(const struct req *req, const char *name);
/* name is in the body, null included. */
bool admin_field_sent(const struct req *req, const char *name);
/* The body's boolean name, def when absent or null. */
bool admin_field_bool(const struct req *req, const char *name, bool def);
/*
 * A UUID-typed body field. Absent or null: *given false. A UUID: *given
 * true, the lowercase form in out. Anything else: 400 "invalid payload:
 * invalid type for `name`, expected a UUID" and false.
 */
bool admin_field_uuid(struct req *req, const char *name, char out[37],
		      bool *given);

/* Appends "name: msg" to errs. */
void admin_rule(struct req *req, struct json_object *errs, const char *name,
		const char *msg);
/* Appends "name: length is lower than min" / "... greater than max" when
 * value's length (Unicode characters, or bytes when bytes) is outside. */
void admin_rule_len(struct req *req, struct json_object *errs, const char *name,
		    const char *value, size_t min, size_t max, bool bytes);
/* The string field name of the body, when sent, against admin_rule_len. */
void admin_rule_field(struct req *req, struct json_object *errs,
		      const char *name, size_t min, size_t max);
/* Every entry of list is in family f's catalogue; else one
 * "name: invalid permission: <p>" per stranger. */
void admin_rule_perms(struct req *req, struct json_object *errs,
		      const char *name, enum perm_family f,
		      struct json_object *list);
/* Takes errs: true when it is empty, else answers 400 with it. */
bool admin_rules_ok(struct req *req, struct json_object *errs);

/*
 * A paginated list (contract 1.6): the query is checked first, then the
 * admin permission perm, then statement id runs with the search term
 * nsearch times, limit and offset; {"<key>": Pagination<row_json>}.
 */
void admin_list(struct req *req, const char *perm, enum stmt id, size_t nsearch,
		const char *key, page_row_fn row_json);

/*
 * Statement id with the one argument key: true with exactly one row in
 * *res (the caller frees it), else false after 404 notfound (or a 5xx).
 */
struct db_res;
bool admin_fetch_one(struct req *req, enum stmt id, const char *key,
		     const char *notfound, struct db_res *res);
/* Runs id without rows; false after 409 conflict for a duplicate key (when
 * conflict is not NULL) or a 5xx. */
struct db_arg;
bool admin_exec(struct req *req, enum stmt id, const struct db_arg *args,
		size_t nargs, const char *conflict);
/* A transaction; false after a 5xx. admin_tx_end commits when ok, else
 * rolls back, and returns whether everything held (the answer is set when
 * not). */
bool admin_tx_begin(struct req *req);
bool admin_tx_end(struct req *req, bool ok);

/* A path segment percent-decoded into the arena ('+' stays a plus), or
 * NULL when it is badly encoded or holds a NUL byte. */
const char *admin_path_decode(struct req *req, const char *s);

#endif
