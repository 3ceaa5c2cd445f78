/*
 * node.h: locations and nodes as the admin routes see them (contract 3.8,
 * 3.9, 8.3, 8.4): the row shapes and their JSON objects, the strict URL
 * parser of node URLs, the node daemon token (generated here, stored
 * sealed, opened for daemon calls), the two sub-gates, and the field-table
 * helpers the admin handlers of locations, nodes and allocations share.
 */
#ifndef PANEL_NODE_H
#define PANEL_NODE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "crypto.h"
#include "db_stmt.h"
#include "json.h"
#include "page.h"

struct req;
struct arena;
struct db_arg;
struct db_res;

/*
 * Row shapes of the statements (their SQL is in db_stmt.c): a location row
 * is uuid, name, description, flag, created; a node row is the node's
 * uuid, its location's row, then name, description, deployment_enabled,
 * maintenance_enabled, public_url, url, sftp_host, sftp_port, memory, disk,
 * created.
 */
#define LOCATION_NCOLS 5
#define NODE_NCOLS 17

/* Location (3.8) and Node (3.9) objects of a row, new; col is the column
 * of the row's first location / node column. The node's URLs are
 * normalised (node_url_output, in the request's arena). */
struct json_object *node_location_json(const struct db_res *res, size_t row,
				       size_t col);
struct json_object *node_json(struct req *req, const struct db_res *res,
			      size_t row, size_t col);

/*
 * The strict URL parser of node URLs: scheme http or https, "//", a host
 * (DNS name, dotted IPv4 address or [IPv6 address]), an optional port
 * 1-65535, then an optional path, query and fragment of printable ASCII.
 * Returns NULL when s is such a URL and stores its normalised form
 * (lowercase scheme and host, no default port, "/" for an empty path) in
 * *norm_out (arena a; norm_out may be NULL); else returns the reason for
 * "not a valid url: <reason>" (static).
 */
const char *node_url_parse(struct arena *a, const char *s,
			   const char **norm_out);
/* The normalised form of a stored URL (arena), or s itself when it does
 * not parse; NULL for NULL. */
const char *node_url_output(struct arena *a, const char *s);

/* The daemon token pair: a 16-character id and a 64-character secret, both
 * [A-Za-z0-9] from the strong generator. The secret is stored sealed
 * (AES-256-GCM under the secrets file's encryption_key, the node's uuid as
 * associated data), never in clear. */
#define NODE_TOKEN_ID_LEN 16
#define NODE_TOKEN_LEN 64
#define NODE_TOKEN_SEALED_LEN (CRYPTO_SEAL_OVERHEAD + NODE_TOKEN_LEN)

struct node_token_pair {
	char id[NODE_TOKEN_ID_LEN + 1];
	char token[NODE_TOKEN_LEN + 1];
	unsigned char sealed[NODE_TOKEN_SEALED_LEN];
};

/* A new pair for node_uuid. False when sealing fails. The caller wipes
 * *out (crypto_wipe) when done. */
bool node_token_new(const struct req *req, const char *node_uuid,
		    struct node_token_pair *out);
/*
 * What a daemon call needs: the node's token, opened (out, NUL-terminated;
 * wipe it after use), and when url_out is not NULL the daemon base URL
 * without a trailing "/" (arena). False when the node does not exist, the
 * database fails or the stored token does not open (logged, never shown).
 */
bool node_daemon(struct req *req, const char *node_uuid,
		 char out[NODE_TOKEN_LEN + 1], const char **url_out);
/* node_daemon without the URL. */
bool node_token(struct req *req, const char *node_uuid,
		char out[NODE_TOKEN_LEN + 1]);

/*
 * The sub-gates of /api/admin/locations/{location} (contract 8.3) and
 * /api/admin/nodes/{node} (8.4): not a UUID -> 400 invalid ... uuid,
 * then the read permission (403), then 404 ... not found. On success *res
 * holds the row (a location or node row; the caller frees it; res may
 * be NULL when the row is not wanted) and *uuid_out the normalised uuid
 * (arena); else the response is set.
 */
bool node_location_gate(struct req *req, struct db_res *res,
			const char **uuid_out);
bool node_node_gate(struct req *req, struct db_res *res, const char **uuid_out);

/*
 * A paginated admin list: the pagination (400), then perm (403), then
 * statement id with ([scope, scope,] search, search, limit, offset); scope
 * is bound for STMT_NODE_LIST only (the location, NULL = every node).
 * Answers {"<key>": Pagination} of row_json's objects.
 */
void node_page_list(struct req *req, const char *perm, enum stmt id,
		    const char *scope, const char *key, page_row_fn row_json);
/* The Node object of a STMT_NODE_LIST row (a page_row_fn). */
struct json_object *node_page_row(struct req *req, const struct db_res *res,
				  size_t row);

/* A DELETE whose statement removes nothing while something still
 * depends on the row. */
struct node_delete {
	const char *perm; /* the route's admin permission */
	enum stmt stmt;	  /* binds the uuid nuuid times (at most 3) */
	size_t nuuid;
	int status;	     /* the answer when the row stays */
	const char *refusal; /* its message */
	const char *event;   /* admin activity, data {uuid, name} */
};
/* After the sub-gate: the permission, the guarded delete, the activity
 * row, the answer ({} or the refusal). */
void node_guarded_delete(struct req *req, const struct node_delete *d,
			 const char *uuid, const char *name);

/*
 * Field tables. A route's row carries the type-only table (types and
 * presence, checked before everything); the handler checks the rules with
 * node_rule_errors after its sub-gate and permission, as the panel's model
 * validation does (contract 1.4). The X-macro lists of the handlers give
 * both tables from one list: X(name, type, required on create, clearable
 * on update, min, max).
 */
#define NODE_JF_ANY_MIN(t) ((t) == JF_INT ? LLONG_MIN : 0)
#define NODE_JF_ANY_MAX(t) ((t) == JF_INT ? LLONG_MAX : 0)
#define NODE_JF_CREATE_TYPE(n, t, req, clr, lo, hi)                            \
	{n, t, req, false, NODE_JF_ANY_MIN(t), NODE_JF_ANY_MAX(t)},
#define NODE_JF_CREATE_RULE(n, t, req, clr, lo, hi) {n, t, req, false, lo, hi},
#define NODE_JF_UPDATE_TYPE(n, t, req, clr, lo, hi)                            \
	{n, t, false, clr, NODE_JF_ANY_MIN(t), NODE_JF_ANY_MAX(t)},
#define NODE_JF_UPDATE_RULE(n, t, req, clr, lo, hi) {n, t, false, clr, lo, hi},

/*
 * The rule failures of req->json against rules, in field order, with the
 * URL rule added for the fields named in url_fields (NULL-terminated);
 * a new array, or NULL when every rule holds.
 */
struct json_object *node_rule_errors(struct req *req,
				     const struct jfield *rules, size_t n,
				     const char *const *url_fields);
/*
 * The string fields among names (NULL-terminated) that are given and not
 * null must be UUIDs; else sets 400 "invalid payload: ..." and returns
 * false. The body's own type check has run already.
 */
bool node_body_uuids(struct req *req, const char *const *names);
/* The body's value of field f as a bound argument (NULL when absent or
 * null; booleans as 0/1). Strings are borrowed from the body. */
struct db_arg node_body_arg(struct req *req, const struct jfield *f);
/*
 * For an UPDATE that sets "col = IF(?, ?, col)" per field: two arguments
 * per field of fields (sent?, value) into args (2 * n slots). A clearable
 * field sent as null is sent with value NULL; any other null is not sent.
 */
void node_patch_args(struct req *req, const struct jfield *fields, size_t n,
		     struct db_arg *args);
/* True when the body holds field name (null included). */
bool node_body_has(struct req *req, const char *name);
/*
 * The checks a create or update of a location or node runs after its
 * sub-gate, in the contract's order: the UUID fields of uuid_fields
 * (NULL-terminated; invalid payload), the permission perm, the rules
 * (node_rule_errors), then backup_configuration_uuid, which never names an
 * existing row (backup configurations are out of scope: 400 invalid
 * relation). False with the response set.
 */
bool node_body_checks(struct req *req, const char *perm,
		      const struct jfield *rules, size_t n,
		      const char *const *uuid_fields,
		      const char *const *url_fields);

#endif
