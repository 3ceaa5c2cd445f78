/*
 * peruser.h: what the caller's own lists share (server groups, contract-
 * extra 4; command snippets, 3.1): UUID arrays in bodies, the model rules
 * checked after the permission, the row of the caller that a path names,
 * and the insert that honours a per-user count limit.
 */
#ifndef PANEL_PERUSER_H
#define PANEL_PERUSER_H

#include <stdbool.h>
#include <stddef.h>

#include "db_stmt.h"

struct req;
struct jfield;
struct db_arg;
struct db_res;
struct json_object;

/* The body's value of name (borrowed), NULL when absent or null. */
struct json_object *peruser_field(const struct req *req, const char *name);

/*
 * The body's string array name as lowercase RFC 9562 UUIDs (version 1-8,
 * variant 10xx, or nil or max): *out is a new array
 * owned by the request, or NULL when the field is absent or null. False
 * with "400 invalid payload: <name>[i]: invalid UUID" set (a parse error,
 * answered before the permission check).
 */
bool peruser_uuids(struct req *req, const char *name, struct json_object **out);

/* The body against a model rule table: false with the plain 400 listing
 * every failed rule. */
bool peruser_validate(struct req *req, const struct jfield *rules, size_t n);

/*
 * The caller's row {uuid, caller} of statement id into *res (caller frees
 * it). False with 404 missing set, or the 5xx.
 */
bool peruser_load(struct req *req, enum stmt id, const char *uuid,
		  const char *missing, struct db_res *res);

/*
 * The caller's row named by path parameter param, in the contract's order:
 * the path (400 "Invalid URL: invalid UUID in {param}"), the user
 * permission perm (403), the row (404 missing). Its uuid (arena) and the
 * row in *res (caller frees it), or NULL with the response set.
 */
const char *peruser_target(struct req *req, const char *param, const char *perm,
			   enum stmt id, const char *missing,
			   struct db_res *res);

/*
 * Answers {"<key>": [row_json of each row]} for statement id with args
 * (an unpaginated list), or the 5xx.
 */
typedef struct json_object *(*peruser_row_fn)(const struct db_res *res,
					      size_t row);
void peruser_list(struct req *req, enum stmt id, const struct db_arg *args,
		  size_t nargs, const char *key, peruser_row_fn row_json);

/*
 * Runs the change id with args; then logs event with data (taken) for the
 * caller and answers {}. On a duplicate key 409 conflict (when not NULL),
 * else the 5xx; data is dropped then.
 */
void peruser_change(struct req *req, enum stmt id, const struct db_arg *args,
		    size_t nargs, const char *conflict, const char *event,
		    struct json_object *data);

/* A limited insert: see peruser_create. */
struct peruser_insert {
	enum stmt count;  /* caller -> COUNT(*) */
	enum stmt insert; /* args */
	const struct db_arg *args;
	size_t nargs;
	const char *limit_key; /* user::max_..._count */
	long long limit_def;
	const char *full_msg;	    /* 417 text */
	const struct jfield *rules; /* model rules, checked after the limit */
	size_t nrules;
	const char *conflict_msg; /* 409 text on a duplicate key */
};

/*
 * Inside one transaction that holds the caller's users row (so concurrent
 * creates cannot pass the limit together): count, 417 when the limit is
 * reached, the model rules (400), the insert (409 on a duplicate key).
 * True when the row was inserted; else the response is set.
 */
bool peruser_create(struct req *req, const struct peruser_insert *c);

#endif
