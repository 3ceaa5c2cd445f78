/*
 * nest.h: nests, eggs and egg variables for the admin routes (contract
 * 3.10, 8.5, 8.6; contract-extra 5.4, 5.7, 7.8): their JSON objects from
 * database rows, the nest and egg sub-gates of everything below
 * /api/admin/nests/{nest}, and the body helpers the three handler files
 * share.
 *
 * Columns: db_stmt.c defines NEST_COLS, EGG_COLS and EGGVAR_COLS (in its
 * nests group); a statement that selects one of them at column col hands
 * (res, row, col) to the matching *_json function. The server routes can
 * embed Nest and AdminEgg (contract 3.11) the same way.
 */
#ifndef PANEL_NEST_H
#define PANEL_NEST_H

#include <stdbool.h>
#include <stddef.h>

#include "db_stmt.h"

struct db_arg;
struct db_res;
struct jfield;
struct json_object;
struct req;

/* NEST_COLS: uuid, name, description, author, created */
#define NEST_NCOLS 5
/* EGG_COLS: uuid, nest_uuid, name, description, author, config_files,
 * config_startup, config_stop, config_script, startup_commands,
 * force_outgoing_ip, separate_port, features, docker_images, file_denylist,
 * created */
#define EGG_NCOLS 16
/* EGGVAR_COLS: uuid, name, name_translations, description,
 * description_translations, order_, env_variable, default_value,
 * user_viewable, user_editable, secret, rules, created */
#define EGGVAR_NCOLS 13

/* Nest (contract 3.10), new. */
struct json_object *nest_json(const struct db_res *res, size_t row, size_t col);
/* AdminEgg (contract 3.10; egg_repository_egg always null), new. The
 * ordered objects keep the key order of the stored text. */
struct json_object *egg_json(const struct db_res *res, size_t row, size_t col);
/* AdminEggVariable (contract-extra 7.8), new. */
struct json_object *eggvar_json(const struct db_res *res, size_t row,
				size_t col);

/* A nest or egg that passed its sub-gate; strings in the arena, json
 * owned by the request. */
struct nest {
	const char *uuid, *name, *author;
	struct json_object *json; /* Nest */
};
struct egg {
	const char *uuid, *nest_uuid, *name, *author;
	struct json_object *json; /* AdminEgg */
};

/*
 * The nest sub-gate (contract 8.5): {nest} not a UUID -> 400 invalid nest
 * id -> admin permission nests.read -> 404 nest not found. False after
 * setting the answer.
 */
bool nest_gate(struct req *req, struct nest *out);
/*
 * The egg sub-gate (contract 8.6), after nest_gate: {egg} not a UUID ->
 * 400 invalid egg id -> eggs.read -> egg not in this nest -> 404 egg not
 * found.
 */
bool egg_gate(struct req *req, const struct nest *nest, struct egg *out);

/* The body's value of name (borrowed), NULL when absent or null. */
struct json_object *nest_body_field(const struct req *req, const char *name);
/* True when the body has the key name (null included). */
bool nest_body_sent(const struct req *req, const char *name);
/*
 * Checks the body against a field table in a handler (the routes whose
 * sub-gate must come first). A type or presence error is answered (400)
 * and gives false; rule errors are handed back in *rule_errs (owned by the
 * request, NULL when none) for the caller to answer before or after its
 * permission check.
 */
bool nest_body_check(struct req *req, const struct jfield *fields,
		     size_t nfields, struct json_object **rule_errs);
/* Answers 400 with the rule errors, if any; true when there are none. */
bool nest_rules_ok(struct req *req, struct json_object *rule_errs);
/* Adds "msg" to the rule error list *errs (created, owned by the
 * request). */
void nest_rule_add(struct req *req, struct json_object **errs, const char *msg);
/*
 * The body's field key as a bound argument: its string, its compact JSON
 * text, or its integer (a boolean as 0/1); SQL NULL when absent or null.
 * The text is borrowed from the body.
 */
struct db_arg nest_arg_str(const struct req *req, const char *key);
struct db_arg nest_arg_json(const struct req *req, const char *key);
struct db_arg nest_arg_int(const struct req *req, const char *key);
/*
 * Runs an insert or update: true when it succeeded; otherwise answers 409
 * conflict (a unique key was violated) or the failure, and gives false.
 */
bool nest_write(struct req *req, enum stmt id, const struct db_arg *args,
		size_t nargs, const char *conflict);
/* Compact JSON text of o (borrowed from o). */
const char *nest_json_text(struct json_object *o);
#endif
