/*
 * handler_admin_allocations.c: /api/admin/nodes/{node}/allocations
 * (contract-extra 5.5, 7.6, 8.5, 9). Client gate, admin gate, the node
 * sub-gate (400 invalid node uuid, nodes.read, 404 node not found), then
 * the request's own checks (framework and payload errors, then the rules,
 * plain 400), then the admin permission nodes.allocations.
 *
 * Addresses are stored in their normalised text form (an IPv4-mapped IPv6
 * address as IPv4), so "one row per node, address and port" is the
 * table's unique key. Every change of a node's allocations holds the
 * node's row for the length of its transaction, so a bulk move never
 * races a create.
 *
 * An assigned allocation carries its server as an AdminServer object
 * (contract 3.11), one lookup per assigned row of the page.
 */
#include "autoconf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "activity.h"
#include "cidr.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "node.h"
#include "page.h"
#include "request.h"
#include "response.h"
#include "server.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))
#define PERM "nodes.allocations"
#define MAX_PORTS 65535
#define MAX_UUIDS 65535
#define NO_PORT LLONG_MIN
#define MATCH_NARGS 15

/* What a selector or the list's query picks; NULL / NO_PORT / -1 = no
 * criterion. */
struct alloc_filter {
	const char *uuids; /* JSON array of the selected uuids */
	const char *search, *ip;
	long long port_from, port_to;
	int assigned;
};

static void
filter_init(struct alloc_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->port_from = f->port_to = NO_PORT;
	f->assigned = -1;
}

static bool
filter_narrows(const struct alloc_filter *f)
{
	return f->search != NULL || f->ip != NULL || f->port_from != NO_PORT ||
	       f->port_to != NO_PORT || f->assigned >= 0;
}

/* The NODES_ALLOC_MATCH arguments of db_stmt.c. */
static void
match_args(const char *node, const struct alloc_filter *f, struct db_arg *a)
{
	int i;

	a[0] = DB_STR(node);
	a[1] = a[2] = DB_STR_OR_NULL(f->uuids);
	for (i = 3; i < 7; i++)
		a[i] = DB_STR_OR_NULL(f->search);
	a[7] = a[8] = DB_STR_OR_NULL(f->ip);
	a[9] = a[10] = f->port_from != NO_PORT ? DB_INT(f->port_from) : DB_NULL;
	a[11] = a[12] = f->port_to != NO_PORT ? DB_INT(f->port_to) : DB_NULL;
	a[13] = a[14] = f->assigned >= 0 ? DB_INT(f->assigned) : DB_NULL;
}

/* An address normalised (arena), or NULL when s is not one. */
static const char *
normal_ip(struct req *req, const char *s, bool with_prefix)
{
	char buf[CIDR_BUFSZ];
	struct cidr c;

	if (!ip_parse(s, &c))
		return NULL;
	cidr_format(&c, with_prefix, buf);
	return arena_strdup(&req->arena, buf);
}

static void
add_err(struct json_object *errs, const char *msg)
{
	json_object_array_add(errs, json_object_new_string(msg));
}

/* The range rules of the filter's ports; errors named prefix + field. */
static void
port_rules(struct req *req, const char *prefix, const struct alloc_filter *f,
	   struct json_object *errs)
{
	const long long v[2] = {f->port_from, f->port_to};
	const char *const names[2] = {"port_from", "port_to"};
	int i;

	for (i = 0; i < 2; i++) {
		if (v[i] == NO_PORT)
			continue;
		if (v[i] < 1)
			add_err(errs,
				arena_printf(&req->arena, "%s%s: lower than 1",
					     prefix, names[i]));
		if (v[i] > 65535)
			add_err(errs, arena_printf(&req->arena,
						   "%s%s: greater than 65535",
						   prefix, names[i]));
	}
}

/* Answers errs when it holds any; true when it is empty. */
static bool
no_rule_errors(struct req *req, struct json_object *errs)
{
	if (json_object_array_length(errs) == 0) {
		json_object_put(errs);
		return true;
	}
	response_errors(req, 400, errs);
	return false;
}

static bool
framework_error(struct req *req, const char *name, const char *reason)
{
	response_error(
		req, 400,
		arena_printf(&req->arena,
			     "Failed to deserialize query string: %s: %s", name,
			     reason));
	return false;
}

/* ---- the list routes ----------------------------------------------------- */

/* Query parameter name into *v: 0 when absent, 1 when given, -1 when
 * badly percent-encoded (the 400 answered). */
static int
query_param(struct req *req, const char *name, const char **v)
{
	enum perr e = req_query(req, name, v);

	if (e == PERR_NOENT)
		return 0;
	if (e == PERR_OK)
		return 1;
	framework_error(req, name, "invalid percent-encoding");
	return -1;
}

/* The filter of the list's query (after page_parse); false with the 400. */
static bool
query_filter(struct req *req, struct alloc_filter *f)
{
	const char *const ports[2] = {"port_from", "port_to"};
	long long *const out[2] = {&f->port_from, &f->port_to};
	const char *v;
	int64_t n;
	int i, got;

	if ((got = query_param(req, "ip", &v)) < 0)
		return false;
	if (got && (f->ip = normal_ip(req, v, false)) == NULL)
		return framework_error(req, "ip", "invalid IP address syntax");
	for (i = 0; i < 2; i++) {
		if ((got = query_param(req, ports[i], &v)) < 0)
			return false;
		if (got && !parse_int64(v, INT32_MIN, INT32_MAX, &n))
			return framework_error(req, ports[i],
					       "invalid digit found in string");
		if (got)
			*out[i] = n;
	}
	if ((got = query_param(req, "assigned", &v)) < 0)
		return false;
	if (got && strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
		return framework_error(req, "assigned",
				       "provided string was not `true` or "
				       "`false`");
	if (got)
		f->assigned = strcmp(v, "true") == 0;
	return true;
}

/* NodeAllocation (contract-extra 7.6) of a STMT_ALLOC_LIST row. */
static struct json_object *
alloc_row(struct req *req, const struct db_res *res, size_t row)
{
	struct json_object *o = json_object_new_object();
	const char *port = db_cell(res, row, 4);

	ADD(o, "uuid", json_str_or_null(db_cell(res, row, 0)));
	ADD(o, "server", admin_server_json_of(req, db_cell(res, row, 1)));
	ADD(o, "ip", json_str_or_null(db_cell(res, row, 2)));
	ADD(o, "ip_alias", json_str_or_null(db_cell(res, row, 3)));
	ADD(o, "port",
	    json_object_new_int64(port ? strtoll(port, NULL, 10) : 0));
	ADD(o, "created", json_ts_or_null(db_cell(res, row, 5)));
	return o;
}

/* The sub-gate; *node_out the node's uuid. */
static bool
node_gate(struct req *req, const char **node_out)
{
	return node_node_gate(req, NULL, node_out);
}

/* The rest of both list routes: the permission, then the page. */
static void
list_answer(struct req *req, const char *node, const struct page *pg,
	    const struct alloc_filter *f)
{
	struct db_arg args[MATCH_NARGS + 2];

	if (!gate_admin_permission(req, PERM))
		return;
	match_args(node, f, args);
	page_answer(req, pg, STMT_ALLOC_LIST, args, NF(args), "allocations",
		    alloc_row);
}

/* GET .../allocations?page&per_page&search&ip&port_from&port_to&assigned:
 * ordered by address, then port. {"allocations": Pagination} */
static void
handle_list(struct req *req)
{
	struct alloc_filter f;
	struct json_object *errs;
	const char *node;
	struct page pg;

	filter_init(&f);
	if (!node_gate(req, &node) || !page_parse(req, &pg) ||
	    !query_filter(req, &f))
		return;
	f.search = pg.search;
	errs = json_object_new_array();
	port_rules(req, "", &f, errs);
	if (no_rule_errors(req, errs))
		list_answer(req, node, &pg, &f);
}

/* GET .../allocations/available?page&per_page&search: the free ones. */
static void
handle_available(struct req *req)
{
	struct alloc_filter f;
	const char *node;
	struct page pg;

	filter_init(&f);
	if (!node_gate(req, &node) || !page_parse(req, &pg))
		return;
	f.search = pg.search;
	f.assigned = 0;
	list_answer(req, node, &pg, &f);
}

/* GET .../allocations/ips: {"ips": [the node's distinct addresses]} */
static void
handle_ips(struct req *req)
{
	struct json_object *ips, *o;
	struct db_arg args[1];
	const char *node;
	struct db_res res;
	enum perr e;
	size_t i;

	if (!node_gate(req, &node) || !gate_admin_permission(req, PERM))
		return;
	args[0] = DB_STR(node);
	e = db_exec(req->db, STMT_ALLOC_IPS, args, 1, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	ips = json_object_new_array();
	for (i = 0; i < res.nrows; i++)
		json_object_array_add(ips,
				      json_str_or_null(db_cell(&res, i, 0)));
	db_res_free(&res);
	o = json_object_new_object();
	ADD(o, "ips", ips);
	response_json(req, 200, o);
}

/* ---- request bodies ------------------------------------------------------ */

static struct json_object *
body(struct req *req, struct json_object *obj, const char *name)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(obj != NULL ? obj : req->json, name, &v);
	return v;
}

/*
 * The payload errors: "invalid payload: missing field `<what>`" when kind
 * is NULL, else "invalid payload: invalid <kind> for `<what>`, expected
 * <want>". Returns false.
 */
static bool
payload_error(struct req *req, const char *kind, const char *what,
	      const char *want)
{
	response_error(
		req, 400,
		kind == NULL
			? arena_printf(&req->arena,
				       "invalid payload: missing field `%s`",
				       what)
			: arena_printf(&req->arena,
				       "invalid payload: invalid %s for `%s`, "
				       "expected %s",
				       kind, what, want));
	return false;
}

static bool
missing_field(struct req *req, const char *what)
{
	return payload_error(req, NULL, what, NULL);
}

static bool
bad_value(struct req *req, const char *what, const char *want)
{
	return payload_error(req, "value", what, want);
}

static bool
bad_type(struct req *req, const char *what, const char *want)
{
	return payload_error(req, "type", what, want);
}

/* The "ip" field: a plain address, normalised into *out (and with its
 * prefix into *net_out for the activity log). */
static bool
body_ip(struct req *req, const char **out, const char **net_out)
{
	const char *s = json_object_get_string(body(req, NULL, "ip"));

	*out = normal_ip(req, s, false);
	if (*out == NULL)
		return bad_value(req, "ip", "an IP address");
	*net_out = normal_ip(req, s, true);
	return true;
}

/* One optional criterion of a body filter, type-checked. */
static struct json_object *
criterion(struct json_object *fo, const char *name, enum json_type t, bool *bad)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(fo, name, &v);
	if (v != NULL && !json_object_is_type(v, t))
		*bad = true;
	return v;
}

static long long
clamp_port(int64_t v)
{
	return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v;
}

/* selector.filter into f; payload errors answered, rule errors added. */
static bool
body_filter(struct req *req, struct json_object *fo, struct alloc_filter *f,
	    struct json_object *errs)
{
	static const char *const names[5] = {"search", "ip", "port_from",
					     "port_to", "assigned"};
	static const enum json_type types[5] = {
		json_type_string, json_type_string, json_type_int,
		json_type_int, json_type_boolean};
	static const char *const wants[5] = {"a string", "a string",
					     "an integer", "an integer",
					     "a boolean"};
	struct json_object *v[5];
	bool bad = false;
	int i;

	if (fo == NULL)
		return missing_field(req, "selector.filter");
	if (!json_object_is_type(fo, json_type_object))
		return bad_type(req, "selector.filter", "an object");
	for (i = 0; i < 5; i++) {
		v[i] = criterion(fo, names[i], types[i], &bad);
		if (bad)
			return bad_type(req,
					arena_printf(&req->arena,
						     "selector.filter.%s",
						     names[i]),
					wants[i]);
	}
	if (v[0] != NULL && json_object_get_string_len(v[0]) > 0)
		f->search = json_object_get_string(v[0]);
	if (v[1] != NULL &&
	    (f->ip = normal_ip(req, json_object_get_string(v[1]), false)) ==
		    NULL)
		return bad_value(req, "selector.filter.ip", "an IP address");
	/* (clamped, so that no value is taken for the "absent" mark) */
	if (v[2] != NULL)
		f->port_from = clamp_port(json_object_get_int64(v[2]));
	if (v[3] != NULL)
		f->port_to = clamp_port(json_object_get_int64(v[3]));
	if (v[4] != NULL)
		f->assigned = json_object_get_boolean(v[4]);
	if (f->search != NULL && utf8_chars(f->search, strlen(f->search)) > 128)
		add_err(errs,
			"selector.filter.search: length is greater than 128");
	port_rules(req, "selector.filter.", f, errs);
	if (!filter_narrows(f))
		add_err(errs,
			"selector.filter: filter must narrow the selection by "
			"at least one criterion, use the all selector to "
			"target every allocation");
	return true;
}

/* selector.uuids into f (a JSON array of lowercase uuids). */
static bool
body_uuids(struct req *req, struct json_object *arr, struct alloc_filter *f,
	   struct json_object *errs, struct json_object **list_out)
{
	char norm[CRYPTO_UUID_BUFSZ];
	struct json_object *list;
	size_t i, n;

	if (arr == NULL)
		return missing_field(req, "selector.uuids");
	if (!json_object_is_type(arr, json_type_array))
		return bad_type(req, "selector.uuids", "an array of UUIDs");
	n = json_object_array_length(arr);
	list = req_own(req, json_object_new_array());
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(e, json_type_string) ||
		    !uuid_normalize(json_object_get_string(e), norm))
			return bad_value(req,
					 arena_printf(&req->arena,
						      "selector.uuids[%zu]", i),
					 "a UUID");
		json_object_array_add(list, json_object_new_string(norm));
	}
	if (n > MAX_UUIDS)
		add_err(errs, "selector.uuids: length is greater than 65535");
	f->uuids = json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN);
	*list_out = list;
	return true;
}

/*
 * The body's "selector" into f; *echo_out is the selector as the activity
 * log records it (owned by the request). Payload errors are answered (false),
 * rule errors added to errs.
 */
static bool
body_selector(struct req *req, struct alloc_filter *f, struct json_object *errs,
	      struct json_object **echo_out)
{
	struct json_object *sel = body(req, NULL, "selector"), *echo, *list;
	struct json_object *t = body(req, sel, "type");
	const char *type = t != NULL && json_object_is_type(t, json_type_string)
				   ? json_object_get_string(t)
				   : NULL;

	filter_init(f);
	if (t == NULL)
		return missing_field(req, "selector.type");
	if (type == NULL)
		return bad_type(req, "selector.type", "a string");
	echo = req_own(req, json_object_new_object());
	*echo_out = echo;
	ADD(echo, "type", json_object_get(t));
	if (strcmp(type, "all") == 0)
		return true;
	if (strcmp(type, "uuids") == 0) {
		if (!body_uuids(req, body(req, sel, "uuids"), f, errs, &list))
			return false;
		ADD(echo, "uuids", json_object_get(list));
		return true;
	}
	if (strcmp(type, "filter") == 0) {
		struct json_object *fe;

		if (!body_filter(req, body(req, sel, "filter"), f, errs))
			return false;
		fe = json_object_new_object();
		ADD(fe, "search", json_str_or_null(f->search));
		ADD(fe, "ip", json_str_or_null(f->ip));
		ADD(fe, "port_from",
		    f->port_from != NO_PORT
			    ? json_object_new_int64(f->port_from)
			    : NULL);
		ADD(fe, "port_to",
		    f->port_to != NO_PORT ? json_object_new_int64(f->port_to)
					  : NULL);
		ADD(fe, "assigned",
		    f->assigned >= 0 ? json_object_new_boolean(f->assigned)
				     : NULL);
		ADD(echo, "filter", fe);
		return true;
	}
	response_error(req, 400,
		       arena_printf(&req->arena,
				    "invalid payload: unknown variant `%s`, "
				    "expected one of `uuids`, `all`, `filter`",
				    type));
	return false;
}

static const struct jfield alias_rule[] = {
	{"ip_alias", JF_STRING, false, true, 1, 255},
};

/* The rule errors of ip_alias, added to errs. */
static void
alias_rules(struct req *req, struct json_object *errs)
{
	struct json_object *e = node_rule_errors(req, alias_rule, 1, NULL);
	size_t i;

	for (i = 0; e != NULL && i < json_object_array_length(e); i++)
		json_object_array_add(
			errs, json_object_get(json_object_array_get_idx(e, i)));
	if (e != NULL)
		json_object_put(e);
}

/* ---- changes ------------------------------------------------------------- */

/* The activity data's first fields: {node_uuid, ip (with its prefix) and
 * ip_alias (as sent) when net is not NULL}. */
static struct json_object *
activity_start(struct req *req, const char *node, const char *net)
{
	struct json_object *d = json_object_new_object();

	ADD(d, "node_uuid", json_object_new_string(node));
	if (net != NULL) {
		ADD(d, "ip", json_object_new_string(net));
		ADD(d, "ip_alias",
		    json_object_get(body(req, NULL, "ip_alias")));
	}
	return d;
}

/* Begins the transaction of a change and takes the node's row. */
static enum perr
tx_lock_node(struct req *req, const char *node)
{
	struct db_arg args[1] = {DB_STR(node)};
	enum perr e = db_tx_begin(req->db);

	if (e != PERR_OK)
		return e;
	e = db_exec(req->db, STMT_NODE_LOCK, args, 1, NULL);
	if (e != PERR_OK)
		db_tx_rollback(req->db);
	return e;
}

static bool
in_set(const unsigned char *set, long port)
{
	return (set[port / 8] >> (port % 8)) & 1;
}

static void
set_add(unsigned char *set, long port)
{
	set[port / 8] |= (unsigned char)(1u << (port % 8));
}

/* The ports of the body ("ports": integers 0-65535) as a set; the number
 * of entries in *n_out. False with the payload 400. */
static bool
body_ports(struct req *req, unsigned char set[65536 / 8], size_t *n_out)
{
	struct json_object *arr = body(req, NULL, "ports");
	size_t i, n;

	if (arr == NULL)
		return missing_field(req, "ports");
	if (!json_object_is_type(arr, json_type_array))
		return bad_type(req, "ports", "an array of ports");
	n = json_object_array_length(arr);
	memset(set, 0, 65536 / 8);
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(arr, i);
		int64_t v = json_object_get_int64(p);

		if (!json_object_is_type(p, json_type_int) || v < 0 ||
		    v > 65535)
			return bad_value(
				req, arena_printf(&req->arena, "ports[%zu]", i),
				"a port number (0-65535)");
		set_add(set, (long)v);
	}
	*n_out = n;
	return true;
}

/* JSON [[uuid, port], ...] for the ports of set but 0 (arena); a new
 * uuid each. */
static const char *
new_rows(struct req *req, const unsigned char set[65536 / 8])
{
	char uuid[CRYPTO_UUID_BUFSZ], *buf, *p;
	size_t n = 0;
	long port;

	for (port = 1; port <= 65535; port++)
		n += in_set(set, port);
	/* ,["<36>",65535] is 47 bytes, plus the NUL snprintf writes */
	buf = arena_alloc(&req->arena, n * 47 + 3);
	p = buf;
	*p++ = '[';
	for (port = 1; port <= 65535; port++) {
		if (!in_set(set, port))
			continue;
		crypto_uuid_v4(uuid);
		p += snprintf(p, 48, "%s[\"%s\",%ld]", p == buf + 1 ? "" : ",",
			      uuid, port);
	}
	*p++ = ']';
	*p = '\0';
	return buf;
}

/* POST .../allocations: {ip, ip_alias?, ports}. Payload, rules
 * (ip_alias 1-255 chars, 1-65535 ports), perm; then one allocation per
 * distinct port but 0, skipping the ports the address has already.
 * {"created": n} */
static void
handle_create(struct req *req)
{
	unsigned char set[65536 / 8];
	struct json_object *errs, *d, *o;
	const char *node, *ip, *net;
	struct db_arg args[4];
	struct db_res res;
	size_t nports;
	enum perr e;

	if (!node_gate(req, &node) || !body_ip(req, &ip, &net) ||
	    !body_ports(req, set, &nports))
		return;
	errs = json_object_new_array();
	alias_rules(req, errs);
	if (nports < 1)
		add_err(errs, "ports: length is lower than 1");
	if (nports > MAX_PORTS)
		add_err(errs, "ports: length is greater than 65535");
	if (!no_rule_errors(req, errs) || !gate_admin_permission(req, PERM))
		return;
	args[0] = DB_STR(node);
	args[1] = DB_STR(ip);
	args[2] = node_body_arg(req, &alias_rule[0]);
	args[3] = DB_STR(new_rows(req, set));
	e = tx_lock_node(req, node);
	if (e == PERR_OK)
		e = db_tx_end(req->db, db_exec(req->db, STMT_ALLOC_INSERT, args,
					       4, &res));
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = activity_start(req, node, net);
	ADD(d, "ports", json_object_get(body(req, NULL, "ports")));
	activity_admin(req, "node:allocation.create", d);
	o = json_object_new_object();
	ADD(o, "created", json_object_new_int64((int64_t)res.affected));
	response_json(req, 200, o);
}

/* Adds {"<key>": n, "skipped": matched - n} to the activity data d (taken),
 * writes event and answers the same two counts. */
static void
answer_counts(struct req *req, struct json_object *d, const char *event,
	      const char *key, long long n, long long matched)
{
	struct json_object *o = json_object_new_object();

	ADD(o, key, json_object_new_int64(n));
	ADD(o, "skipped", json_object_new_int64(matched - n));
	ADD(d, key, json_object_new_int64(n));
	ADD(d, "skipped", json_object_new_int64(matched - n));
	activity_admin(req, event, d);
	response_json(req, 200, o);
}

/* The matched allocations (uuid, port, assigned, ip), in the transaction. */
static enum perr
matched(struct req *req, const char *node, const struct alloc_filter *f,
	struct db_res *res)
{
	struct db_arg args[MATCH_NARGS];

	match_args(node, f, args);
	return db_exec(req->db, STMT_ALLOC_MATCH, args, MATCH_NARGS, res);
}

/*
 * The move of PATCH inside its transaction: per distinct port the
 * matched allocation with the smallest uuid goes to ip, unless another
 * allocation holds ip and that port. *matched_out, *updated_out counts.
 */
static enum perr
move(struct req *req, const char *node, const struct alloc_filter *f,
     const char *ip, long long *matched_out, long long *updated_out)
{
	unsigned char taken[65536 / 8];
	struct json_object *list = req_own(req, json_object_new_array());
	struct db_arg args[5] = {DB_STR(node), DB_STR(ip)};
	struct db_res res, at;
	const char *prev = NULL;
	enum perr e;
	size_t i;

	e = db_exec(req->db, STMT_ALLOC_AT_IP, args, 2, &at);
	if (e != PERR_OK)
		return e;
	memset(taken, 0, sizeof(taken));
	for (i = 0; i < at.nrows; i++) {
		set_add(taken, strtol(db_cell(&at, i, 0), NULL, 10) & 0xffff);
	}
	db_res_free(&at);
	e = matched(req, node, f, &res);
	if (e != PERR_OK)
		return e;
	*matched_out = (long long)res.nrows;
	for (i = 0; i < res.nrows; i++) {
		const char *port = db_cell(&res, i, 1);
		long p = strtol(port, NULL, 10) & 0xffff;
		bool first = prev == NULL || strcmp(prev, port) != 0;

		prev = port;
		if (first &&
		    (!in_set(taken, p) || strcmp(db_cell(&res, i, 3), ip) == 0))
			json_object_array_add(
				list,
				json_object_new_string(db_cell(&res, i, 0)));
	}
	*updated_out = (long long)json_object_array_length(list);
	if (*updated_out > 0) {
		args[0] = DB_STR(json_object_to_json_string_ext(
			list, JSON_C_TO_STRING_PLAIN));
		args[1] = DB_STR(ip);
		node_patch_args(req, alias_rule, 1, &args[2]);
		args[4] = DB_STR(node);
		e = db_exec(req->db, STMT_ALLOC_MOVE, args, 5, NULL);
	}
	db_res_free(&res);
	return e;
}

/* PATCH .../allocations: {selector, ip, ip_alias?} (ip_alias clearable).
 * {"updated": n, "skipped": matched - n} */
static void
handle_move(struct req *req)
{
	struct json_object *errs, *echo, *d;
	const char *node, *ip, *net;
	long long nmatched = 0, updated = 0;
	struct alloc_filter f;
	enum perr e;

	if (!node_gate(req, &node))
		return;
	errs = req_own(req, json_object_new_array());
	if (!body_selector(req, &f, errs, &echo) || !body_ip(req, &ip, &net))
		return;
	alias_rules(req, errs);
	if (!no_rule_errors(req, json_object_get(errs)) ||
	    !gate_admin_permission(req, PERM))
		return;
	e = tx_lock_node(req, node);
	if (e == PERR_OK)
		e = db_tx_end(req->db,
			      move(req, node, &f, ip, &nmatched, &updated));
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	d = activity_start(req, node, net);
	ADD(d, "selector", json_object_get(echo));
	answer_counts(req, d, "node:allocation.update", "updated", updated,
		      nmatched);
}

/* The delete of DELETE inside its transaction: the matched allocations
 * that are free, or all of them with force. */
static enum perr
delete_matched(struct req *req, const char *node, const struct alloc_filter *f,
	       bool force, long long *matched_out, long long *deleted_out)
{
	struct json_object *list = req_own(req, json_object_new_array());
	struct db_arg args[2];
	struct db_res res;
	enum perr e;
	size_t i;

	e = matched(req, node, f, &res);
	if (e != PERR_OK)
		return e;
	*matched_out = (long long)res.nrows;
	for (i = 0; i < res.nrows; i++)
		if (force || strcmp(db_cell(&res, i, 2), "0") == 0)
			json_object_array_add(
				list,
				json_object_new_string(db_cell(&res, i, 0)));
	db_res_free(&res);
	*deleted_out = (long long)json_object_array_length(list);
	if (*deleted_out == 0)
		return PERR_OK;
	args[0] = DB_STR(
		json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN));
	args[1] = DB_STR(node);
	return db_exec(req->db, STMT_ALLOC_DELETE, args, 2, NULL);
}

/* DELETE .../allocations: {selector, force?}. 409 when everything matched
 * is assigned and force is off. {"deleted": n, "skipped": matched - n} */
static void
handle_delete(struct req *req)
{
	struct json_object *errs, *echo, *d;
	long long nmatched = 0, deleted = 0;
	struct alloc_filter f;
	const char *node;
	bool force;
	enum perr e;

	if (!node_gate(req, &node))
		return;
	errs = req_own(req, json_object_new_array());
	if (!body_selector(req, &f, errs, &echo) ||
	    !no_rule_errors(req, json_object_get(errs)) ||
	    !gate_admin_permission(req, PERM))
		return;
	force = json_object_get_boolean(body(req, NULL, "force"));
	e = tx_lock_node(req, node);
	if (e == PERR_OK)
		e = db_tx_end(req->db, delete_matched(req, node, &f, force,
						      &nmatched, &deleted));
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	if (deleted == 0 && nmatched > 0) {
		response_error(req, 409,
			       "every matched allocation is assigned to a "
			       "server, force deletion to remove them anyway");
		return;
	}
	d = activity_start(req, node, NULL);
	ADD(d, "selector", json_object_get(echo));
	ADD(d, "force", json_object_new_boolean(force));
	answer_counts(req, d, "node:allocation.delete", "deleted", deleted,
		      nmatched);
}

static const struct jfield create_types[] = {
	{"ip", JF_STRING, true, false, 0, 0},
	{"ip_alias", JF_STRING, false, true, 0, 0},
};
static const struct jfield move_types[] = {
	{"selector", JF_OBJECT, true, false, 0, 0},
	{"ip", JF_STRING, true, false, 0, 0},
	{"ip_alias", JF_STRING, false, true, 0, 0},
};
static const struct jfield delete_types[] = {
	{"selector", JF_OBJECT, true, false, 0, 0},
	{"force", JF_BOOL, false, false, 0, 0},
};

/* 65535 ports, or 65535 uuids in a selector, fit */
#define BODY_PORTS_MAX (1024 * 1024)
#define BODY_SELECTOR_MAX (3 * 1024 * 1024)
#define ALLOCS "/api/admin/nodes/{node}/allocations"

/* Permissions are checked in the handlers, after the request's own
 * checks, as the contract orders them. */
static const struct route routes[] = {
	{"GET", ALLOCS, GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_list, 0},
	{"GET", ALLOCS "/available", GATE_ADMIN, NULL, BODY_NONE, NULL, 0,
	 handle_available, 0},
	{"GET", ALLOCS "/ips", GATE_ADMIN, NULL, BODY_NONE, NULL, 0, handle_ips,
	 0},
	{"POST", ALLOCS, GATE_ADMIN, NULL, BODY_PORTS_MAX, create_types,
	 NF(create_types), handle_create, 0},
	{"PATCH", ALLOCS, GATE_ADMIN, NULL, BODY_SELECTOR_MAX, move_types,
	 NF(move_types), handle_move, 0},
	{"DELETE", ALLOCS, GATE_ADMIN, NULL, BODY_SELECTOR_MAX, delete_types,
	 NF(delete_types), handle_delete, 0},
};

const struct route_group handler_admin_allocations_group = {routes, NF(routes)};
