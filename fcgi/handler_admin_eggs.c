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

/* The payload error of the walk over the nested config objects. */
struct walk {
	struct req *req;
	const char *err; /* "invalid payload: ..." once something failed */
};

static const char *
type_word(enum json_type t)
{
	switch (t) {
	case json_type_string:
		return "a string";
	case json_type_boolean:
		return "a boolean";
	case json_type_array:
		return "a sequence";
	case json_type_object:
		return "an object";
	default:
		return "a value";
	}
}

/* Fails the walk with a type error for path. */
static void *
bad_type(struct walk *w, const char *path, enum json_type t)
{
	w->err = arena_printf(&w->req->arena,
			      "invalid payload: invalid type for `%s`, "
			      "expected %s",
			      path, type_word(t));
	return NULL;
}

/* v has type t (strings also without a NUL); fails the walk otherwise. */
static bool
typed(struct walk *w, struct json_object *v, const char *path, enum json_type t)
{
	if (!json_object_is_type(v, t)) {
		bad_type(w, path, t);
		return false;
	}
	if (t == json_type_string &&
	    strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v)) {
		w->err = arena_printf(&w->req->arena,
				      "invalid payload: `%s` contains a NUL "
				      "character",
				      path);
		return false;
	}
	return true;
}

/*
 * Member key of object o (at path) of type t. Absent or null: *out NULL,
 * a missing-field error when required. False when the walk failed.
 */
static bool
member(struct walk *w, struct json_object *o, const char *path, const char *key,
       enum json_type t, bool required, struct json_object **out)
{
	const char *full = arena_printf(&w->req->arena, "%s.%s", path, key);
	struct json_object *v = NULL;

	*out = NULL;
	json_object_object_get_ex(o, key, &v);
	if (v == NULL) {
		if (required)
			w->err = arena_printf(&w->req->arena,
					      "invalid payload: missing field "
					      "`%s`",
					      full);
		return !required;
	}
	if (!typed(w, v, full, t))
		return false;
	*out = v;
	return true;
}

/* A boolean member with a default (absent or null = def). */
static bool
flag(struct walk *w, struct json_object *o, const char *path, const char *key,
     bool def, struct json_object *dst)
{
	struct json_object *v;

	if (!member(w, o, path, key, json_type_boolean, false, &v))
		return false;
	ADD(dst, key,
	    json_object_new_boolean(v ? json_object_get_boolean(v) : def));
	return true;
}

/* A string member copied into dst (null when absent and optional). */
static bool
text(struct walk *w, struct json_object *o, const char *path, const char *key,
     bool required, struct json_object *dst)
{
	struct json_object *v;

	if (!member(w, o, path, key, json_type_string, required, &v))
		return false;
	ADD(dst, key, json_object_get(v));
	return true;
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

/* config_files[i].replace[j]: {match, insert_new, update_existing,
 * if_value, replace_with} */
static struct json_object *
norm_replace(struct walk *w, struct json_object *r, const char *path)
{
	struct json_object *o, *with;

	if (!json_object_is_type(r, json_type_object))
		return bad_type(w, path, json_type_object);
	o = req_own(w->req, json_object_new_object());
	if (!text(w, r, path, "match", true, o) ||
	    !flag(w, r, path, "insert_new", false, o) ||
	    !flag(w, r, path, "update_existing", true, o) ||
	    !text(w, r, path, "if_value", false, o))
		return NULL;
	if (!json_object_object_get_ex(r, "replace_with", &with)) {
		w->err = arena_printf(&w->req->arena,
				      "invalid payload: missing field "
				      "`%s.replace_with`",
				      path);
		return NULL;
	}
	ADD(o, "replace_with", json_object_get(with));
	return json_object_get(o);
}

/* config_files[i]: {file, create_new, parser, replace} */
static struct json_object *
norm_file(struct walk *w, struct json_object *f, const char *path)
{
	struct json_object *o, *rep, *list;
	size_t i, n;

	if (!json_object_is_type(f, json_type_object))
		return bad_type(w, path, json_type_object);
	o = req_own(w->req, json_object_new_object());
	if (!text(w, f, path, "file", true, o) ||
	    !flag(w, f, path, "create_new", true, o) ||
	    !text(w, f, path, "parser", true, o) || !parser_ok(w, f, path) ||
	    !member(w, f, path, "replace", json_type_array, true, &rep))
		return NULL;
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

	if (!typed(w, v, "config_files", json_type_array))
		return NULL;
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

/* config_startup: {done: [string] (a single string allowed), strip_ansi} */
static struct json_object *
norm_startup(struct walk *w, struct json_object *v)
{
	struct json_object *o = req_own(w->req, json_object_new_object());
	struct json_object *done = NULL, *list = json_object_new_array();
	size_t i, n;

	ADD(o, "done", list);
	json_object_object_get_ex(v, "done", &done);
	if (done != NULL && json_object_is_type(done, json_type_string)) {
		if (!typed(w, done, "config_startup.done", json_type_string))
			return NULL;
		json_object_array_add(list, json_object_get(done));
	} else if (done != NULL) {
		if (!typed(w, done, "config_startup.done", json_type_array))
			return NULL;
		n = json_object_array_length(done);
		for (i = 0; i < n; i++) {
			struct json_object *e =
				json_object_array_get_idx(done, i);

			if (!typed(w, e,
				   arena_printf(&w->req->arena,
						"config_startup.done[%zu]", i),
				   json_type_string))
				return NULL;
			json_object_array_add(list, json_object_get(e));
		}
	}
	if (!flag(w, v, "config_startup", "strip_ansi", false, o))
		return NULL;
	return o;
}

/* config_stop: {type, value?} */
static struct json_object *
norm_stop(struct walk *w, struct json_object *v)
{
	struct json_object *o = req_own(w->req, json_object_new_object());

	if (!text(w, v, "config_stop", "type", true, o) ||
	    !text(w, v, "config_stop", "value", false, o))
		return NULL;
	return o;
}

/* config_script: {container, entrypoint, content} ("script" = content;
 * null content = "") */
static struct json_object *
norm_script(struct walk *w, struct json_object *v)
{
	struct json_object *o = req_own(w->req, json_object_new_object());
	struct json_object *c = NULL;
	const char *key = "content";

	if (!text(w, v, "config_script", "container", true, o) ||
	    !text(w, v, "config_script", "entrypoint", true, o))
		return NULL;
	if (!json_object_object_get_ex(v, key, NULL))
		key = "script";
	if (!json_object_object_get_ex(v, key, NULL)) {
		w->err = "invalid payload: missing field "
			 "`config_script.content`";
		return NULL;
	}
	if (!member(w, v, "config_script", key, json_type_string, false, &c))
		return NULL;
	ADD(o, "content", c ? json_object_get(c) : json_object_new_string(""));
	return o;
}

/*
 * An ordered name -> string map copied in its order; the first value seen
 * twice is reported as "<name>: <dup_msg> <value>" (a rule error).
 */
static struct json_object *
norm_map(struct walk *w, struct json_object *v, const char *name,
	 const char *dup_msg, struct json_object **errs)
{
	struct json_object *o = req_own(w->req, json_object_new_object());
	struct json_object *seen = json_object_new_object();
	const char *dup = NULL;

	json_object_object_foreach(v, key, val)
	{
		const char *s;

		if (!typed(w, val,
			   arena_printf(&w->req->arena, "%s.%s", name, key),
			   json_type_string)) {
			json_object_put(seen);
			return NULL;
		}
		s = json_object_get_string(val);
		if (dup == NULL && json_object_object_get_ex(seen, s, NULL))
			dup = arena_strdup(&w->req->arena, s);
		json_object_object_add(seen, s, NULL);
		ADD(o, key, json_object_get(val));
	}
	json_object_put(seen);
	if (dup != NULL)
		nest_rule_add(w->req, errs,
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
	struct walk w = {req, NULL};
	struct json_object *v;
	char uuid[CRYPTO_UUID_BUFSZ];

	memset(in, 0, sizeof(*in));
	if (!nest_body_check(req, fields, nfields, errs))
		return false;
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
			in->commands =
				norm_map(&w, v, "startup_commands",
					 "duplicate startup command:", errs);
		if (in->commands != NULL &&
		    json_object_object_length(in->commands) == 0)
			nest_rule_add(req, errs,
				      "startup_commands: at least one startup "
				      "command is required");
		v = nest_body_field(req, "docker_images");
		if (w.err == NULL && v != NULL)
			in->images = norm_map(&w, v, "docker_images",
					      "duplicate docker image:", errs);
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

/* A body field's JSON text (arrays), or NULL. */
static struct db_arg
json_arg(struct req *req, const char *key)
{
	struct json_object *v = nest_body_field(req, key);

	return v ? DB_STR(nest_json_text(v)) : DB_NULL;
}

static struct db_arg
str_arg(struct req *req, const char *key)
{
	struct json_object *v = nest_body_field(req, key);

	return v ? DB_STR(json_object_get_string(v)) : DB_NULL;
}

static struct db_arg
bool_arg(struct req *req, const char *key)
{
	struct json_object *v = nest_body_field(req, key);

	return v ? DB_INT(json_object_get_boolean(v)) : DB_NULL;
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
	struct db_arg args[15];
	struct egg_in in;
	struct nest n;
	enum perr e;

	if (!nest_gate(req, &n) ||
	    !egg_body(req, create_fields, NF(create_fields), true, &in,
		      &errs) ||
	    !nest_rules_ok(req, errs) ||
	    !gate_admin_permission(req, "eggs.create") || !no_repository(req))
		return;
	crypto_uuid_v4(uuid);
	args[0] = DB_STR(uuid);
	args[1] = DB_STR(n.uuid);
	args[2] = str_arg(req, "name");
	args[3] = str_arg(req, "description");
	args[4] = str_arg(req, "author");
	args[5] = DB_STR(part_text(in.files));
	args[6] = DB_STR(part_text(in.startup));
	args[7] = DB_STR(part_text(in.stop));
	args[8] = DB_STR(part_text(in.script));
	args[9] = DB_STR(part_text(in.commands));
	args[10] = bool_arg(req, "force_outgoing_ip");
	args[11] = bool_arg(req, "separate_port");
	args[12] = json_arg(req, "features");
	args[13] = DB_STR(part_text(in.images));
	args[14] = json_arg(req, "file_denylist");
	e = db_exec(req->db, STMT_EGG_INSERT, args, 15, NULL);
	if (e == PERR_CONFLICT) {
		response_error(req, 409, "egg with name already exists");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
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
	struct db_arg args[16];
	struct egg_in in;
	struct nest n;
	struct egg g;
	enum perr e;

	if (!nest_gate(req, &n) || !egg_gate(req, &n, &g) ||
	    !egg_body(req, update_fields, NF(update_fields), false, &in,
		      &errs) ||
	    !gate_admin_permission(req, "eggs.update") ||
	    !nest_rules_ok(req, errs) || !no_repository(req))
		return;
	args[0] = str_arg(req, "name");
	args[1] = DB_INT(nest_body_sent(req, "description"));
	args[2] = str_arg(req, "description");
	args[3] = str_arg(req, "author");
	args[4] = DB_STR_OR_NULL(part_text(in.files));
	args[5] = DB_STR_OR_NULL(part_text(in.startup));
	args[6] = DB_STR_OR_NULL(part_text(in.stop));
	args[7] = DB_STR_OR_NULL(part_text(in.script));
	args[8] = DB_STR_OR_NULL(part_text(in.commands));
	args[9] = bool_arg(req, "force_outgoing_ip");
	args[10] = bool_arg(req, "separate_port");
	args[11] = json_arg(req, "features");
	args[12] = DB_STR_OR_NULL(part_text(in.images));
	args[13] = json_arg(req, "file_denylist");
	args[14] = DB_INT(nest_body_sent(req, "egg_repository_egg_uuid"));
	args[15] = DB_STR(g.uuid);
	e = db_exec(req->db, STMT_EGG_UPDATE, args, 16, NULL);
	if (e == PERR_CONFLICT) {
		response_error(req, 409, "egg with name already exists");
		return;
	}
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
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
