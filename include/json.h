/*
 * json.h: request bodies parsed with limits (depth, strict syntax, valid
 * UTF-8, an object at the top) and checked against a per-route field table;
 * small constructors for response bodies.
 */
#ifndef PANEL_JSON_H
#define PANEL_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct json_object; /* json-c */
struct arena;

#define JSON_MAX_DEPTH 16

/*
 * Parses len bytes. An empty body is {}. On success *out is a new object
 * the caller releases with json_object_put(). On failure *msg (static or in
 * arena a) is the "invalid payload: ..." text and *out is untouched.
 */
bool json_parse_body(const char *buf, size_t len, int max_depth,
		     struct arena *a, struct json_object **out,
		     const char **msg);

enum jfield_type {
	JF_STRING,
	JF_INT,
	JF_BOOL,
	JF_STRING_ARRAY,
	JF_OBJECT,
};

/* One row per accepted field of a route's body. Unknown fields are ignored
 * (the contract's rule). */
struct jfield {
	const char *name;
	enum jfield_type type;
	bool required;
	bool nullable; /* null allowed (else null counts as absent) */
	long long min; /* strings: characters; ints: value; arrays: items */
	long long max;
};

/*
 * Checks obj against fields. Returns false with *payload_msg set for a type
 * or presence error ("invalid payload: ..."), or false with *rule_errs (a
 * new json array of "field: message" strings, caller puts it) for rule
 * failures; true when everything holds.
 */
bool json_validate(struct json_object *obj, const struct jfield *fields,
		   size_t nfields, struct arena *a, const char **payload_msg,
		   struct json_object **rule_errs);
/*
 * The same for a nested object: field paths are "prefix.name" (prefix NULL
 * for the top level), rule failures are appended to *errs (a new array
 * when it is NULL). False only for a type or presence error (*payload_msg).
 */
/* Appends a "field: message" rule failure to *errs (a new array when it
 * is NULL). */
void json_rule_add(struct json_object **errs, const char *msg);
bool json_validate_into(struct json_object *obj, const struct jfield *fields,
			size_t nfields, const char *prefix, struct arena *a,
			const char **payload_msg, struct json_object **errs);

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes, RFC
 * 3629: no overlong forms, surrogates or code points above U+10FFFF), or 0.
 */
size_t utf8_seq(const unsigned char *s, size_t n);
/* Number of Unicode scalar values in valid UTF-8. */
size_t utf8_chars(const char *s, size_t len);

/* Response helpers; NULL input gives JSON null. */
struct json_object *json_str_or_null(const char *s);
/* A DATETIME(6) string from the database as RFC 3339, or null. */
struct json_object *json_ts_or_null(const char *db);

#endif
