/* page.c: see page.h. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "db.h"
#include "json.h"
#include "page.h"
#include "request.h"
#include "response.h"

/* A number parameter: absent = def; not a number = a framework error. */
static bool
number(struct req *req, const char *name, long long def, long long *out,
       const char **bad)
{
	const char *v;
	int64_t n;
	enum perr e = req_query(req, name, &v);

	*out = def;
	if (e == PERR_NOENT)
		return true;
	if (e != PERR_OK || !parse_int64(v, INT64_MIN, INT64_MAX, &n) ||
	    strspn(v, "-0123456789") != strlen(v)) {
		*bad = arena_printf(&req->arena,
				    "Failed to deserialize query string: %s: "
				    "invalid digit found in string",
				    name);
		return false;
	}
	*out = n;
	return true;
}

bool
page_parse(struct req *req, struct page *out)
{
	struct json_object *errs;
	const char *bad = NULL, *search = NULL;
	enum perr e;

	memset(out, 0, sizeof(*out));
	if (!number(req, "page", 1, &out->page, &bad) ||
	    !number(req, "per_page", 25, &out->per_page, &bad)) {
		response_error(req, 400, bad);
		return false;
	}
	e = req_query(req, "search", &search);
	if (e == PERR_INVAL) {
		response_error(req, 400,
			       "Failed to deserialize query string: search: "
			       "invalid encoding");
		return false;
	}
	out->search = e == PERR_OK && *search != '\0' ? search : NULL;
	errs = json_object_new_array();
	if (out->page < 1)
		json_object_array_add(
			errs, json_object_new_string("page: lower than 1"));
	if (out->per_page < 1)
		json_object_array_add(
			errs, json_object_new_string("per_page: lower than 1"));
	if (out->per_page > 100)
		json_object_array_add(
			errs,
			json_object_new_string("per_page: greater than 100"));
	if (out->search != NULL &&
	    utf8_chars(out->search, strlen(out->search)) > 128)
		json_object_array_add(
			errs, json_object_new_string(
				      "search: length is greater than 128"));
	if (json_object_array_length(errs) > 0) {
		response_errors(req, 400, errs);
		return false;
	}
	json_object_put(errs);
	return true;
}

struct json_object *
page_envelope(const struct page *pg, long long total, struct json_object *data)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "per_page",
			       json_object_new_int64(pg->per_page));
	json_object_object_add(o, "page", json_object_new_int64(pg->page));
	json_object_object_add(o, "data", data);
	return o;
}

long long
page_offset(const struct page *pg)
{
	long long off;

	if (__builtin_mul_overflow(pg->page - 1, pg->per_page, &off))
		return INT64_MAX / 2;
	return off;
}

void
page_answer(struct req *req, const struct page *pg, enum stmt id,
	    struct db_arg *args, size_t nargs, const char *key,
	    page_row_fn row_json)
{
	struct json_object *data, *o;
	struct db_res res;
	long long total = 0;
	enum perr e;
	size_t i;

	args[nargs - 2] = DB_INT(pg->per_page);
	args[nargs - 1] = DB_INT(page_offset(pg));
	e = db_exec(req->db, id, args, nargs, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	data = json_object_new_array();
	for (i = 0; i < res.nrows; i++)
		json_object_array_add(data, row_json(req, &res, i));
	/* the total rides on every row (the contract's quirk: a page past
	 * the end says 0) */
	if (res.nrows > 0 && db_cell(&res, 0, res.ncols - 1) != NULL)
		total = strtoll(db_cell(&res, 0, res.ncols - 1), NULL, 10);
	db_res_free(&res);
	o = json_object_new_object();
	json_object_object_add(o, key, page_envelope(pg, total, data));
	response_json(req, 200, o);
}

void
page_list(struct req *req, enum stmt id, const char *owner, const char *key,
	  page_row_fn row_json)
{
	struct db_arg args[5];
	struct page pg;

	if (!page_parse(req, &pg))
		return;
	args[0] = DB_STR(owner);
	args[1] = DB_STR_OR_NULL(pg.search);
	args[2] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, id, args, 5, key, row_json);
}
