/*
 * fuzz_json.c: a request body through json_parse_body() and a field table.
 * Whatever is accepted must serialise to a body that is accepted again.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct jfield fields[] = {
	{ "name", JF_STRING, true, false, 3, 31 },
	{ "count", JF_INT, false, false, 0, 10 },
	{ "admin", JF_BOOL, false, false, 0, 0 },
	{ "tags", JF_STRING_ARRAY, false, false, 0, 3 },
	{ "note", JF_STRING, false, true, 0, 5 },
	{ "meta", JF_OBJECT, false, false, 0, 0 },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = { 0 };
	struct json_object *obj = NULL, *again = NULL, *errs = NULL;
	const char *msg = NULL, *text;

	if (json_parse_body((const char *)data, size, JSON_MAX_DEPTH, &a, &obj,
	                    &msg)) {
		if (!json_object_is_type(obj, json_type_object))
			abort();
		text = json_object_to_json_string_ext(obj,
		                                      JSON_C_TO_STRING_PLAIN);
		if (!json_parse_body(text, strlen(text), JSON_MAX_DEPTH, &a,
		                     &again, &msg))
			abort(); /* we emitted what we would refuse */
		json_object_put(again);
		if (!json_validate(obj, fields,
		                   sizeof(fields) / sizeof(fields[0]), &a, &msg,
		                   &errs) &&
		    errs == NULL && msg == NULL)
			abort(); /* a failure must say why */
		json_object_put(errs);
		json_object_put(obj);
	} else if (msg == NULL ||
	           strncmp(msg, "invalid payload: ", 17) != 0) {
		abort();
	}
	arena_reset(&a);
	return 0;
}
