/*
 * handler_admin_nests.c: /api/admin/nests (contract 8.5) and the global egg
 * list GET /api/admin/nests/eggs (contract-extra 5.4). Client gate, admin
 * gate, admin permissions nests.* (eggs.read for the global list).
 *
 * The {nest} routes check in the contract's order: 400 invalid nest id ->
 * nests.read -> 404 nest not found, then the body's types, then the
 * route's own permission, then the field rules (nest_gate, nest.h); their
 * rows carry no permission of their own for that reason.
 *
 * Beyond the real panel: DELETE with delete_eggs=true deletes nothing when
 * one of the eggs is used by a server (the panel deletes the eggs before
 * the first one in use and then fails).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "crypto.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "nest.h"
#include "page.h"
#include "request.h"
#include "response.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))

/* {uuid, author, name, description} of the nest row uuid as it is now;
 * NULL when it cannot be read (the activity then says less). */
static struct json_object *
nest_activity(struct req *req, const char *uuid)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	struct json_object *d = json_object_new_object();
	struct db_res res;

	ADD(d, "uuid", json_object_new_string(uuid));
	if (db_exec(req->db, STMT_NEST_GET, args, 1, &res) != PERR_OK)
		return d;
	if (res.nrows == 1) {
		ADD(d, "author", json_str_or_null(db_cell(&res, 0, 3)));
		ADD(d, "name", json_str_or_null(db_cell(&res, 0, 1)));
		ADD(d, "description", json_str_or_null(db_cell(&res, 0, 2)));
	}
	db_res_free(&res);
	return d;
}

/* {"nest": Nest} of the row uuid. */
static void
answer_nest(struct req *req, const char *uuid)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	struct json_object *o;
	struct db_res res;
	enum perr e = db_exec(req->db, STMT_NEST_GET, args, 1, &res);

	if (e != PERR_OK || res.nrows != 1) {
		if (e == PERR_OK)
			db_res_free(&res);
		response_fail(req, e == PERR_OK ? PERR_DB : e);
		return;
	}
	o = json_object_new_object();
	ADD(o, "nest", nest_json(&res, 0, 0));
	db_res_free(&res);
	response_json(req, 200, o);
}

/* ---- list, create -------------------------------------------------------- */

static struct json_object *
nest_row(struct req *req, const struct db_res *res, size_t row)
{
	(void)req;
	return nest_json(res, row, 0);
}

/* GET /api/admin/nests: pagination (400) -> perm nests.read; search on the
 * name, oldest first. {"nests": Pagination<Nest>} */
static void
handle_list(struct req *req)
{
	struct db_arg args[4];
	struct page pg;

	if (!page_parse(req, &pg) || !gate_admin_permission(req, "nests.read"))
		return;
	args[0] = DB_STR_OR_NULL(pg.search);
	args[1] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, STMT_NEST_LIST, args, 4, "nests", nest_row);
}

static const struct jfield create_fields[] = {
	{"author", JF_STRING, true, false, 2, 255},
	{"name", JF_STRING, true, false, 1, 255},
	{"description", JF_STRING, false, false, 1, 1024},
};

/* POST /api/admin/nests: body types -> perm nests.create -> field rules
 * (400) -> 409 nest with name already exists. {"nest": Nest} */
static void
handle_create(struct req *req)
{
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[4];

	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = nest_arg_str(req, "author");
	args[2] = nest_arg_str(req, "name");
	args[3] = nest_arg_str(req, "description");
	if (!nest_write(req, STMT_NEST_INSERT, args, 4,
			"nest with name already exists"))
		return;
	activity_admin(req, "nest:create", nest_activity(req, uuid));
	answer_nest(req, uuid);
}

/* ---- the global egg list ------------------------------------------------- */

/* GET /api/admin/nests/eggs: perm eggs.read (no nest sub-gate). Every egg
 * grouped by nest, nests without eggs left out: {"nests": [{"nest": Nest,
 * "eggs": [AdminEgg, ...]}, ...]} */
static void
handle_all_eggs(struct req *req)
{
	struct json_object *groups, *eggs = NULL, *o;
	struct db_res res;
	const char *last = NULL;
	enum perr e = db_exec(req->db, STMT_EGG_ALL, NULL, 0, &res);
	size_t i;

	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	groups = json_object_new_array();
	for (i = 0; i < res.nrows; i++) {
		const char *nest = db_cell(&res, i, 0);

		if (last == NULL || strcmp(last, nest) != 0) {
			struct json_object *g = json_object_new_object();

			ADD(g, "nest", nest_json(&res, i, 0));
			eggs = json_object_new_array();
			ADD(g, "eggs", eggs);
			json_object_array_add(groups, g);
			last = nest;
		}
		json_object_array_add(eggs, egg_json(&res, i, NEST_NCOLS));
	}
	db_res_free(&res);
	o = json_object_new_object();
	ADD(o, "nests", groups);
	response_json(req, 200, o);
}

/* ---- one nest ------------------------------------------------------------ */

/* GET /api/admin/nests/{nest}: the sub-gate. {"nest": Nest} */
static void
handle_get(struct req *req)
{
	struct json_object *o;
	struct nest n;

	if (!nest_gate(req, &n))
		return;
	o = json_object_new_object();
	ADD(o, "nest", json_object_get(n.json));
	response_json(req, 200, o);
}

static const struct jfield update_fields[] = {
	{"author", JF_STRING, false, false, 2, 255},
	{"name", JF_STRING, false, false, 1, 255},
	{"description", JF_STRING, false, true, 1, 1024},
};

/* PATCH /api/admin/nests/{nest}: sub-gate -> body types -> perm
 * nests.update -> field rules (400) -> 409 nest with name already exists.
 * description null clears it. {} */
static void
handle_update(struct req *req)
{
	struct json_object *errs;
	struct db_arg args[5];
	struct nest n;

	if (!nest_gate(req, &n) ||
	    !nest_body_check(req, update_fields, NF(update_fields), &errs) ||
	    !gate_admin_permission(req, "nests.update") ||
	    !nest_rules_ok(req, errs))
		return;
	args[0] = nest_arg_str(req, "author");
	args[1] = nest_arg_str(req, "name");
	args[2] = DB_INT(nest_body_sent(req, "description"));
	args[3] = nest_arg_str(req, "description");
	args[4] = DB_STR(n.uuid);
	if (!nest_write(req, STMT_NEST_UPDATE, args, 5,
			"nest with name already exists"))
		return;
	activity_admin(req, "nest:update", nest_activity(req, n.uuid));
	response_json(req, 200, json_object_new_object());
}

/* A count from a one-cell result (0 when unreadable). */
static enum perr
count(struct req *req, enum stmt id, const char *arg, long long *out)
{
	struct db_arg args[1] = {DB_STR(arg)};
	struct db_res res;
	enum perr e = db_exec(req->db, id, args, 1, &res);

	*out = 0;
	if (e != PERR_OK)
		return e;
	if (res.nrows == 1 && db_cell(&res, 0, 0) != NULL)
		*out = strtoll(db_cell(&res, 0, 0), NULL, 10);
	db_res_free(&res);
	return PERR_OK;
}

/*
 * The nest's deletion in one transaction, the nest and its eggs locked (no
 * egg or server can join them meanwhile). *refusal is set to the 409 text
 * when the rules of contract 8.5 refuse it (nothing is deleted then).
 */
static enum perr
delete_nest(struct req *req, const char *uuid, bool delete_eggs,
	    const char **refusal)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	long long eggs = 0, servers = 0;
	enum perr e = db_tx_begin(req->db);

	*refusal = NULL;
	if (e != PERR_OK)
		return e;
	e = db_exec(req->db, STMT_NEST_LOCK, args, 1, NULL);
	if (e == PERR_OK)
		e = count(req, STMT_NEST_EGG_COUNT, uuid, &eggs);
	if (e == PERR_OK && eggs > 0 && !delete_eggs)
		*refusal = "nest has eggs, cannot delete";
	if (e == PERR_OK && *refusal == NULL && eggs > 0)
		e = count(req, STMT_NEST_SERVER_COUNT, uuid, &servers);
	if (e == PERR_OK && servers > 0)
		*refusal = "nest has eggs that are still in use, cannot delete";
	if (e == PERR_OK && *refusal == NULL && eggs > 0)
		e = db_exec(req->db, STMT_NEST_EGGS_DELETE, args, 1, NULL);
	if (e == PERR_OK && *refusal == NULL)
		e = db_exec(req->db, STMT_NEST_DELETE, args, 1, NULL);
	if (e == PERR_OK && *refusal == NULL)
		return db_tx_commit(req->db);
	db_tx_rollback(req->db);
	return e;
}

static const struct jfield delete_fields[] = {
	{"delete_eggs", JF_BOOL, false, false, 0, 0},
};

/* DELETE /api/admin/nests/{nest}, body {"delete_eggs": bool} (default
 * false; {} or an empty body allowed): sub-gate -> body types -> perm
 * nests.delete -> 409 nest has eggs, cannot delete / 409 nest has eggs
 * that are still in use, cannot delete. {} */
static void
handle_delete(struct req *req)
{
	struct json_object *errs, *d, *flag;
	const char *refusal;
	bool delete_eggs;
	struct nest n;
	enum perr e;

	if (!nest_gate(req, &n) ||
	    !nest_body_check(req, delete_fields, NF(delete_fields), &errs) ||
	    !gate_admin_permission(req, "nests.delete"))
		return;
	flag = nest_body_field(req, "delete_eggs");
	delete_eggs = flag != NULL && json_object_get_boolean(flag);
	e = delete_nest(req, n.uuid, delete_eggs, &refusal);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (refusal != NULL) {
		response_error(req, 409, refusal);
		return;
	}
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(n.uuid));
	ADD(d, "author", json_object_new_string(n.author));
	ADD(d, "name", json_object_new_string(n.name));
	ADD(d, "delete_eggs", json_object_new_boolean(delete_eggs));
	activity_admin(req, "nest:delete", d);
	response_json(req, 200, json_object_new_object());
}

#define NESTS "/api/admin/nests"

/* The literal /eggs row comes before /{nest}: the router takes the first
 * row whose pattern and method match. */
static const struct route routes[] = {
	{"GET", NESTS, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", NESTS, GATE_ADMIN, "nests.create", BODY_DEFAULT_MAX,
	 create_fields, NF(create_fields), handle_create,
	 ROUTE_MODEL_VALIDATION},
	{"GET", NESTS "/eggs", GATE_ADMIN, "eggs.read", BODY_NONE, NULL, 0,
	 handle_all_eggs, 0},
	{"GET", NESTS "/{nest}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_get, 0},
	{"PATCH", NESTS "/{nest}", GATE_ADMIN, NULL, BODY_DEFAULT_MAX, NULL, 0,
	 handle_update, 0},
	{"DELETE", NESTS "/{nest}", GATE_ADMIN, NULL, BODY_DEFAULT_MAX, NULL, 0,
	 handle_delete, 0},
};

const struct route_group handler_admin_nests_group = {routes, NF(routes)};
