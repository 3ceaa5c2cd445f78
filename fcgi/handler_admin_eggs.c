/*
 * handler_admin_eggs.c: /api/admin/nests/{nest}/eggs (contract 8.6, object
 * AdminEgg of 3.10). Client gate, admin gate, the nest sub-gate (nests.read)
 * and for one egg the egg sub-gate (eggs.read), then admin permissions
 * eggs.*.
 *
 * Bodies: the config objects are rebuilt in their contract shape (unknown
 * keys dropped, defaults filled in: create_new true, insert_new false,
 * update_existing true, if_value null, strip_ansi false; config_startup.done
 * may be a single string; config_script.script is an alias of content).
 * startup_commands and docker_images keep the key order they were sent in.
 *
 * Egg repositories are out of scope: any egg_repository_egg_uuid is
 * 400 invalid relation `egg_repository_egg` provided.
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
/* install scripts and config file rules make eggs larger than most */
#define EGG_BODY_MAX (1024 * 1024)
#define MAX_LIST 4096

/* ---- body shapes --------------------------------------------------------- */

/* The walk over the nested config objects. */
struct walk {
	struct req *req;
	const char *err;	   /* "invalid payload: ..." once it failed */
	struct json_object **errs; /* rule errors (NUL characters, ...) */
};

/* Fails the walk with a type error for path; NULL. */
static void *
bad_type(struct walk *w, const char *path, const char *what)
{
	w->err = arena_printf(&w->req->arena,
			      "invalid payload: invalid type for `%s`, "
			      "expected %s",
			      path, what);
	return NULL;
}

/* o (at path) is an object whose members fit fields. */
static bool
shape(struct walk *w, struct json_object *o, const char *path,
      const struct jfield *fields, size_t n)
{
	if (!json_object_is_type(o, json_type_object)) {
		bad_type(w, path, "an object");
		return false;
	}
	return json_validate_into(o, fields, n, path, &w->req->arena, &w->err,
				  w->errs);
}

/* dst[key] = src[key] (shared), or def (taken; NULL = JSON null) when it
 * is absent or null. */
static void
copy(struct json_object *dst, struct json_object *src, const char *key,
     struct json_object *def)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(src, key, &v);
	if (v != NULL) {
		json_object_put(def);
		def = json_object_get(v);
	}
	ADD(dst, key, def);
}

/* The member key of o that must be present (any value, null too). */
static bool
present(struct walk *w, struct json_object *o, const char *path,
	const char *key, struct json_object **out)
{
	if (json_object_object_get_ex(o, key, out))
		return true;
	w->err = arena_printf(&w->req->arena,
			      "invalid payload: missing field `%s.%s`", path,
			      key);
	return false;
}

static const char *const parsers[] = {"file", "yaml", "properties", "ini",
				      "json", "xml",  "toml"};

static bool
parser_ok(struct walk *w, struct json_object *item, const char *path)
{
	const char *p;
	size_t i;

	json_object_object_get_ex(item, "parser", &item);
	p = json_object_get_string(item);
	for (i = 0; i < NF(parsers); i++)
		if (strcmp(p, parsers[i]) == 0)
			return true;
	w->err = arena_printf(&w->req->arena,
			      "invalid payload: unknown variant `%s` for "
			      "`%s.parser`, expected one of `file`, `yaml`, "
			      "`properties`, `ini`, `json`, `xml`, `toml`",
			      p, path);
	return false;
}

static const struct jfield replace_fields[] = {
	{"match", JF_STRING, true, false, 0, 0},
	{"insert_new", JF_BOOL, false, false, 0, 0},
	{"update_existing", JF_BOOL, false, false, 0, 0},
	{"if_value", JF_STRING, false, true, 0, 0},
};

/* config_files[i].replace[j]: {match, insert_new, update_existing,
 * if_value, replace_with} */
static struct json_object *
norm_replace(struct walk *w, struct json_object *r, const char *path)
{
	struct json_object *o, *with;

	if (!shape(w, r, path, replace_fields, NF(replace_fields)) ||
	    !present(w, r, path, "replace_with", &with))
		return NULL;
	o = json_object_new_object();
	copy(o, r, "match", NULL);
	copy(o, r, "insert_new", json_object_new_boolean(false));
	copy(o, r, "update_existing", json_object_new_boolean(true));
	copy(o, r, "if_value", NULL);
	ADD(o, "replace_with", json_object_get(with));
	return o;
}

static const struct jfield file_fields[] = {
	{"file", JF_STRING, true, false, 0, 0},
	{"create_new", JF_BOOL, false, false, 0, 0},
	{"parser", JF_STRING, true, false, 0, 0},
};

/* config_files[i]: {file, create_new, parser, replace} */
static struct json_object *
norm_file(struct walk *w, struct json_object *f, const char *path)
{
	struct json_object *o, *rep, *list;
	size_t i, n;

	if (!shape(w, f, path, file_fields, NF(file_fields)) ||
	    !parser_ok(w, f, path) || !present(w, f, path, "replace", &rep))
		return NULL;
	if (!json_object_is_type(rep, json_type_array))
		return bad_type(
			w, arena_printf(&w->req->arena, "%s.replace", path),
			"a sequence");
	o = req_own(w->req, json_object_new_object());
	copy(o, f, "file", NULL);
	copy(o, f, "create_new", json_object_new_boolean(true));
	copy(o, f, "parser", NULL);
	list = json_object_new_array();
	ADD(o, "replace", list);
	n = json_object_array_length(rep);
	for (i = 0; i < n; i++) {
		struct json_object *r =
			norm_replace(w, json_object_array_get_idx(rep, i),
				     arena_printf(&w->req->arena,
						  "%s.replace[%zu]", path, i));

		if (r == NULL)
			return NULL;
		json_object_array_add(list, r);
	}
	return json_object_get(o);
}

static struct json_object *
norm_config_files(struct walk *w, struct json_object *v)
{
	struct json_object *list;
	size_t i, n;

	if (!json_object_is_type(v, json_type_array))
		return bad_type(w, "config_files", "a sequence");
	list = req_own(w->req, json_object_new_array());
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		struct json_object *f = norm_file(
			w, json_object_array_get_idx(v, i),
			arena_printf(&w->req->arena, "config_files[%zu]", i));

		if (f == NULL)
			return NULL;
		json_object_array_add(list, f);
	}
	return list;
}

static const struct jfield startup_fields[] = {
	{"done", JF_STRING_ARRAY, false, false, 0, MAX_LIST},
	{"strip_ansi", JF_BOOL, false, false, 0, 0},
};
static const struct jfield startup_one_fields[] = {
	{"done", JF_STRING, false, false, 0, 0},
	{"strip_ansi", JF_BOOL, false, false, 0, 0},
};

/* config_startup: {done: [string] (a single string allowed), strip_ansi} */
static struct json_object *
norm_startup(struct walk *w, struct json_object *v)
{
	struct json_object *o, *done = NULL;
	bool one;

	json_object_object_get_ex(v, "done", &done);
	one = json_object_is_type(done, json_type_string);
	if (!shape(w, v, "config_startup",
		   one ? startup_one_fields : startup_fields,
		   one ? NF(startup_one_fields) : NF(startup_fields)))
		return NULL;
	o = req_own(w->req, json_object_new_object());
	if (one) {
		struct json_object *list = json_object_new_array();

		json_object_array_add(list, json_object_get(done));
		ADD(o, "done", list);
	} else {
		copy(o, v, "done", json_object_new_array());
	}
	copy(o, v, "strip_ansi", json_object_new_boolean(false));
	return o;
}

static const struct jfield stop_fields[] = {
	{"type", JF_STRING, true, false, 0, 0},
	{"value", JF_STRING, false, true, 0, 0},
};

/* config_stop: {type, value?} */
static struct json_object *
norm_stop(struct walk *w, struct json_object *v)
{
	struct json_object *o;

	if (!shape(w, v, "config_stop", stop_fields, NF(stop_fields)))
		return NULL;
	o = req_own(w->req, json_object_new_object());
	copy(o, v, "type", NULL);
	copy(o, v, "value", NULL);
	return o;
}

static const struct jfield script_fields[] = {
	{"container", JF_STRING, true, false, 0, 0},
	{"entrypoint", JF_STRING, true, false, 0, 0},
	{"content", JF_STRING, false, true, 0, 0},
	{"script", JF_STRING, false, true, 0, 0},
};

/* config_script: {container, entrypoint, content} ("script" = content;
 * null content = "") */
static struct json_object *
norm_script(struct walk *w, struct json_object *v)
{
	struct json_object *o, *c;
	const char *key = "content";

	if (!json_object_object_get_ex(v, key, NULL))
		key = "script";
	if (!shape(w, v, "config_script", script_fields, NF(script_fields)) ||
	    !present(w, v, "config_script", key, &c)) {
		if (w->err != NULL && strcmp(key, "script") == 0)
			w->err = "invalid payload: missing field "
				 "`config_script.content`";
		return NULL;
	}
	o = req_own(w->req, json_object_new_object());
	copy(o, v, "container", NULL);
	copy(o, v, "entrypoint", NULL);
	ADD(o, "content", c ? json_object_get(c) : json_object_new_string(""));
	return o;
}

/*
 * An ordered name -> string map copied in its order; the first value seen
 * twice is reported as "<name>: <dup_msg> <value>" (a rule error).
 */
static struct json_object *
norm_map(struct walk *w, struct json_object *v, const char *name,
	 const char *dup_msg)
{
	struct json_object *o = req_own(w->req, json_object_new_object());
	struct json_object *seen = json_object_new_object();
	const char *dup = NULL;

	json_object_object_foreach(v, key, val)
	{
		const char *s;

		if (!json_object_is_type(val, json_type_string)) {
			json_object_put(seen);
			return bad_type(w,
					arena_printf(&w->req->arena, "%s.%s",
						     name, key),
					"a string");
		}
		s = json_object_get_string(val);
		if (strlen(s) != (size_t)json_object_get_string_len(val))
			nest_rule_add(w->req, w->errs,
				      arena_printf(&w->req->arena,
						   "%s.%s: contains a NUL "
						   "character",
						   name, key));
		else if (dup == NULL &&
			 json_object_object_get_ex(seen, s, NULL))
			dup = arena_strdup(&w->req->arena, s);
		json_object_object_add(seen, s, NULL);
		ADD(o, key, json_object_get(val));
	}
	json_object_put(seen);
	if (dup != NULL)
		nest_rule_add(w->req, w->errs,
			      arena_printf(&w->req->arena, "%s: %s %s", name,
					   dup_msg, dup));
	return o;
}

/* The config parts of an egg body, rebuilt; NULL = not sent. */
struct egg_in {
	struct json_object *files, *startup, *stop, *script, *commands, *images;
};

/* One optional part: absent or null leaves *out NULL. */
static bool
part(struct walk *w, const char *key, bool required,
     struct json_object *(*norm)(struct walk *, struct json_object *),
     struct json_object **out)
{
	struct json_object *v = nest_body_field(w->req, key);

	*out = NULL;
	if (v == NULL) {
		if (required)
			w->err = arena_printf(&w->req->arena,
					      "invalid payload: missing field "
					      "`%s`",
					      key);
		return !required;
	}
	*out = norm(w, v);
	return *out != NULL;
}

/*
 * Checks an egg body: the field table's types, then the config objects'
 * shapes (each answered 400 "invalid payload: ..."), then collects the rule
 * errors (lengths, startup commands, duplicate values) in *errs for the
 * caller to answer. False after answering.
 */
static bool
egg_body(struct req *req, const struct jfield *fields, size_t nfields,
	 bool create, struct egg_in *in, struct json_object **errs)
{
	struct walk w = {req, NULL, errs};
	struct json_object *v;
	char uuid[CRYPTO_UUID_BUFSZ];

	memset(in, 0, sizeof(*in));
	if (!nest_body_check(req, fields, nfields, errs))
		return false;
	if (*errs == NULL)
		*errs = req_own(req, json_object_new_array());
	v = nest_body_field(req, "egg_repository_egg_uuid");
	if (v != NULL && !uuid_normalize(json_object_get_string(v), uuid))
		w.err = "invalid payload: egg_repository_egg_uuid: invalid "
			"UUID";
	if (w.err == NULL &&
	    part(&w, "config_files", create, norm_config_files, &in->files) &&
	    part(&w, "config_startup", create, norm_startup, &in->startup) &&
	    part(&w, "config_stop", create, norm_stop, &in->stop) &&
	    part(&w, "config_script", create, norm_script, &in->script)) {
		v = nest_body_field(req, "startup_commands");
		if (v != NULL)
			in->commands = norm_map(&w, v, "startup_commands",
						"duplicate startup command:");
		if (in->commands != NULL &&
		    json_object_object_length(in->commands) == 0)
			nest_rule_add(req, errs,
				      "startup_commands: at least one startup "
				      "command is required");
		v = nest_body_field(req, "docker_images");
		if (w.err == NULL && v != NULL)
			in->images = norm_map(&w, v, "docker_images",
					      "duplicate docker image:");
	}
	if (w.err != NULL) {
		response_error(req, 400, w.err);
		return false;
	}
	return true;
}

/* 400 invalid relation when an egg repository egg is named. */
static bool
no_repository(struct req *req)
{
	if (nest_body_field(req, "egg_repository_egg_uuid") == NULL)
		return true;
	response_error(req, 400,
		       "invalid relation `egg_repository_egg` provided");
	return false;
}

/* ---- answers ------------------------------------------------------------- */

/* The AdminEgg uuid of nest (new), or NULL after answering the failure. */
static struct json_object *
egg_load(struct req *req, const char *nest_uuid, const char *uuid)
{
	struct db_arg args[2] = {DB_STR(nest_uuid), DB_STR(uuid)};
	struct json_object *o;
	struct db_res res;
	enum perr e = db_exec(req->db, STMT_EGG_GET, args, 2, &res);

	if (e != PERR_OK || res.nrows != 1) {
		if (e == PERR_OK)
			db_res_free(&res);
		response_fail(req, e == PERR_OK ? PERR_DB : e);
		return NULL;
	}
	o = egg_json(&res, 0, 0);
	db_res_free(&res);
	return o;
}

/* The activity data of egg create and update: the egg as it is now. */
static struct json_object *
egg_activity(struct json_object *egg, const char *nest_uuid)
{
	static const char *const keys[] = {"author",
					   "name",
					   "description",
					   "config_files",
					   "config_startup",
					   "config_stop",
					   "config_script",
					   "startup_commands",
					   "force_outgoing_ip",
					   "separate_port",
					   "features",
					   "docker_images",
					   "file_denylist"};
	struct json_object *d = json_object_new_object(), *v;
	size_t i;

	json_object_object_get_ex(egg, "uuid", &v);
	ADD(d, "uuid", json_object_get(v));
	ADD(d, "nest_uuid", json_object_new_string(nest_uuid));
	ADD(d, "egg_repository_egg_uuid", NULL);
	for (i = 0; i < NF(keys); i++) {
		json_object_object_get_ex(egg, keys[i], &v);
		ADD(d, keys[i], json_object_get(v));
	}
	return d;
}

/* Text of a rebuilt part, or NULL (not sent). */
static const char *
part_text(struct json_object *o)
{
	return o != NULL ? nest_json_text(o) : NULL;
}

/* The EGG_FIELDS arguments of the insert and the update (db_stmt.c):
 * author, name, the config parts, startup_commands, force_outgoing_ip,
 * separate_port, features, docker_images, file_denylist; NULL = not sent. */
#define EGG_NFIELDS 12
static void
egg_field_args(struct req *req, const struct egg_in *in, struct db_arg *a)
{
	a[0] = nest_arg_str(req, "author");
	a[1] = nest_arg_str(req, "name");
	a[2] = DB_STR_OR_NULL(part_text(in->files));
	a[3] = DB_STR_OR_NULL(part_text(in->startup));
	a[4] = DB_STR_OR_NULL(part_text(in->stop));
	a[5] = DB_STR_OR_NULL(part_text(in->script));
	a[6] = DB_STR_OR_NULL(part_text(in->commands));
	a[7] = nest_arg_int(req, "force_outgoing_ip");
	a[8] = nest_arg_int(req, "separate_port");
	a[9] = nest_arg_json(req, "features");
	a[10] = DB_STR_OR_NULL(part_text(in->images));
	a[11] = nest_arg_json(req, "file_denylist");
}

/* ---- routes -------------------------------------------------------------- */

static struct json_object *
egg_row(struct req *req, const struct db_res *res, size_t row)
{
	(void)req;
	return egg_json(res, row, 0);
}

/* GET /api/admin/nests/{nest}/eggs: nest sub-gate -> pagination (400) ->
 * perm eggs.read; search on the name, oldest first.
 * {"eggs": Pagination<AdminEgg>} */
static void
handle_list(struct req *req)
{
	struct db_arg args[5];
	struct page pg;
	struct nest n;

	if (!nest_gate(req, &n) || !page_parse(req, &pg) ||
	    !gate_admin_permission(req, "eggs.read"))
		return;
	args[0] = DB_STR(n.uuid);
	args[1] = DB_STR_OR_NULL(pg.search);
	args[2] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, STMT_EGG_LIST, args, 5, "eggs", egg_row);
}

#define EGG_FIELDS(req_, name_min, desc_null)                                  \
	{"egg_repository_egg_uuid", JF_STRING, false, true, 0, 0},             \
		{"author", JF_STRING, req_, false, 2, 255},                    \
		{"name", JF_STRING, req_, false, name_min, 255},               \
		{"description", JF_STRING, false, desc_null, 1, 1024},         \
		{"config_startup", JF_OBJECT, req_, false, 0, 0},              \
		{"config_stop", JF_OBJECT, req_, false, 0, 0},                 \
		{"config_script", JF_OBJECT, req_, false, 0, 0},               \
		{"startup_commands", JF_OBJECT, req_, false, 0, 0},            \
		{"force_outgoing_ip", JF_BOOL, req_, false, 0, 0},             \
		{"separate_port", JF_BOOL, req_, false, 0, 0},                 \
		{"features", JF_STRING_ARRAY, req_, false, 0, MAX_LIST},       \
		{"docker_images", JF_OBJECT, req_, false, 0, 0},               \
	{                                                                      \
		"file_denylist", JF_STRING_ARRAY, req_, false, 0, MAX_LIST     \
	}

static const struct jfield create_fields[] = {EGG_FIELDS(true, 3, false)};
static const struct jfield update_fields[] = {EGG_FIELDS(false, 3, true)};

/* POST /api/admin/nests/{nest}/eggs: nest sub-gate -> body types and
 * rules (400, before the permission) -> perm eggs.create -> relation ->
 * 409 egg with name already exists. {"egg": AdminEgg} */
static void
handle_create(struct req *req)
{
	struct json_object *errs, *egg, *o;
	char uuid[CRYPTO_UUID_BUFSZ];
	struct db_arg args[3 + EGG_NFIELDS];
	struct egg_in in;
	struct nest n;

	if (!nest_gate(req, &n) ||
	    !egg_body(req, create_fields, NF(create_fields), true, &in,
		      &errs) ||
	    !nest_rules_ok(req, errs) ||
	    !gate_admin_permission(req, "eggs.create") || !no_repository(req))
		return;
	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(n.uuid);
	egg_field_args(req, &in, args + 2);
	args[2 + EGG_NFIELDS] = nest_arg_str(req, "description");
	if (!nest_write(req, STMT_EGG_INSERT, args, 3 + EGG_NFIELDS,
			"egg with name already exists"))
		return;
	egg = egg_load(req, n.uuid, uuid);
	if (egg == NULL)
		return;
	activity_admin(req, "nest:egg.create", egg_activity(egg, n.uuid));
	o = json_object_new_object();
	ADD(o, "egg", egg);
	response_json(req, 200, o);
}

/* GET /api/admin/nests/{nest}/eggs/{egg}: the sub-gates.
 * {"egg": AdminEgg} */
static void
handle_get(struct req *req)
{
	struct json_object *o;
	struct nest n;
	struct egg g;

	if (!nest_gate(req, &n) || !egg_gate(req, &n, &g))
		return;
	o = json_object_new_object();
	ADD(o, "egg", json_object_get(g.json));
	response_json(req, 200, o);
}

/* PATCH /api/admin/nests/{nest}/eggs/{egg}: sub-gates -> body types ->
 * perm eggs.update -> rules (400) -> relation -> 409 egg with name already
 * exists. Every field optional; description and egg_repository_egg_uuid
 * null clear. {} */
static void
handle_update(struct req *req)
{
	struct json_object *errs, *egg;
	struct db_arg args[EGG_NFIELDS + 4];
	struct egg_in in;
	struct nest n;
	struct egg g;

	if (!nest_gate(req, &n) || !egg_gate(req, &n, &g) ||
	    !egg_body(req, update_fields, NF(update_fields), false, &in,
		      &errs) ||
	    !gate_admin_permission(req, "eggs.update") ||
	    !nest_rules_ok(req, errs) || !no_repository(req))
		return;
	egg_field_args(req, &in, args);
	args[EGG_NFIELDS] = DB_INT(nest_body_sent(req, "description"));
	args[EGG_NFIELDS + 1] = nest_arg_str(req, "description");
	args[EGG_NFIELDS + 2] =
		DB_INT(nest_body_sent(req, "egg_repository_egg_uuid"));
	args[EGG_NFIELDS + 3] = DB_STR(g.uuid);
	if (!nest_write(req, STMT_EGG_UPDATE, args, EGG_NFIELDS + 4,
			"egg with name already exists"))
		return;
	egg = egg_load(req, n.uuid, g.uuid);
	if (egg == NULL)
		return;
	activity_admin(req, "nest:egg.update", egg_activity(egg, n.uuid));
	json_object_put(egg);
	response_json(req, 200, json_object_new_object());
}

/* Deletes the egg unless a server uses it (*in_use); the egg row is
 * locked meanwhile, so no server can take it between check and delete. */
static enum perr
delete_egg(struct req *req, const char *uuid, bool *in_use)
{
	struct db_arg args[1] = {DB_STR(uuid)};
	struct db_res res;
	enum perr e = db_tx_begin(req->db);

	*in_use = false;
	if (e != PERR_OK)
		return e;
	e = db_exec(req->db, STMT_EGG_LOCK, args, 1, NULL);
	if (e == PERR_OK)
		e = db_exec(req->db, STMT_EGG_SERVER_COUNT, args, 1, &res);
	if (e == PERR_OK) {
		*in_use = res.nrows == 1 && db_cell(&res, 0, 0) != NULL &&
			  strcmp(db_cell(&res, 0, 0), "0") != 0;
		db_res_free(&res);
	}
	if (e == PERR_OK && !*in_use)
		e = db_exec(req->db, STMT_EGG_DELETE, args, 1, NULL);
	if (e == PERR_OK && !*in_use)
		return db_tx_commit(req->db);
	db_tx_rollback(req->db);
	return e;
}

/* DELETE /api/admin/nests/{nest}/eggs/{egg}: sub-gates -> perm
 * eggs.delete -> 409 egg has servers, cannot delete. {} */
static void
handle_delete(struct req *req)
{
	struct json_object *d;
	struct nest n;
	struct egg g;
	bool in_use;
	enum perr e;

	if (!nest_gate(req, &n) || !egg_gate(req, &n, &g) ||
	    !gate_admin_permission(req, "eggs.delete"))
		return;
	e = delete_egg(req, g.uuid, &in_use);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (in_use) {
		response_error(req, 409, "egg has servers, cannot delete");
		return;
	}
	d = json_object_new_object();
	ADD(d, "uuid", json_object_new_string(g.uuid));
	ADD(d, "nest_uuid", json_object_new_string(n.uuid));
	ADD(d, "author", json_object_new_string(g.author));
	ADD(d, "name", json_object_new_string(g.name));
	activity_admin(req, "nest:egg.delete", d);
	response_json(req, 200, json_object_new_object());
}

#define EGGS "/api/admin/nests/{nest}/eggs"

static const struct route routes[] = {
	{"GET", EGGS, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"POST", EGGS, GATE_ADMIN, NULL, EGG_BODY_MAX, NULL, 0, handle_create,
	 0},
	{"GET", EGGS "/{egg}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_get,
	 0},
	{"PATCH", EGGS "/{egg}", GATE_ADMIN, NULL, EGG_BODY_MAX, NULL, 0,
	 handle_update, 0},
	{"DELETE", EGGS "/{egg}", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_delete, 0},
};

const struct route_group handler_admin_eggs_group = {routes, NF(routes)};
