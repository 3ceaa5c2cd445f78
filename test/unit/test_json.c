/* test_json.c: body parsing limits and the field-table validator. */
#include "autoconf.h"
#include "tap.h"

#include <json-c/json.h>

#include "json.h"
#include "util.h"

int main(void);

static struct arena a;

/* Parses the first len bytes (so NULs can be embedded); true on success. */
static bool
parse(const char *buf, size_t len, const char **msg)
{
	struct json_object *obj = NULL;
	bool ok;

	*msg = NULL;
	ok = json_parse_body(buf, len, JSON_MAX_DEPTH, &a, &obj, msg);
	if (ok) {
		if (!json_object_is_type(obj, json_type_object))
			ok = false;
		json_object_put(obj);
	}
	return ok;
}

#define PARSE_OK(lit, what)                                                \
	do {                                                               \
		const char *m_;                                            \
		CHECK(parse((lit), sizeof(lit) - 1, &m_), "accepted: %s",  \
		      (what));                                             \
	} while (0)

#define PARSE_BAD(lit, what)                                               \
	do {                                                               \
		const char *m_;                                            \
		bool ok_ = parse((lit), sizeof(lit) - 1, &m_);             \
		CHECK(!ok_ && m_ != NULL &&                                \
		              strncmp(m_, "invalid payload: ", 17) == 0,   \
		      "rejected: %s (%s)", (what), m_ ? m_ : "no message"); \
	} while (0)

static void
test_parse_basic(void)
{
	struct json_object *obj = NULL, *v;
	const char *msg;

	CHECK(json_parse_body("", 0, JSON_MAX_DEPTH, &a, &obj, &msg) &&
	              obj != NULL && json_object_is_type(obj, json_type_object) &&
	              json_object_object_length(obj) == 0,
	      "empty body is {}");
	json_object_put(obj);
	obj = NULL;
	CHECK(json_parse_body(" \r\n\t ", 5, JSON_MAX_DEPTH, &a, &obj, &msg) &&
	              obj != NULL && json_object_object_length(obj) == 0,
	      "whitespace body is {}");
	json_object_put(obj);
	obj = NULL;
	CHECK(json_parse_body("{\"a\":1,\"b\":[\"x\"]}garbage", 17,
	                      JSON_MAX_DEPTH, &a, &obj, &msg),
	      "only len bytes are read");
	CHECK(obj != NULL && json_object_object_get_ex(obj, "b", &v) &&
	              json_object_is_type(v, json_type_array),
	      "parsed object has its members");
	json_object_put(obj);

	PARSE_OK("{}", "{}");
	PARSE_OK(" {} \n", "{} with surrounding whitespace");
	PARSE_OK("{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
	         "2-, 3- and 4-byte UTF-8");
	PARSE_OK("{\"a\":\"\\u00e9\\ud83d\\ude00\"}", "escaped BMP and pair");
	PARSE_OK("{\"a\":-0,\"b\":1.5e3,\"c\":true,\"d\":null,\"e\":{}}",
	         "every value kind");
	PARSE_OK("{\"a\":\"\\u0000\"}", "escaped NUL inside a string");
	PARSE_OK("{\"\xf4\x8f\xbf\xbf\":1}", "U+10FFFF");
	PARSE_OK("{\"\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbd\":1}",
	         "U+D7FF, U+E000, U+FFFD");
	PARSE_OK("{\"a\":\"q\\\"b\\\\\\/\\b\\f\\n\\r\\t\\\"\"}",
	         "every escape, quote and backslash included");
	PARSE_OK("{\"a\":[0,-0,1,-1,10,0.5,-0.5e-3,1E+2,1e5,2E-0]}",
	         "every number form");
	PARSE_OK("{\"t\":true,\"f\":false,\"n\":null,\"s\":\"true NaN '\"}",
	         "literals, and words inside strings");
	PARSE_OK("{ \"a\" : [ ] , \"b\" : { } }", "spaces between tokens");
}

static void
test_parse_errors(void)
{
	const char *msg;
	struct json_object *obj = (struct json_object *)&a; /* sentinel */

	CHECK(!json_parse_body("[1]", 3, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "array at top level rejected");
	CHECK_STR(msg, "invalid payload: invalid type: expected a JSON object",
	          "array at top level message");
	CHECK(obj == (struct json_object *)&a, "*out untouched on failure");
	CHECK(!json_parse_body("\"s\"", 3, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "string at top level rejected");
	CHECK_STR(msg, "invalid payload: invalid type: expected a JSON object",
	          "string at top level message");
	CHECK(!json_parse_body("12 ", 3, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "number at top level rejected");
	CHECK(strncmp(msg, "invalid payload: invalid type", 29) == 0,
	      "number at top level: invalid type (%s)", msg);
	CHECK(!json_parse_body("null", 4, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "null at top level rejected");
	CHECK(!json_parse_body("true", 4, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "true at top level rejected");

	CHECK(!json_parse_body("{} x", 4, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "trailing garbage rejected");
	CHECK(!json_parse_body("{}{}", 4, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "two objects rejected");
	CHECK(!json_parse_body("{", 1, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "unterminated object rejected");
	CHECK_STR(msg, "invalid payload: EOF while parsing a value",
	          "unterminated message");
	CHECK(!json_parse_body("{\"a\":\"x", 7, JSON_MAX_DEPTH, &a, &obj, &msg),
	      "unterminated string rejected");
	CHECK(!json_parse_body("{\"a\":1}\0", 8, JSON_MAX_DEPTH, &a, &obj,
	                       &msg),
	      "NUL byte after the object rejected");
	CHECK_STR(msg, "invalid payload: NUL byte in body", "NUL message");
	CHECK(!json_parse_body("{\"a\":\"x\0y\"}", 11, JSON_MAX_DEPTH, &a, &obj,
	                       &msg),
	      "raw NUL byte inside a string rejected");
	CHECK(obj == (struct json_object *)&a, "*out still untouched");

	PARSE_BAD("{\"a\":1,}", "trailing comma");
	PARSE_BAD("{\"a\":[1,]}", "trailing comma in array");
	PARSE_BAD("{a:1}", "unquoted name");
	PARSE_BAD("{'a':1}", "single-quoted name");
	PARSE_BAD("{\"a\":'x'}", "single-quoted value");
	PARSE_BAD("{\"a\":01}", "leading zero");
	PARSE_BAD("{\"a\":.5}", "number without an integer part");
	PARSE_BAD("{\"a\":1.}", "number without fraction digits");
	PARSE_BAD("{\"a\":1e}", "number without exponent digits");
	PARSE_BAD("{\"a\":+1}", "plus sign");
	PARSE_BAD("{\"a\":0x10}", "hex number");
	PARSE_BAD("{\"a\":NaN}", "NaN");
	PARSE_BAD("{\"a\":Infinity}", "Infinity");
	PARSE_BAD("{\"a\":-Infinity}", "-Infinity");
	PARSE_BAD("{\"a\":True}", "capitalised literal");
	PARSE_BAD("{\"a\":tru}", "truncated literal");
	PARSE_BAD("{\"a\":1}/*c*/", "comment");
	PARSE_BAD("{\"a\":\"\\x41\"}", "\\x escape");
	PARSE_BAD("{\"a\":\"\t\"}", "raw tab inside a string");
	PARSE_BAD("{\"a\":\"\x01\"}", "raw control byte inside a string");
	PARSE_BAD("{\"a\":\"\n\"}", "raw newline inside a string");

	/* Invalid UTF-8, inside and outside strings. */
	PARSE_BAD("{\"a\":\"\xff\"}", "0xff byte");
	PARSE_BAD("{\"a\":\"\x80\"}", "lone continuation byte");
	PARSE_BAD("{\"a\":\"\xc3\"}", "truncated 2-byte sequence");
	PARSE_BAD("{\"a\":\"\xe2\x82\"}", "truncated 3-byte sequence");
	PARSE_BAD("{\"a\":\"\xc0\xaf\"}", "overlong '/'");
	PARSE_BAD("{\"a\":\"\xe0\x80\xaf\"}", "3-byte overlong");
	PARSE_BAD("{\"a\":\"\xed\xa0\x80\"}", "UTF-8 encoded surrogate");
	PARSE_BAD("{\"a\":\"\xf4\x90\x80\x80\"}", "above U+10FFFF");
	PARSE_BAD("{\"a\":\"\xf8\x88\x80\x80\x80\"}", "5-byte form");
	PARSE_BAD("{\"\xff\":1}", "0xff in a name");
	PARSE_BAD("\xef\xbb\xbf{}", "byte order mark");
	PARSE_BAD("{}\xff", "0xff after the object");

	CHECK(!parse("{\"a\":NaN}", 9, &msg), "NaN rejected");
	CHECK_STR(msg, "invalid payload: unexpected character at byte 5",
	          "NaN message");
	CHECK(!parse("{\"a\":\"\xc0\xaf\"}", 10, &msg), "overlong rejected");
	CHECK_STR(msg, "invalid payload: invalid utf-8 string at byte 6",
	          "overlong message");
	CHECK(!parse("{\"a\":1.}", 8, &msg), "1. rejected");
	CHECK_STR(msg, "invalid payload: invalid number at byte 5",
	          "bad number message");
	CHECK(!parse("{\"a\":\"\t\"}", 9, &msg), "raw tab rejected");
	CHECK_STR(msg, "invalid payload: control character in string at byte 6",
	          "control character message");
}

/* n nested objects {"a":{"a":...}} around inner. */
static bool
nested(int n, const char *inner, const char **msg)
{
	char buf[1024];
	size_t o = 0;
	int i;

	if (n < 0 || (size_t)n * 6 + strlen(inner) >= sizeof(buf))
		return false;
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "{\"a\":");
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", inner);
	for (i = 0; i < n; i++)
		buf[o++] = '}';
	buf[o] = '\0';
	return parse(buf, o, msg);
}

static void
test_depth(void)
{
	const char *msg;

	/*
	 * json-c counts every value on the path, the leaf included: with a
	 * limit of 16 a body may hold 16 nested containers when the inner
	 * one is empty, or 15 around a scalar.
	 */
	CHECK(JSON_MAX_DEPTH == 16, "JSON_MAX_DEPTH is 16");
	CHECK(nested(JSON_MAX_DEPTH - 2, "1", &msg),
	      "15 levels with a scalar leaf accepted");
	CHECK(nested(JSON_MAX_DEPTH - 1, "1", &msg),
	      "16 levels (15 objects + scalar) accepted");
	CHECK(!nested(JSON_MAX_DEPTH, "1", &msg),
	      "17 levels (16 objects + scalar) rejected");
	CHECK(msg != NULL && strstr(msg, "nesting too deep") != NULL,
	      "depth message (%s)", msg ? msg : "none");
	CHECK(nested(JSON_MAX_DEPTH - 1, "{}", &msg),
	      "16 nested objects, inner empty, accepted");
	CHECK(!nested(JSON_MAX_DEPTH, "{}", &msg),
	      "17 nested objects rejected");
	CHECK(nested(JSON_MAX_DEPTH - 2, "[[]]", &msg),
	      "arrays count the same: 14 objects + 2 arrays");
	CHECK(!nested(JSON_MAX_DEPTH - 2, "[[[]]]", &msg),
	      "arrays count the same: 14 objects + 3 arrays rejected");
	CHECK(!nested(100, "1", &msg), "100 levels rejected");
}

static const struct jfield fields[] = {
	{ "name", JF_STRING, true, false, 3, 31 },
	{ "count", JF_INT, false, false, 0, 10 },
	{ "admin", JF_BOOL, false, false, 0, 0 },
	{ "tags", JF_STRING_ARRAY, false, false, 0, 3 },
	{ "note", JF_STRING, false, true, 0, 5 },
	{ "meta", JF_OBJECT, false, false, 0, 0 },
	{ "ids", JF_STRING_ARRAY, false, false, 1, 2 },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/*
 * Validates text; returns the payload message, "ok", or the rule errors
 * joined with '|'.
 */
static const char *
validate(const char *text)
{
	struct json_object *obj = NULL, *errs = NULL;
	const char *pmsg = NULL, *res;
	bool ok;
	size_t i, n;

	if (!json_parse_body(text, strlen(text), JSON_MAX_DEPTH, &a, &obj,
	                     &pmsg))
		return arena_printf(&a, "parse: %s", pmsg);
	ok = json_validate(obj, fields, NFIELDS, &a, &pmsg, &errs);
	if (ok) {
		res = errs == NULL ? "ok" : "ok but errs set";
	} else if (errs == NULL) {
		res = pmsg != NULL ? pmsg : "failed without a message";
	} else {
		res = "";
		n = json_object_array_length(errs);
		for (i = 0; i < n; i++)
			res = arena_printf(
				&a, "%s%s%s", res, i ? "|" : "",
				json_object_get_string(
					json_object_array_get_idx(errs, i)));
		json_object_put(errs);
	}
	json_object_put(obj);
	return res;
}

static void
test_validate(void)
{
	static const struct {
		const char *body, *want;
	} cases[] = {
		{ "{\"name\":\"abc\"}", "ok" },
		{ "{}", "invalid payload: missing field `name`" },
		{ "{\"count\":1}", "invalid payload: missing field `name`" },
		{ "{\"name\":null}", "invalid payload: missing field `name`" },
		{ "{\"Name\":\"abc\"}", "invalid payload: missing field `name`" },
		{ "{\"name\":5}", "invalid payload: invalid type for `name`, "
		                  "expected a string" },
		{ "{\"name\":[\"abc\"]}", "invalid payload: invalid type for "
		                          "`name`, expected a string" },
		{ "{\"name\":\"abc\",\"count\":\"1\"}",
		  "invalid payload: invalid type for `count`, expected an "
		  "integer" },
		{ "{\"name\":\"abc\",\"count\":1.0}",
		  "invalid payload: invalid type for `count`, expected an "
		  "integer" },
		{ "{\"name\":\"abc\",\"count\":true}",
		  "invalid payload: invalid type for `count`, expected an "
		  "integer" },
		{ "{\"name\":\"abc\",\"admin\":1}",
		  "invalid payload: invalid type for `admin`, expected a "
		  "boolean" },
		{ "{\"name\":\"abc\",\"tags\":\"x\"}",
		  "invalid payload: invalid type for `tags`, expected a "
		  "sequence of strings" },
		{ "{\"name\":\"abc\",\"tags\":[\"x\",1]}",
		  "invalid payload: invalid type for `tags`, expected a "
		  "sequence of strings" },
		{ "{\"name\":\"abc\",\"meta\":[]}",
		  "invalid payload: invalid type for `meta`, expected an "
		  "object" },
		/* A type error wins over rule failures seen before it. */
		{ "{\"name\":\"ab\",\"count\":\"x\"}",
		  "invalid payload: invalid type for `count`, expected an "
		  "integer" },

		/* String lengths count characters. */
		{ "{\"name\":\"ab\"}", "name: length is lower than 3" },
		{ "{\"name\":\"\"}", "name: length is lower than 3" },
		{ "{\"name\":\"abc\"}", "ok" },
		{ "{\"name\":\"\xc3\xa9\xc3\xa9\"}",
		  "name: length is lower than 3" }, /* 4 bytes, 2 chars */
		{ "{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", "ok" },
		{ "{\"name\":\"\\u00e9\\u00e9\\u00e9\"}", "ok" },
		{ "{\"name\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}",
		  "name: length is lower than 3" },
		{ "{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", "ok" },
		{ "{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		  "name: length is greater than 31" },
		/* 31 'é': 62 bytes but 31 characters. */
		{ "{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}",
		  "ok" },
		{ "{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}",
		  "name: length is greater than 31" },
		{ "{\"name\":\"ab\\u0000c\"}", "name: contains a NUL character" },
		{ "{\"name\":\"\\u0000\"}", "name: contains a NUL character" },

		/* Integer bounds. */
		{ "{\"name\":\"abc\",\"count\":0}", "ok" },
		{ "{\"name\":\"abc\",\"count\":10}", "ok" },
		{ "{\"name\":\"abc\",\"count\":-1}", "count: lower than 0" },
		{ "{\"name\":\"abc\",\"count\":11}", "count: greater than 10" },
		{ "{\"name\":\"abc\",\"count\":-0}", "ok" },
		{ "{\"name\":\"abc\",\"count\":9223372036854775807}",
		  "count: greater than 10" },
		{ "{\"name\":\"abc\",\"count\":99999999999999999999}",
		  "count: greater than 10" },
		{ "{\"name\":\"abc\",\"count\":-99999999999999999999}",
		  "count: lower than 0" },

		/* String arrays. */
		{ "{\"name\":\"abc\",\"tags\":[]}", "ok" },
		{ "{\"name\":\"abc\",\"tags\":[\"a\",\"b\",\"c\"]}", "ok" },
		{ "{\"name\":\"abc\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}",
		  "tags: length is greater than 3" },
		{ "{\"name\":\"abc\",\"tags\":[\"a\",\"b\\u0000\"]}",
		  "tags[1]: contains a NUL character" },
		{ "{\"name\":\"abc\",\"ids\":[]}", "ids: length is lower than 1" },
		{ "{\"name\":\"abc\",\"ids\":[\"a\"]}", "ok" },
		{ "{\"name\":\"abc\",\"ids\":[\"a\",\"b\"]}", "ok" },
		{ "{\"name\":\"abc\",\"ids\":[\"a\",\"b\",\"c\"]}",
		  "ids: length is greater than 2" },
		{ "{\"name\":\"abc\",\"ids\":[1]}",
		  "invalid payload: invalid type for `ids`, expected a "
		  "sequence of strings" },

		/* null: allowed where nullable, else absent. */
		{ "{\"name\":\"abc\",\"note\":null}", "ok" },
		{ "{\"name\":\"abc\",\"note\":\"12345\"}", "ok" },
		{ "{\"name\":\"abc\",\"note\":\"123456\"}",
		  "note: length is greater than 5" },
		{ "{\"name\":\"abc\",\"count\":null}", "ok" },
		{ "{\"name\":\"abc\",\"admin\":null,\"tags\":null}", "ok" },
		{ "{\"name\":\"abc\",\"admin\":false,\"meta\":{\"x\":[1]}}",
		  "ok" },

		/* Unknown fields are ignored, whatever they hold. */
		{ "{\"name\":\"abc\",\"zzz\":[1,{}],\"count2\":-5}", "ok" },

		/* Every rule failure is reported, in table order. */
		{ "{\"name\":\"ab\",\"count\":11,\"tags\":[\"1\",\"2\",\"3\","
		  "\"4\"],\"note\":\"toolong\"}",
		  "name: length is lower than 3|count: greater than 10|"
		  "tags: length is greater than 3|"
		  "note: length is greater than 5" },
		{ "{\"note\":\"toolong\",\"count\":-3,\"name\":\"x\"}",
		  "name: length is lower than 3|count: lower than 0|"
		  "note: length is greater than 5" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(validate(cases[i].body), cases[i].want,
		          cases[i].body);
}

static void
test_utf8_chars(void)
{
	static const struct {
		const char *s;
		size_t n;
	} cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "\xc3\xa9", 1 },
		{ "\xe2\x82\xac", 1 },
		{ "\xf0\x9f\x98\x80", 1 },
		{ "a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80", 6 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(utf8_chars(cases[i].s, strlen(cases[i].s)) == cases[i].n,
		      "utf8_chars case %zu is %zu", i, cases[i].n);
	CHECK(utf8_chars("\xc3\xa9\xc3\xa9", 2) == 1,
	      "utf8_chars honours len");
}

static void
test_helpers(void)
{
	struct json_object *o;

	CHECK(json_str_or_null(NULL) == NULL, "json_str_or_null(NULL) is null");
	o = json_str_or_null("x");
	CHECK(o != NULL && strcmp(json_object_get_string(o), "x") == 0,
	      "json_str_or_null(\"x\")");
	json_object_put(o);
	CHECK(json_ts_or_null(NULL) == NULL, "json_ts_or_null(NULL)");
	CHECK(json_ts_or_null("yesterday") == NULL, "json_ts_or_null(bad)");
	o = json_ts_or_null("2026-01-15 20:36:11.123456");
	CHECK(o != NULL && strcmp(json_object_get_string(o),
	                          "2026-01-15T20:36:11.123456Z") == 0,
	      "json_ts_or_null converts");
	json_object_put(o);
}

/* Repeated keys and lone surrogate escapes, which json-c takes. */
static void
test_duplicates_and_surrogates(void)
{
	const char *msg;
	struct json_object *obj;

	PARSE_BAD("{\"a\":1,\"a\":2}", "a repeated key");
	PARSE_BAD("{\"a\":1,\"b\":{\"c\":1,\"d\":[{\"e\":1,\"e\":1}]}}",
		  "a repeated key deep down");
	PARSE_BAD("{\"b\":1,\"a\":2,\"c\":3,\"a\":4}", "a repeated key apart");
	PARSE_OK("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}",
		 "the same key in different objects");
	PARSE_OK("{\"a\":\"a\",\"b\":[\"a\",\"a\"]}", "strings equal to keys");
	CHECK(!json_parse_body("{\"name\":\"ab\",\"name\":\"cd\"}", 25,
			       JSON_MAX_DEPTH, &a, &obj, &msg),
	      "repeated name refused");
	CHECK(msg != NULL &&
		      strncmp(msg, "invalid payload: duplicate field `name`",
			      39) == 0,
	      "repeated name message (%s)", msg ? msg : "none");
	PARSE_BAD("{\"a\":\"\\ud800\"}", "a lone high surrogate");
	PARSE_BAD("{\"a\":\"\\udfff\"}", "a lone low surrogate");
	PARSE_BAD("{\"a\":\"x\\ud800\\u0041\"}",
		  "a high surrogate and a letter");
	PARSE_BAD("{\"a\":\"\\udc00\\ud800\"}",
		  "surrogates the wrong way round");
	PARSE_BAD("{\"\\ud800\":1}", "a lone surrogate in a key");
	PARSE_OK("{\"a\":\"\\ud83d\\ude00\"}", "a surrogate pair");
	PARSE_OK("{\"a\":\"\\u00e9\\\"\\\\\\n\"}", "other escapes");
}

int
main(void)
{
	test_parse_basic();
	test_duplicates_and_surrogates();
	test_parse_errors();
	test_depth();
	test_validate();
	test_utf8_chars();
	test_helpers();
	arena_reset(&a);
	return tap_done();
}
