/*
 * handler_snippets.c: the caller's command snippets (contract-extra 3.1,
 * 3.3, 7.1, 8.1, 9): /api/client/account/command-snippets and the
 * console's per-egg list. Client gate; user permissions
 * command-snippets.read/create/update/delete (duplicate: create), the
 * per-egg list servers.read. The checks run in the contract's order, so
 * the permission is checked in the handlers, after the body's parse.
 *
 * Beyond the real panel: the list validates its pagination (contract 1.6),
 * and duplicate honours user.max_command_snippet_count like create (417).
 */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "page.h"
#include "peruser.h"
#include "request.h"
#include "response.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define NOT_FOUND "command snippet not found"
#define PARAM "command_snippet"

/* UserCommandSnippet (contract-extra 7.1) from a SNIPPET_COLS row. */
static struct json_object *
snippet_json(const struct db_res *res, size_t row)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "uuid", json_str_or_null(db_cell(res, row, 0)));
	ADD(o, "name", json_str_or_null(db_cell(res, row, 1)));
	ADD(o, "eggs", json_array_or_empty(db_cell(res, row, 2)));
	ADD(o, "command", json_str_or_null(db_cell(res, row, 3)));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, 4)));
	return o;
}

static struct json_object *
snippet_row(struct req *req, const struct db_res *res, size_t row)
{
	(void)req;
	return snippet_json(res, row);
}

static const char *
json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* {uuid, name} and, when eggs is given, {eggs, command} too. */
static struct json_object *
activity_data(const char *uuid, const char *name, struct json_object *eggs,
	      const char *command)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "name", json_object_new_string(name));
	if (eggs != NULL) {
		ADD(d, "eggs", json_object_get(eggs));
		ADD(d, "command", json_object_new_string(command));
	}
	return d;
}

/* Answers {"command_snippet": ...} with the row uuid of the caller. */
static bool
answer_snippet(struct req *req, const char *uuid)
{
	struct json_object *o;
	struct db_res res;

	if (!peruser_load(req, STMT_SNIPPET_GET, uuid, NOT_FOUND, &res))
		return false;
	o = json_object_new_object();
	ADD(o, "command_snippet", snippet_json(&res, 0));
	db_res_free(&res);
	response_json(req, 200, o);
	return true;
}

/*
 * GET /api/client/account/command-snippets?page&per_page&search. Checks:
 * pagination, perm command-snippets.read. Oldest first, search on the name.
 * {"command_snippets": Pagination<UserCommandSnippet>}
 */
static void
handle_list(struct req *req)
{
	struct db_arg args[5];
	struct page pg;

	if (!page_parse(req, &pg) ||
	    !gate_user_permission(req, "command-snippets.read"))
		return;
	args[0] = DB_STR(req->principal->user.uuid);
	args[1] = DB_STR_OR_NULL(pg.search);
	args[2] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, STMT_SNIPPET_LIST, args, NF(args),
		    "command_snippets", snippet_row);
}

/* Body types; the model rules are checked after the permission. */
static const struct jfield create_types[] = {
	{"name", JF_STRING, true, false, 0, 0},
	{"eggs", JF_STRING_ARRAY, true, false, 0, INT32_MAX},
	{"command", JF_STRING, true, false, 0, 0},
};
static const struct jfield update_types[] = {
	{"name", JF_STRING, false, false, 0, 0},
	{"eggs", JF_STRING_ARRAY, false, false, 0, INT32_MAX},
	{"command", JF_STRING, false, false, 0, 0},
};
static const struct jfield rules[] = {
	{"name", JF_STRING, false, false, 1, 31},
	{"eggs", JF_STRING_ARRAY, false, false, 0, 100},
	{"command", JF_STRING, false, false, 1, 1024},
};
static const struct jfield duplicate_types[] = {
	{"name", JF_STRING, true, false, 0, 0},
};

#define LIMIT_KEY "user::max_command_snippet_count"
#define LIMIT_MSG "maximum number of command snippets reached"
#define CONFLICT "command snippet with name already exists"

/* Inserts (uuid, caller, name, eggs, command) under the caller's limit;
 * false with the response set. */
static bool
insert_snippet(struct req *req, const char *uuid, const char *name,
	       struct json_object *eggs, const char *command,
	       const struct jfield *r, size_t nr)
{
	struct db_arg args[5] = {
		DB_STR(uuid), DB_STR(req->principal->user.uuid), DB_STR(name),
		DB_STR(json_text(eggs)), DB_STR(command)};

	return peruser_create(
		req, &(struct peruser_insert){STMT_SNIPPET_COUNT,
					      STMT_SNIPPET_INSERT, args,
					      NF(args), LIMIT_KEY, 100,
					      LIMIT_MSG, r, nr, CONFLICT});
}

/*
 * POST /api/client/account/command-snippets {name, eggs, command}.
 * Checks: body, perm command-snippets.create, 417, model rules (400), 409.
 * {"command_snippet": UserCommandSnippet}
 */
static void
handle_create(struct req *req)
{
	const char *name = json_object_get_string(peruser_field(req, "name"));
	const char *cmd = json_object_get_string(peruser_field(req, "command"));
	struct json_object *eggs;
	char uuid[CRYPTO_UUID_BUFSZ];

	if (!peruser_uuids(req, "eggs", &eggs) ||
	    !gate_user_permission(req, "command-snippets.create"))
		return;
	crypto_uuid_v4(uuid);
	if (!insert_snippet(req, uuid, name, eggs, cmd, rules, NF(rules)) ||
	    !answer_snippet(req, uuid))
		return;
	activity_log(req, req->principal->user.uuid,
		     "user:command-snippet.create",
		     activity_data(uuid, name, eggs, cmd));
}

/* The snippet {command_snippet}: path, perm, 404. Its uuid, or NULL with
 * the response set; *res holds the row (caller frees it). */
static const char *
load_snippet(struct req *req, const char *perm, struct db_res *res)
{
	return peruser_target(req, PARAM, perm, STMT_SNIPPET_GET, NOT_FOUND,
			      res);
}

/*
 * PATCH .../command-snippets/{command_snippet} {name?, eggs?, command?}.
 * Checks: path and body, perm command-snippets.update, 404, model rules,
 * 409. {}
 */
static void
handle_update(struct req *req)
{
	struct json_object *eggs, *sent;
	const char *uuid, *name, *cmd;
	struct db_arg args[5];
	struct db_res res;

	if (req_path_uuid(req, PARAM, 400,
			  "Invalid URL: invalid UUID in {" PARAM "}") == NULL ||
	    !peruser_uuids(req, "eggs", &sent))
		return;
	uuid = load_snippet(req, "command-snippets.update", &res);
	if (uuid == NULL)
		return;
	name = arena_strdup(&req->arena, db_cell(&res, 0, 1));
	eggs = user_json_array(req, db_cell(&res, 0, 2));
	cmd = arena_strdup(&req->arena, db_cell(&res, 0, 3));
	db_res_free(&res);
	if (!peruser_validate(req, rules, NF(rules)))
		return;
	if (peruser_field(req, "name") != NULL)
		name = json_object_get_string(peruser_field(req, "name"));
	if (peruser_field(req, "command") != NULL)
		cmd = json_object_get_string(peruser_field(req, "command"));
	if (sent != NULL)
		eggs = sent;
	args[0] = DB_STR(name);
	args[1] = DB_STR(json_text(eggs));
	args[2] = DB_STR(cmd);
	args[3] = DB_STR(uuid);
	args[4] = DB_STR(req->principal->user.uuid);
	peruser_change(req, STMT_SNIPPET_UPDATE, args, 5, CONFLICT,
		       "user:command-snippet.update",
		       activity_data(uuid, name, eggs, cmd));
}

/* DELETE .../command-snippets/{command_snippet}. Checks: path, perm
 * command-snippets.delete, 404. {} */
static void
handle_delete(struct req *req)
{
	struct db_arg args[2];
	struct json_object *d;
	struct db_res res;
	const char *uuid;

	uuid = load_snippet(req, "command-snippets.delete", &res);
	if (uuid == NULL)
		return;
	d = activity_data(uuid, db_cell(&res, 0, 1), NULL, NULL);
	db_res_free(&res);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(req->principal->user.uuid);
	peruser_change(req, STMT_SNIPPET_DELETE, args, 2, NULL,
		       "user:command-snippet.delete", d);
}

/*
 * POST .../command-snippets/{command_snippet}/duplicate {name}: a copy with
 * the same eggs and command. Checks: path and body, perm
 * command-snippets.create, 404, 417, name rule, 409.
 * {"command_snippet": UserCommandSnippet}
 */
static void
handle_duplicate(struct req *req)
{
	const char *name = json_object_get_string(peruser_field(req, "name"));
	const char *src, *src_name, *cmd;
	struct json_object *eggs, *d;
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_res res;

	src = load_snippet(req, "command-snippets.create", &res);
	if (src == NULL)
		return;
	src_name = arena_strdup(&req->arena, db_cell(&res, 0, 1));
	eggs = user_json_array(req, db_cell(&res, 0, 2));
	cmd = arena_strdup(&req->arena, db_cell(&res, 0, 3));
	db_res_free(&res);
	crypto_uuid_v4(uuid);
	if (!insert_snippet(req, uuid, name, eggs, cmd, rules, 1) ||
	    !answer_snippet(req, uuid))
		return;
	d = json_object_new_object();
	ADD(d, "source_uuid", json_object_new_string(src));
	ADD(d, "source_name", json_object_new_string(src_name));
	ADD(d, "uuid", json_object_new_string(uuid));
	ADD(d, "name", json_object_new_string(name));
	activity_log(req, req->principal->user.uuid,
		     "user:command-snippet.duplicate", d);
}

/*
 * GET /api/client/servers/eggs/{egg}/command-snippets: the caller's
 * snippets for every egg or for this one, oldest first, no pagination.
 * Checks: path, perm servers.read. {"command_snippets": [...]}
 */
static void
handle_by_egg(struct req *req)
{
	const char *egg = req_path_uuid(req, "egg", 400,
					"Invalid URL: invalid UUID in {egg}");
	struct db_arg args[2];

	if (egg == NULL || !gate_user_permission(req, "servers.read"))
		return;
	args[0] = DB_STR(req->principal->user.uuid);
	args[1] = DB_STR(egg);
	peruser_list(req, STMT_SNIPPET_BY_EGG, args, 2, "command_snippets",
		     snippet_json);
}

#define SNIPPETS "/api/client/account/command-snippets"

static const struct route routes[] = {
	{"GET", SNIPPETS, GATE_CLIENT, NULL, BODY_NONE, NULL, 0, handle_list,
	 0},
	{"POST", SNIPPETS, GATE_CLIENT, NULL, BODY_DEFAULT_MAX, create_types,
	 NF(create_types), handle_create, 0},
	{"PATCH", SNIPPETS "/{" PARAM "}", GATE_CLIENT, NULL, BODY_DEFAULT_MAX,
	 update_types, NF(update_types), handle_update, 0},
	{"DELETE", SNIPPETS "/{" PARAM "}", GATE_CLIENT, NULL, BODY_NONE, NULL,
	 0, handle_delete, 0},
	{"POST", SNIPPETS "/{" PARAM "}/duplicate", GATE_CLIENT, NULL,
	 BODY_DEFAULT_MAX, duplicate_types, NF(duplicate_types),
	 handle_duplicate, 0},
	{"GET", "/api/client/servers/eggs/{egg}/command-snippets", GATE_CLIENT,
	 NULL, BODY_NONE, NULL, 0, handle_by_egg, 0},
};

const struct route_group handler_snippets_group = {routes, NF(routes)};
