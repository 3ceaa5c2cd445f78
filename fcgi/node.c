/* node.c: see node.h. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "db.h"
#include "gate.h"
#include "log.h"
#include "node.h"
#include "page.h"
#include "request.h"
#include "response.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

/* ---- objects ------------------------------------------------------------- */

static struct json_object *
cell_bool(const struct db_res *res, size_t row, size_t col)
{
	const char *v = db_cell(res, row, col);

	return json_object_new_boolean(v != NULL && strcmp(v, "0") != 0);
}

static struct json_object *
cell_int(const struct db_res *res, size_t row, size_t col)
{
	const char *v = db_cell(res, row, col);

	return json_object_new_int64(v != NULL ? strtoll(v, NULL, 10) : 0);
}

struct json_object *
node_location_json(const struct db_res *res, size_t row, size_t col)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "uuid", json_str_or_null(db_cell(res, row, col)));
	ADD(o, "backup_configuration", NULL); /* out of scope: always null */
	ADD(o, "name", json_str_or_null(db_cell(res, row, col + 1)));
	ADD(o, "description", json_str_or_null(db_cell(res, row, col + 2)));
	ADD(o, "flag", json_str_or_null(db_cell(res, row, col + 3)));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, col + 4)));
	return o;
}

struct json_object *
node_json(struct req *req, const struct db_res *res, size_t row, size_t col)
{
	struct json_object *o = json_object_new_object();
	size_t c = col + 1 + LOCATION_NCOLS; /* the node's own columns */

	ADD(o, "uuid", json_str_or_null(db_cell(res, row, col)));
	ADD(o, "location", node_location_json(res, row, col + 1));
	ADD(o, "backup_configuration", NULL);
	ADD(o, "name", json_str_or_null(db_cell(res, row, c)));
	ADD(o, "description", json_str_or_null(db_cell(res, row, c + 1)));
	ADD(o, "deployment_enabled", cell_bool(res, row, c + 2));
	ADD(o, "maintenance_enabled", cell_bool(res, row, c + 3));
	ADD(o, "public_url",
	    json_str_or_null(
		    node_url_output(&req->arena, db_cell(res, row, c + 4))));
	ADD(o, "url",
	    json_str_or_null(
		    node_url_output(&req->arena, db_cell(res, row, c + 5))));
	ADD(o, "sftp_host", json_str_or_null(db_cell(res, row, c + 6)));
	ADD(o, "sftp_port", cell_int(res, row, c + 7));
	ADD(o, "memory", cell_int(res, row, c + 8));
	ADD(o, "disk", cell_int(res, row, c + 9));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, c + 10)));
	return o;
}

/* ---- URLs ---------------------------------------------------------------- */

#define URL_HOST_MAX 253

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of the scheme (RFC 3986: ALPHA *(ALPHA / DIGIT / + - .)) when
 * s starts with one followed by ':', else 0. */
static size_t
scheme_len(const char *s)
{
	size_t n = 0;

	if (!is_alpha(s[0]))
		return 0;
	while (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '+' || s[n] == '-' ||
	       s[n] == '.')
		n++;
	return s[n] == ':' ? n : 0;
}

/* True when the last label of host (a trailing dot ignored) is all
 * digits: the WHATWG parser then reads the host as an IPv4 address. */
static bool
ends_in_number(const char *h, size_t n)
{
	size_t end = n, start;

	if (end > 0 && h[end - 1] == '.')
		end--;
	start = end;
	while (start > 0 && h[start - 1] != '.')
		start--;
	if (start == end)
		return false;
	for (; start < end; start++)
		if (!is_digit(h[start]))
			return false;
	return true;
}

/* A DNS name or dotted IPv4 address of n bytes; writes it lowercase into
 * out (n + 1 bytes). NULL or the reason. */
static const char *
check_name_host(const char *h, size_t n, char *out)
{
	size_t i, label = 0;

	if (n == 0)
		return "empty host";
	if (n > URL_HOST_MAX + 1)
		return "host longer than 253 characters";
	for (i = 0; i < n; i++) {
		char c = h[i];

		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' &&
		    c != '_')
			return "invalid domain character";
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[n] = '\0';
	if (ends_in_number(out, n)) {
		unsigned char a4[4];

		return inet_pton(AF_INET, out, a4) == 1
			       ? NULL
			       : "invalid IPv4 address";
	}
	for (i = 0; i <= n; i++) {
		if (i < n && out[i] != '.') {
			if (++label > 63)
				return "host label longer than 63 characters";
			continue;
		}
		/* a label ends: empty only as the trailing dot's */
		if (label == 0 && !(i == n && n > 0 && out[n - 1] == '.'))
			return "empty label in host";
		label = 0;
	}
	return NULL;
}

/* "[v6]" of n bytes (brackets included) normalised into out
 * (INET6_ADDRSTRLEN + 2 bytes). NULL or the reason. */
static const char *
check_v6_host(const char *h, size_t n, char *out)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned char a6[16];

	if (n < 3 || h[n - 1] != ']' || n - 2 >= sizeof(buf))
		return "invalid IPv6 address";
	memcpy(buf, h + 1, n - 2);
	buf[n - 2] = '\0';
	if (inet_pton(AF_INET6, buf, a6) != 1 ||
	    inet_ntop(AF_INET6, a6, buf, sizeof(buf)) == NULL)
		return "invalid IPv6 address";
	out[0] = '[';
	memcpy(out + 1, buf, strlen(buf));
	out[1 + strlen(buf)] = ']';
	out[2 + strlen(buf)] = '\0';
	return NULL;
}

/* The port of n digits; 0 when it is not one of 1-65535. */
static long
parse_port(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

/* Path, query and fragment: printable ASCII without the characters the
 * URL standard refuses or escapes, and well-formed %XX escapes. */
static const char *
check_rest(const char *r)
{
	for (; *r != '\0'; r++) {
		unsigned char c = (unsigned char)*r;

		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c))
			return "invalid character in path";
		if (c == '%' && (hex_digit(r[1]) < 0 || hex_digit(r[2]) < 0))
			return "invalid percent-encoding in path";
	}
	return NULL;
}

/* Splits the authority [host][:port] (n bytes); host normalised into
 * host_out, port 0 when none. NULL or the reason. */
static const char *
parse_authority(const char *a, size_t n, char *host_out, long *port_out)
{
	const char *end, *reason;

	*port_out = 0;
	if (n == 0)
		return "empty host";
	if (memchr(a, '@', n) != NULL)
		return "credentials are not allowed";
	if (a[0] == '[') {
		end = memchr(a, ']', n);
		end = end != NULL ? end + 1 : a + n;
		reason = check_v6_host(a, (size_t)(end - a), host_out);
	} else {
		end = memchr(a, ':', n);
		end = end != NULL ? end : a + n;
		reason = check_name_host(a, (size_t)(end - a), host_out);
	}
	if (reason != NULL)
		return reason;
	if (end == a + n)
		return NULL;
	if (*end != ':')
		return "invalid IPv6 address";
	*port_out = parse_port(end + 1, (size_t)(a + n - end - 1));
	return *port_out == 0 ? "invalid port number" : NULL;
}

const char *
node_url_parse(struct arena *a, const char *s, const char **norm_out)
{
	char host[URL_HOST_MAX + INET6_ADDRSTRLEN + 4];
	const char *auth, *rest, *reason;
	size_t n = scheme_len(s), alen;
	bool https;
	long port;

	if (n == 0)
		return "relative URL without a base";
	if (n == 4 && strncasecmp(s, "http", 4) == 0)
		https = false;
	else if (n == 5 && strncasecmp(s, "https", 5) == 0)
		https = true;
	else
		return "scheme must be http or https";
	if (strncmp(s + n + 1, "//", 2) != 0)
		return "missing // after the scheme";
	auth = s + n + 3;
	alen = strcspn(auth, "/?#");
	rest = auth + alen;
	if (alen > URL_HOST_MAX + 7)
		return "host longer than 253 characters";
	reason = parse_authority(auth, alen, host, &port);
	if (reason == NULL)
		reason = check_rest(rest);
	if (reason != NULL)
		return reason;
	if (port == (https ? 443 : 80))
		port = 0;
	if (norm_out != NULL && port != 0)
		*norm_out = arena_printf(a, "%s://%s:%ld%s%s",
					 https ? "https" : "http", host, port,
					 *rest != '/' ? "/" : "", rest);
	else if (norm_out != NULL)
		*norm_out =
			arena_printf(a, "%s://%s%s%s", https ? "https" : "http",
				     host, *rest != '/' ? "/" : "", rest);
	return NULL;
}

const char *
node_url_output(struct arena *a, const char *s)
{
	const char *norm;

	if (s == NULL)
		return NULL;
	return node_url_parse(a, s, &norm) == NULL ? norm : s;
}

/* ---- the daemon token ---------------------------------------------------- */

bool
node_token_new(const struct req *req, const char *node_uuid,
	       struct node_token_pair *out)
{
	crypto_random_base62(out->id, NODE_TOKEN_ID_LEN);
	out->id[NODE_TOKEN_ID_LEN] = '\0';
	crypto_random_base62(out->token, NODE_TOKEN_LEN);
	out->token[NODE_TOKEN_LEN] = '\0';
	return crypto_seal(req->cfg->encryption_key, node_uuid,
			   strlen(node_uuid), out->token, NODE_TOKEN_LEN,
			   out->sealed);
}

bool
node_daemon(struct req *req, const char *node_uuid,
	    char out[NODE_TOKEN_LEN + 1], const char **url_out)
{
	struct db_arg args[1] = {DB_STR(node_uuid)};
	struct db_res res;
	const char *url;
	bool ok;
	size_t n;

	if (db_exec(req->db, STMT_NODE_DAEMON, args, 1, &res) != PERR_OK)
		return false;
	ok = res.nrows == 1 && db_cell(&res, 0, 1) != NULL &&
	     res.lens[1] == NODE_TOKEN_SEALED_LEN &&
	     crypto_open(req->cfg->encryption_key, node_uuid, strlen(node_uuid),
			 (const unsigned char *)db_cell(&res, 0, 1),
			 NODE_TOKEN_SEALED_LEN, (unsigned char *)out);
	if (res.nrows == 1 && !ok)
		log_warn(req,
			 "the token of node %s does not open (another "
			 "encryption_key?)",
			 node_uuid);
	if (ok) {
		out[NODE_TOKEN_LEN] = '\0';
		if (url_out != NULL) {
			url = node_url_output(&req->arena, db_cell(&res, 0, 0));
			n = strlen(url);
			while (n > 0 && url[n - 1] == '/')
				n--;
			*url_out = arena_strndup(&req->arena, url, n);
		}
	}
	db_res_free(&res);
	return ok;
}

bool
node_token(struct req *req, const char *node_uuid, char out[NODE_TOKEN_LEN + 1])
{
	return node_daemon(req, node_uuid, out, NULL);
}

/* ---- sub-gates ----------------------------------------------------------- */

struct sub_gate {
	const char *param, *invalid, *perm, *missing;
	enum stmt stmt;
};

static bool
sub_gate(struct req *req, const struct sub_gate *g, struct db_res *res,
	 const char **uuid_out)
{
	const char *uuid = req_path_uuid(req, g->param, 400, g->invalid);
	struct db_arg args[1];
	struct db_res row;
	enum perr e;

	if (uuid == NULL || !gate_admin_permission(req, g->perm))
		return false;
	args[0] = DB_STR(uuid);
	e = db_exec(req->db, g->stmt, args, 1, &row);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	if (row.nrows != 1) {
		db_res_free(&row);
		response_error(req, 404, g->missing);
		return false;
	}
	if (res != NULL)
		*res = row;
	else
		db_res_free(&row);
	*uuid_out = uuid;
	return true;
}

bool
node_location_gate(struct req *req, struct db_res *res, const char **uuid_out)
{
	static const struct sub_gate g = {
		"location", "invalid location uuid", "locations.read",
		"location not found", STMT_LOCATION_GET};

	return sub_gate(req, &g, res, uuid_out);
}

bool
node_node_gate(struct req *req, struct db_res *res, const char **uuid_out)
{
	static const struct sub_gate g = {"node", "invalid node uuid",
					  "nodes.read", "node not found",
					  STMT_NODE_GET};

	return sub_gate(req, &g, res, uuid_out);
}

/* ---- field tables -------------------------------------------------------- */

static bool
in_list(const char *name, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static struct json_object *
body_value(struct req *req, const char *name)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(req->json, name, &v);
	return v;
}

bool
node_body_has(struct req *req, const char *name)
{
	return json_object_object_get_ex(req->json, name, NULL);
}

struct json_object *
node_rule_errors(struct req *req, const struct jfield *rules, size_t n,
		 const char *const *url_fields)
{
	struct json_object *all = json_object_new_array(), *errs, *v;
	const char *msg, *reason;
	size_t i, j;

	for (i = 0; i < n; i++) {
		errs = NULL;
		if (!json_validate(req->json, &rules[i], 1, &req->arena, &msg,
				   &errs) &&
		    errs != NULL) {
			for (j = 0; j < json_object_array_length(errs); j++)
				json_object_array_add(
					all, json_object_get(
						     json_object_array_get_idx(
							     errs, j)));
			json_object_put(errs);
		}
		v = body_value(req, rules[i].name);
		if (!in_list(rules[i].name, url_fields) || v == NULL ||
		    !json_object_is_type(v, json_type_string))
			continue;
		reason = node_url_parse(&req->arena, json_object_get_string(v),
					NULL);
		if (reason != NULL)
			json_object_array_add(
				all,
				json_object_new_string(arena_printf(
					&req->arena, "%s: not a valid url: %s",
					rules[i].name, reason)));
	}
	if (json_object_array_length(all) == 0) {
		json_object_put(all);
		return NULL;
	}
	return all;
}

bool
node_body_uuids(struct req *req, const char *const *names)
{
	char norm[CRYPTO_UUID_BUFSZ];

	for (; *names != NULL; names++) {
		struct json_object *v = body_value(req, *names);

		if (v == NULL)
			continue;
		if (!uuid_normalize(json_object_get_string(v), norm)) {
			response_error(req, 400,
				       arena_printf(&req->arena,
						    "invalid payload: invalid "
						    "value for `%s`, expected "
						    "a UUID",
						    *names));
			return false;
		}
		/* the body keeps the lowercase form the columns hold */
		json_object_object_add(req->json, *names,
				       json_object_new_string(norm));
	}
	return true;
}

struct db_arg
node_body_arg(struct req *req, const struct jfield *f)
{
	struct json_object *v = body_value(req, f->name);

	if (v == NULL)
		return DB_NULL;
	switch (f->type) {
	case JF_INT:
		return DB_INT(json_object_get_int64(v));
	case JF_BOOL:
		return DB_INT(json_object_get_boolean(v) ? 1 : 0);
	default:
		return DB_STRN(json_object_get_string(v),
			       (size_t)json_object_get_string_len(v));
	}
}

void
node_patch_args(struct req *req, const struct jfield *fields, size_t n,
		struct db_arg *args)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bool sent = node_body_has(req, fields[i].name) &&
			    (fields[i].nullable ||
			     body_value(req, fields[i].name) != NULL);

		args[2 * i] = DB_INT(sent ? 1 : 0);
		args[2 * i + 1] =
			sent ? node_body_arg(req, &fields[i]) : DB_NULL;
	}
}

bool
node_body_checks(struct req *req, const char *perm, const struct jfield *rules,
		 size_t n, const char *const *uuid_fields,
		 const char *const *url_fields)
{
	struct json_object *errs;

	if (!node_body_uuids(req, uuid_fields) ||
	    !gate_admin_permission(req, perm))
		return false;
	errs = node_rule_errors(req, rules, n, url_fields);
	if (errs != NULL) {
		response_errors(req, 400, errs);
		return false;
	}
	if (body_value(req, "backup_configuration_uuid") != NULL) {
		response_error(req, 400,
			       "invalid relation `backup_configuration` "
			       "provided");
		return false;
	}
	return true;
}

void
node_guarded_delete(struct req *req, const struct node_delete *d,
		    const char *uuid, const char *name)
{
	struct db_arg args[3];
	struct json_object *data;
	struct db_res res;
	size_t i;
	enum perr e;

	if (!gate_admin_permission(req, d->perm))
		return;
	for (i = 0; i < d->nuuid && i < 3; i++)
		args[i] = DB_STR(uuid);
	e = db_exec(req->db, d->stmt, args, i, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (res.affected == 0) {
		response_error(req, d->status, d->refusal);
		return;
	}
	data = json_object_new_object();
	ADD(data, "uuid", json_object_new_string(uuid));
	ADD(data, "name", json_str_or_null(name));
	activity_admin(req, d->event, data);
	response_json(req, 200, json_object_new_object());
}

void
node_page_list(struct req *req, const char *perm, enum stmt id,
	       const char *scope, const char *key, page_row_fn row_json)
{
	struct db_arg args[6];
	struct page pg;
	size_t n = 0;

	if (!page_parse(req, &pg) || !gate_admin_permission(req, perm))
		return;
	if (id == STMT_NODE_LIST) {
		args[n++] = DB_STR_OR_NULL(scope);
		args[n++] = DB_STR_OR_NULL(scope);
	}
	args[n++] = DB_STR_OR_NULL(pg.search);
	args[n++] = DB_STR_OR_NULL(pg.search);
	page_answer(req, &pg, id, args, n + 2, key, row_json);
}

struct json_object *
node_page_row(struct req *req, const struct db_res *res, size_t row)
{
	return node_json(req, res, row, 0);
}
