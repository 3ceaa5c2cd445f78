/* json.c: see json.h. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "util.h"

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Length of an RFC 8259 number at s, or 0. */
static size_t
number_len(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

/* The code unit of the \uXXXX escape at s (6 bytes available), or -1. */
static long
escape_unit(const char *s, size_t n)
{
	long v = 0;
	int i, d;

	if (n < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((d = hex_digit(s[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Bytes of the escape at buf (a backslash), 0 for a lone surrogate. */
static size_t
escape_len(const char *buf, size_t n)
{
	long u = escape_unit(buf, n), lo;

	if (u < 0)
		return 2; /* \" \\ \n ...: json-c checked them */
	if (u >= 0xdc00 && u <= 0xdfff)
		return 0;
	if (u < 0xd800 || u > 0xdbff)
		return 6;
	lo = escape_unit(buf + 6, n - 6);
	return lo >= 0xdc00 && lo <= 0xdfff ? 12 : 0;
}

/* Object keys met so far, for the duplicate check: one frame per open
 * container (its first key in keys[]). */
#define SCAN_FRAMES 64
struct keyref {
	const char *p;
	size_t n;
};
struct scan {
	struct keyref *keys;
	size_t nkeys, cap;
	size_t frame_start[SCAN_FRAMES];
	bool frame_object[SCAN_FRAMES], expect_key[SCAN_FRAMES];
	int depth;
};

static int
keycmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return memcmp(x->p, y->p, x->n);
}

/* Closes the top frame; an object's keys must be distinct. Returns the
 * repeated key or NULL. */
static const struct keyref *
scan_close(struct scan *sc)
{
	const struct keyref *dup = NULL;
	size_t from, i;

	if (sc->depth == 0)
		return NULL;
	from = sc->frame_start[--sc->depth];
	if (sc->frame_object[sc->depth] && sc->nkeys - from > 1) {
		qsort(sc->keys + from, sc->nkeys - from, sizeof(*sc->keys),
		      keycmp);
		for (i = from + 1; i < sc->nkeys && dup == NULL; i++)
			if (keycmp(&sc->keys[i - 1], &sc->keys[i]) == 0)
				dup = &sc->keys[i];
	}
	if (dup == NULL)
		sc->nkeys = from;
	return dup;
}

static void
scan_key(struct scan *sc, const char *p, size_t n)
{
	if (sc->nkeys == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 64;
		sc->keys = xrealloc(sc->keys, sc->cap * sizeof(*sc->keys));
	}
	sc->keys[sc->nkeys].p = p;
	sc->keys[sc->nkeys++].n = n;
}

/*
 * json-c 0.16 in strict mode still takes single-quoted names, NaN,
 * Infinity, "1." and raw control bytes in strings, lone surrogate escapes
 * (as U+FFFD) and repeated keys of an object (the last wins), and its UTF-8
 * check lets overlong forms, surrogates and code points above U+10FFFF
 * through. This token-level pass over a body json-c accepted rejects
 * those; json-c has already checked the structure. Returns the offending
 * offset or len; *dup is set for a repeated key.
 */
static size_t
strict_scan(const char *buf, size_t len, const char **what, struct scan *sc,
	    const struct keyref **dup)
{
	size_t i = 0, k, str_start = 0;
	bool in_str = false, is_key = false;

	while (i < len) {
		unsigned char c = (unsigned char)buf[i];

		if (in_str) {
			if (c == '"') {
				in_str = false;
				if (is_key)
					scan_key(sc, buf + str_start,
						 i - str_start);
			} else if (c == '\\') {
				k = escape_len(buf + i, len - i);
				if (k == 0) {
					*what = "lone surrogate escape";
					return i;
				}
				i += k;
				continue;
			} else if (c < 0x20) {
				*what = "control character in string";
				return i;
			} else if (c >= 0x80) {
				k = utf8_seq((const unsigned char *)buf + i,
					     len - i);
				if (k == 0) {
					*what = "invalid utf-8 string";
					return i;
				}
				i += k;
				continue;
			}
			i++;
		} else if (c == '"') {
			in_str = true;
			is_key = sc->depth > 0 && sc->expect_key[sc->depth - 1];
			if (is_key)
				sc->expect_key[sc->depth - 1] = false;
			str_start = ++i;
		} else if (c == '{' || c == '[') {
			if (sc->depth == SCAN_FRAMES) {
				*what = "nested too deep";
				return i;
			}
			sc->frame_start[sc->depth] = sc->nkeys;
			sc->frame_object[sc->depth] = c == '{';
			sc->expect_key[sc->depth++] = c == '{';
			i++;
		} else if (c == '}' || c == ']') {
			if ((*dup = scan_close(sc)) != NULL)
				return i;
			i++;
		} else if (c == ',') {
			if (sc->depth > 0 && sc->frame_object[sc->depth - 1])
				sc->expect_key[sc->depth - 1] = true;
			i++;
		} else if (strchr(" \t\r\n:", c) != NULL) {
			i++;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			k = number_len(buf + i, len - i);
			if (k == 0) {
				*what = "invalid number";
				return i;
			}
			i += k;
		} else if (len - i >= 4 && (strncmp(buf + i, "true", 4) == 0 ||
					    strncmp(buf + i, "null", 4) == 0)) {
			i += 4;
		} else if (len - i >= 5 && strncmp(buf + i, "false", 5) == 0) {
			i += 5;
		} else {
			*what = "unexpected character";
			return i;
		}
	}
	return len;
}

bool
json_parse_body(const char *buf, size_t len, int max_depth, struct arena *a,
		struct json_object **out, const char **msg)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	const char *what = NULL;
	const struct keyref *dup = NULL;
	struct scan sc = {0};
	size_t i, end;

	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n')
			break;
	if (i == len) {
		*out = json_object_new_object();
		return true;
	}
	if (len > (size_t)0x7fffffff) {
		*msg = "invalid payload: request body is too large";
		return false;
	}
	if (memchr(buf, '\0', len) != NULL) {
		*msg = "invalid payload: NUL byte in body";
		return false;
	}
	tok = json_tokener_new_ex(max_depth);
	if (tok == NULL) {
		*msg = "invalid payload: failed to read body";
		return false;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (obj == NULL) {
		if (jerr == json_tokener_continue ||
		    jerr == json_tokener_success)
			*msg = "invalid payload: EOF while parsing a value";
		else
			*msg = arena_printf(a,
					    "invalid payload: %s at byte %zu",
					    json_tokener_error_desc(jerr), end);
		return false;
	}
	for (i = end; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n') {
			json_object_put(obj);
			*msg = arena_printf(
				a,
				"invalid payload: trailing characters "
				"at byte %zu",
				i);
			return false;
		}
	}
	end = strict_scan(buf, len, &what, &sc, &dup);
	if (dup != NULL) {
		size_t n = dup->n;

		/* at most 64 bytes of the name, cut between characters */
		if (n > 64)
			for (n = 64; n > 0 &&
				     ((unsigned char)dup->p[n] & 0xc0) == 0x80;)
				n--;
		*msg = arena_printf(a,
				    "invalid payload: duplicate field `%.*s` "
				    "at byte %zu",
				    (int)n, dup->p, end);
	}
	free(sc.keys);
	if (end != len) {
		json_object_put(obj);
		if (dup == NULL)
			*msg = arena_printf(a,
					    "invalid payload: %s at byte %zu",
					    what, end);
		return false;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		*msg = "invalid payload: invalid type: expected a JSON object";
		return false;
	}
	*out = obj;
	return true;
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static const char *
type_name(enum jfield_type t)
{
	switch (t) {
	case JF_STRING:
		return "a string";
	case JF_INT:
		return "an integer";
	case JF_BOOL:
		return "a boolean";
	case JF_STRING_ARRAY:
		return "a sequence of strings";
	case JF_OBJECT:
		return "an object";
	}
	return "a value";
}

static bool
has_type(struct json_object *v, enum jfield_type t)
{
	size_t i, n;

	switch (t) {
	case JF_STRING:
		return json_object_is_type(v, json_type_string);
	case JF_INT:
		return json_object_is_type(v, json_type_int);
	case JF_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case JF_OBJECT:
		return json_object_is_type(v, json_type_object);
	case JF_STRING_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			return false;
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (!json_object_is_type(
				    json_object_array_get_idx(v, i),
				    json_type_string))
				return false;
		return true;
	}
	return false;
}

void
json_rule_add(struct json_object **errs, const char *msg)
{
	if (*errs == NULL)
		*errs = json_object_new_array();
	json_object_array_add(*errs, json_object_new_string(msg));
}

static void
check_string(const char *name, struct json_object *v, const struct jfield *f,
	     struct arena *a, struct json_object **errs)
{
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	size_t chars;

	if (strlen(s) != len) {
		json_rule_add(
			errs,
			arena_printf(a, "%s: contains a NUL character", name));
		return;
	}
	chars = utf8_chars(s, len);
	if ((long long)chars < f->min)
		json_rule_add(errs,
			      arena_printf(a, "%s: length is lower than %lld",
					   name, f->min));
	if (f->max > 0 && (long long)chars > f->max)
		json_rule_add(errs,
			      arena_printf(a, "%s: length is greater than %lld",
					   name, f->max));
}

bool
json_validate_into(struct json_object *obj, const struct jfield *fields,
		   size_t nfields, const char *prefix, struct arena *a,
		   const char **payload_msg, struct json_object **errs)
{
	struct json_object *v;
	const char *name;
	size_t i, j, n;

	for (i = 0; i < nfields; i++) {
		const struct jfield *f = &fields[i];

		name = prefix ? arena_printf(a, "%s.%s", prefix, f->name)
			      : f->name;
		if (!json_object_object_get_ex(obj, f->name, &v) ||
		    (v == NULL && !f->nullable)) {
			if (!f->required)
				continue;
			*payload_msg = arena_printf(
				a, "invalid payload: missing field `%s`", name);
			return false;
		}
		if (v == NULL)
			continue; /* an explicit, allowed null */
		if (!has_type(v, f->type)) {
			*payload_msg = arena_printf(
				a,
				"invalid payload: invalid type for `%s`, "
				"expected %s",
				name, type_name(f->type));
			return false;
		}
		switch (f->type) {
		case JF_STRING:
			check_string(name, v, f, a, errs);
			break;
		case JF_INT: {
			int64_t x = json_object_get_int64(v);

			if (x < f->min)
				json_rule_add(
					errs,
					arena_printf(a, "%s: lower than %lld",
						     name, f->min));
			if (x > f->max)
				json_rule_add(
					errs,
					arena_printf(a, "%s: greater than %lld",
						     name, f->max));
			break;
		}
		case JF_STRING_ARRAY:
			n = json_object_array_length(v);
			if ((long long)n < f->min)
				json_rule_add(
					errs,
					arena_printf(a,
						     "%s: length is lower "
						     "than %lld",
						     name, f->min));
			if ((long long)n > f->max)
				json_rule_add(
					errs,
					arena_printf(a,
						     "%s: length is greater "
						     "than %lld",
						     name, f->max));
			for (j = 0; j < n; j++) {
				struct json_object *e =
					json_object_array_get_idx(v, j);
				const char *es = json_object_get_string(e);

				if (strlen(es) !=
				    (size_t)json_object_get_string_len(e))
					json_rule_add(
						errs,
						arena_printf(a,
							     "%s[%zu]: "
							     "contains a NUL "
							     "character",
							     name, j));
			}
			break;
		case JF_BOOL:
		case JF_OBJECT:
			break;
		}
	}
	return true;
}

bool
json_validate(struct json_object *obj, const struct jfield *fields,
	      size_t nfields, struct arena *a, const char **payload_msg,
	      struct json_object **rule_errs)
{
	struct json_object *errs = NULL;

	*payload_msg = NULL;
	if (!json_validate_into(obj, fields, nfields, NULL, a, payload_msg,
				&errs)) {
		if (errs != NULL)
			json_object_put(errs);
		*rule_errs = NULL;
		return false;
	}
	*rule_errs = errs;
	return errs == NULL;
}

struct json_object *
json_str_or_null(const char *s)
{
	return s == NULL ? NULL : json_object_new_string(s);
}

struct json_object *
json_ts_or_null(const char *db)
{
	char ts[TS_BUFSZ];

	if (db == NULL || !ts_from_db(db, ts))
		return NULL;
	return json_object_new_string(ts);
}
