/* admin_rules.c: see admin_rules.h. */
#include "autoconf.h"

#include <string.h>

#include <json-c/json.h>

#include "admin_rules.h"
#include "db.h"
#include "gate.h"
#include "json.h"
#include "request.h"
#include "row.h"
#include "response.h"

bool
admin_caller_restricted(const struct req *req)
{
	const struct principal *p = req->principal;

	return !p->user.admin || p->method == AUTH_APIKEY;
}

/* Every entry of list is in the caller's own list (role, unless the admin
 * flag grants all) and, for a key, in the key's list. */
static bool
holds_all(const struct principal *p, struct json_object *list,
	  struct json_object *role, struct json_object *key)
{
	if (!p->user.admin && !perm_list_subset(list, role, NULL))
		return false;
	return p->method != AUTH_APIKEY || perm_list_subset(list, key, NULL);
}

bool
admin_caller_holds_all(const struct req *req, struct json_object *admin,
		       struct json_object *server)
{
	const struct principal *p = req->principal;

	return holds_all(p, admin, p->user.role_admin_permissions,
			 p->key_admin) &&
	       holds_all(p, server, p->user.role_server_permissions,
			 p->key_server);
}

bool
admin_deny(struct req *req, const char *msg)
{
	response_error(req, 403, msg);
	return false;
}

struct json_object *
admin_field(const struct req *req, const char *name)
{
	struct json_object *v = NULL;

	if (req->json == NULL)
		return NULL;
	json_object_object_get_ex(req->json, name, &v);
	return v;
}

bool
admin_field_sent(const struct req *req, const char *name)
{
	return req->json != NULL &&
	       json_object_object_get_ex(req->json, name, NULL);
}

bool
admin_field_bool(const struct req *req, const char *name, bool def)
{
	struct json_object *v = admin_field(req, name);

	return v != NULL ? json_object_get_boolean(v) : def;
}

bool
admin_field_uuid(struct req *req, const char *name, char out[37], bool *given)
{
	struct json_object *v = admin_field(req, name);

	*given = v != NULL;
	if (v == NULL || uuid_normalize(json_object_get_string(v), out))
		return true;
	response_error(req, 400,
		       arena_printf(&req->arena,
				    "invalid payload: invalid type for `%s`, "
				    "expected a UUID",
				    name));
	return false;
}

void
admin_rule(struct req *req, struct json_object *errs, const char *name,
	   const char *msg)
{
	json_object_array_add(errs, json_object_new_string(arena_printf(
					    &req->arena, "%s: %s", name, msg)));
}

void
admin_rule_len(struct req *req, struct json_object *errs, const char *name,
	       const char *value, size_t min, size_t max, bool bytes)
{
	size_t n = bytes ? strlen(value) : utf8_chars(value, strlen(value));

	if (n < min)
		admin_rule(req, errs, name,
			   arena_printf(&req->arena, "length is lower than %zu",
					min));
	if (n > max)
		admin_rule(req, errs, name,
			   arena_printf(&req->arena,
					"length is greater than %zu", max));
}

void
admin_rule_field(struct req *req, struct json_object *errs, const char *name,
		 size_t min, size_t max)
{
	const char *s = req_body_str(req, name, NULL);

	if (s != NULL)
		admin_rule_len(req, errs, name, s, min, max, false);
}

void
admin_rule_perms(struct req *req, struct json_object *errs, const char *name,
		 enum perm_family f, struct json_object *list)
{
	size_t i, n = list != NULL ? json_object_array_length(list) : 0;

	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(list, i));

		if (!perm_valid(f, s))
			admin_rule(req, errs, name,
				   arena_printf(&req->arena,
						"invalid permission: %s", s));
	}
}

bool
admin_rules_ok(struct req *req, struct json_object *errs)
{
	if (json_object_array_length(errs) == 0) {
		json_object_put(errs);
		return true;
	}
	response_errors(req, 400, errs);
	return false;
}

void
admin_list(struct req *req, const char *perm, enum stmt id, size_t nsearch,
	   const char *key, page_row_fn row_json)
{
	struct db_arg args[8];
	struct page pg;
	size_t i;

	if (nsearch > 6 || !page_parse(req, &pg) ||
	    !gate_admin_permission(req, perm))
		return;
	for (i = 0; i < nsearch; i++)
		args[i] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, id, args, nsearch + 2, key, row_json);
}

bool
admin_fetch_one(struct req *req, enum stmt id, const char *key,
		const char *notfound, struct db_res *res)
{
	struct db_arg arg = DB_STR(key);

	return row_one(req, id, &arg, 1, notfound, res);
}

bool
admin_exec(struct req *req, enum stmt id, const struct db_arg *args,
	   size_t nargs, const char *conflict)
{
	enum perr e = db_exec(req->db, id, args, nargs, NULL);

	if (e == PERR_CONFLICT && conflict != NULL)
		response_error(req, 409, conflict);
	else if (e != PERR_OK)
		response_fail(req, e);
	return e == PERR_OK;
}

bool
admin_tx_begin(struct req *req)
{
	enum perr e = db_tx_begin(req->db);

	if (e != PERR_OK)
		response_fail(req, e);
	return e == PERR_OK;
}

bool
admin_tx_end(struct req *req, bool ok)
{
	enum perr e;

	if (!ok) {
		db_tx_rollback(req->db);
		return false;
	}
	e = db_tx_commit(req->db);
	if (e != PERR_OK)
		response_fail(req, e);
	return e == PERR_OK;
}

const char *
admin_path_decode(struct req *req, const char *s)
{
	size_t i, o = 0, n = strlen(s);
	char *d = arena_alloc(&req->arena, n + 1);

	for (i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			d[o++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return NULL;
		hi = hex_digit(s[i + 1]);
		lo = hex_digit(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return NULL;
		d[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	d[o] = '\0';
	return d;
}
