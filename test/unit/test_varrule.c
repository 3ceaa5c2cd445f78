/*
 * test_varrule.c: the egg variable rules of contract-extra 5.8: parsing
 * (every supported name, argument errors, unknown rules), the messages of
 * the contract, blank values and nullable, numeric sizes against character
 * counts, PCRE patterns through the POSIX translation, field comparisons,
 * and both list forms (JSON array text and "a|b").
 */
#include "autoconf.h"
#include "tap.h"

#include <json-c/json.h>

#include "util.h"
#include "varrule.h"

int main(void);

static struct arena A;

/* rules (JSON array text or a|b list), value, want (NULL = passes) */
struct vcase {
	const char *rules, *value, *want;
};

static const struct vcase value_cases[] = {
	/* required and blank values */
	{"required", "x", NULL},
	{"required", "", "V: is required and cannot be empty"},
	{"required", "   ", "V: is required and cannot be empty"},
	{"required|max:3", NULL, "V: is required and cannot be empty"},
	{"max:3", "", NULL},
	{"max:3", " \t", NULL},
	{"integer", "", NULL},
	{"[]", "anything", NULL},
	{"", "anything", NULL},
	{"string", "anything at all", NULL},
	{"str", "", NULL},
	/* nullable */
	{"nullable|integer", "null", NULL},
	{"nullable|integer", "", NULL},
	{"integer", "null", "V: must be a valid integer"},
	{"nullable|required", "null", NULL},
	{"nullable|required", "", "V: is required and cannot be empty"},
	/* max / min / between / size: characters or numbers */
	{"max:20", "12345678901234567890", NULL},
	{"max:20", "123456789012345678901",
	 "V: must be less than or equal to 20"},
	{"max:3", "\xc3\xa4\xc3\xb6\xc3\xbc", NULL}, /* 3 characters */
	{"max:3", "abcd", "V: must be less than or equal to 3"},
	{"numeric|max:3", "1000", "V: must be less than or equal to 3"},
	{"numeric|max:3", "3", NULL},
	{"integer|max:65535", "65535", NULL},
	{"integer|max:65535", "65536",
	 "V: must be less than or equal to 65535"},
	{"max:65535", "65536", NULL}, /* 5 characters */
	{"min:3", "ab", "V: must be greater than or equal to 3"},
	{"min:3", "abc", NULL},
	{"numeric|min:1.5", "1.4", "V: must be greater than or equal to 1.5"},
	{"numeric|min:1.5", "1.5", NULL},
	{"between:2,4", "a", "V: must be between 2 and 4"},
	{"between:2,4", "abcd", NULL},
	{"integer|between:1,10", "11", "V: must be between 1 and 10"},
	{"integer|between:1,10", "10", NULL},
	{"size:2", "ab", NULL},
	{"size:2", "abc", "V: must be equal to 2"},
	{"numeric|size:2", "2.0", NULL},
	{"max:20.0", "x", NULL},
	{"max:2.50", "abc", "V: must be less than or equal to 2.5"},
	{"integer|gt:5", "5", "V: must be greater than 5"},
	{"integer|gt:5", "6", NULL},
	{"integer|gte:5", "5", NULL},
	{"integer|lt:5", "5", "V: must be less than 5"},
	{"integer|lte:5", "6", "V: must be less than or equal to 5"},
	/* in / not_in */
	{"in:a,b", "a", NULL},
	{"in:a,b", "c", "V: must be one of: a, b"},
	{"in:a,b", "A", "V: must be one of: a, b"},
	{"not_in:a,b", "b", "V: must not be one of: a, b"},
	{"not_in:a,b", "c", NULL},
	/* types */
	{"integer", "42", NULL},
	{"integer", "-42", NULL},
	{"integer", " 42 ", NULL},
	{"integer", "4.2", "V: must be a valid integer"},
	{"integer", "0x10", "V: must be a valid integer"},
	{"int", "abc", "V: must be a valid integer"},
	{"numeric", "4.2", NULL},
	{"numeric", "-1e3", NULL},
	{"numeric", ".5", NULL},
	{"numeric", "inf", "V: must be a valid numeric value"},
	{"numeric", "1e", "V: must be a valid numeric value"},
	{"num", "12abc", "V: must be a valid numeric value"},
	{"boolean", "true", NULL},
	{"boolean", "0", NULL},
	{"boolean", "yes",
	 "V: must be a boolean ('0', '1', 'true' or 'false')"},
	{"accepted", "on", NULL},
	{"accepted", "", "V: must be 'yes', 'on', '1' or 'true'"},
	{"declined", "off", NULL},
	{"declined", "1", "V: must be 'no', 'off', '0' or 'false'"},
	{"alpha", "abcXYZ", NULL},
	{"alpha", "abc1", "V: must contain only letters"},
	{"alpha:ascii", "\xc3\xa4", "V: must contain only letters"},
	{"alpha", "\xc3\xa4", NULL},
	{"alpha_num", "abc123", NULL},
	{"alpha_num", "abc-1", "V: must contain only letters and numbers"},
	{"alpha_dash", "a_b-c1", NULL},
	{"alpha_dash", "a b",
	 "V: must contain only letters, numbers, dashes and underscores"},
	{"ascii", "plain", NULL},
	{"ascii", "\xc3\xa4", "V: must contain only ASCII characters"},
	{"lowercase", "abc1", NULL},
	{"lowercase", "aBc", "V: must be lowercase"},
	{"uppercase", "ABC", NULL},
	{"uppercase", "ABc", "V: must be uppercase"},
	{"digits:4", "1234", NULL},
	{"digits:4", "123", "V: must be 4 digits"},
	{"digits:4", "12a4", "V: must be 4 digits"},
	{"digits_between:2,3", "1", "V: must be between 2 and 3 digits"},
	{"max_digits:2", "123", "V: must not have more than 2 digits"},
	{"min_digits:2", "1", "V: must have at least 2 digits"},
	{"multiple_of:5", "15", NULL},
	{"multiple_of:5", "16", "V: must be a multiple of 5"},
	{"multiple_of:0.5", "1.5", NULL},
	{"starts_with:ab,cd", "cdef", NULL},
	{"starts_with:ab,cd", "ef", "V: must start with one of: ab, cd"},
	{"doesnt_start_with:ab", "abc", "V: must not start with one of: ab"},
	{"ends_with:.jar", "server.jar", NULL},
	{"ends_with:.jar", "server.zip", "V: must end with one of: .jar"},
	{"doesnt_end_with:.jar", "x.jar", "V: must not end with one of: .jar"},
	{"hex_color", "#a0F", NULL},
	{"hex_color", "#a0f0a0c0", NULL},
	{"hex_color", "a0f", "V: must be a valid hexadecimal color"},
	{"ip", "10.0.0.1", NULL},
	{"ip", "::1", NULL},
	{"ip", "10.0.0", "V: must be a valid IP address"},
	{"ipv4", "::1", "V: must be a valid IPv4 address"},
	{"ipv6", "10.0.0.1", "V: must be a valid IPv6 address"},
	{"ipv6", "fe80::1", NULL},
	{"json", "{\"a\": [1, 2]}", NULL},
	{"json", "\"x\"", NULL},
	{"json", "{a: 1}", "V: must be a valid JSON string"},
	{"json", "[1] x", "V: must be a valid JSON string"},
	{"mac_address", "00:1A:2b:3c:4d:5e", NULL},
	{"mac_address", "00-1a-2b-3c-4d-5e", NULL},
	{"mac_address", "001a.2b3c.4d5e", NULL},
	{"mac_address", "00:1a:2b:3c:4d", "V: must be a valid MAC address"},
	{"mac_address", "ab", "V: must be a valid MAC address"},
	{"uuid", "123E4567-e89b-12d3-a456-426614174000", NULL},
	{"uuid", "123e4567e89b12d3a456426614174000", "V: must be a valid UUID"},
	{"url", "https://example.com/x?y=1", NULL},
	{"url", "example.com", "V: must be a valid URL"},
	{"url", "https://", "V: must be a valid URL"},
	{"url", "https://a b", "V: must be a valid URL"},
	{"date", "2026-02-28", NULL},
	{"date", "2024-02-29T10:00:00Z", NULL},
	{"date", "2026-02-29", "V: must be a valid date"},
	{"date", "tomorrow", "V: must be a valid date"},
	{"date_format:Y-m-d", "2026-01-31", NULL},
	{"date_format:Y-m-d", "2026-1-31", "V: must match the format 'Y-m-d'"},
	{"date_format:d/m/Y H:i", "31/12/2026 23:59", NULL},
	{"date_format:Y-m-d", "2026-02-30", "V: must match the format 'Y-m-d'"},
	{"timezone", "UTC", NULL},
	{"timezone", "Not/AZone", "V: must be a valid timezone"},
	{"timezone", "../etc/passwd", "V: must be a valid timezone"},
	/* regex: PHP delimiters, flags, PCRE escapes */
	{"regex:/^[a-z]+$/", "abc", NULL},
	{"regex:/^[a-z]+$/", "abC",
	 "V: must match the regex pattern "
	 "'/^[a-z]+$/'"},
	{"regex:/^[a-z]+$/i", "abC", NULL},
	{"regex:/^\\d{1,3}$/", "123", NULL},
	{"regex:/^\\d{1,3}$/", "1234",
	 "V: must match the regex pattern '/^\\d{1,3}$/'"},
	{"regex:/^[\\w.-]+$/", "my-world_1.0", NULL},
	{"regex:/^[\\w.-]+$/", "my world",
	 "V: must match the regex pattern "
	 "'/^[\\w.-]+$/'"},
	/* alternatives need the JSON form: "|" splits a pipe list */
	{"[\"regex:/^(?:yes|no)$/\"]", "no", NULL},
	{"[\"regex:/^(?:yes|no)$/\"]", "maybe",
	 "V: must match the regex pattern '/^(?:yes|no)$/'"},
	{"regex:/^(?:yes|no)$/", "no",
	 "invalid rule 'regex:/^(?:yes': invalid regex pattern"},
	{"regex:#^https?://#", "http://x", NULL},
	{"regex:/^a.*?b$/", "axxb", NULL},
	{"regex:/^[^\\s]+$/", "nospace", NULL},
	{"regex:/^[^\\s]+$/", "a space",
	 "V: must match the regex pattern "
	 "'/^[^\\s]+$/'"},
	{"regex:/^[\\]a]+$/", "]a]", NULL},
	{"regex:/^[a\\-z]+$/", "a-z", NULL},
	{"regex:/^[a\\-z]+$/", "b",
	 "V: must match the regex pattern "
	 "'/^[a\\-z]+$/'"},
	{"regex:/^\\S+\\.jar$/", "server.jar", NULL},
	{"regex:/^\\S+\\.jar$/", "serverXjar",
	 "V: must match the regex "
	 "pattern '/^\\S+\\.jar$/'"},
	{"regex:/^[0-9]{2,}$/", "7",
	 "V: must match the regex pattern "
	 "'/^[0-9]{2,}$/'"},
	{"[\"regex:/^(a|b),c$/\"]", "a,c", NULL}, /* commas stay in it */
	{"regex:/^(\\d{1,3}\\.){3}\\d{1,3}$/", "10.0.0.1", NULL},
	{"regex:/^(\\d{1,3}\\.){3}\\d{1,3}$/", "10.0.0",
	 "V: must match the "
	 "regex pattern "
	 "'/^(\\d{1,3}\\.){3}"
	 "\\d{1,3}$/'"},
	{"regex:/^.{1,255}$/", "x", NULL},
	{"regex:/^a{2,}$/", "aaaa", NULL},
	{"regex:/^a{,2}$/", "a{,2}", NULL}, /* not a count: literal */
	{"not_regex:/[<>]/", "fine", NULL},
	{"not_regex:/[<>]/", "<b>",
	 "V: must not match the regex pattern "
	 "'/[<>]/'"},
	/* the first failing rule is reported */
	{"required|string|max:2|in:a,b", "abc",
	 "V: must be less than or equal to 2"},
	{"[\"required\", \"in:1.12,1.20\"]", "1.21",
	 "V: must be one of: 1.12, 1.20"},
	{"[\"required\", \"in:1.12,1.20\"]", "1.20", NULL},
};

/* rule, want (NULL = valid) */
static const char *const parse_cases[][2] = {
	{"required", NULL},
	{"max:20", NULL},
	{"between:1,2", NULL},
	{"in:a", NULL},
	{"in:", NULL},
	{"regex:/^x$/", NULL},
	{"foo", "unknown or unsupported validation rule: foo"},
	{"Required", "unknown or unsupported validation rule: Required"},
	{"", "unknown or unsupported validation rule: "},
	{"max", "max requires one numeric value"},
	{"max:", "invalid value for max"},
	{"max:x", "invalid value for max"},
	{"max:1,2", "max requires one numeric value"},
	{"min:abc", "invalid value for min"},
	{"size", "size requires one numeric value"},
	{"between:1", "between requires two numeric values"},
	{"between:1,x", "invalid value for between"},
	{"in", "in requires at least one option"},
	{"not_in", "not_in requires at least one option"},
	{"regex", "regex requires a regex pattern"},
	{"regex:", "regex requires a regex pattern"},
	{"regex:/(?=a)/", "invalid regex pattern"},
	{"regex:/(a/", "invalid regex pattern"},
	{"regex:/\\1/", "invalid regex pattern"},
	{"regex:/[a/", "invalid regex pattern"},
	{"regex:/a/q", "invalid regex pattern"},
	/* nothing to repeat (found by fuzz_varrule: "/+++.../" made regcomp
	 * take seconds) */
	{"regex:/++++++++++++++++++++++++++++++++++++++++/", "invalid regex pattern"},
	{"regex:/+a/", "invalid regex pattern"},
	{"regex:/a**/", "invalid regex pattern"},
	{"regex:/(*a)/", "invalid regex pattern"},
	{"regex:/a|?b/", "invalid regex pattern"},
	{"regex:/{2}a/", "invalid regex pattern"},
	{"regex:/a+?b*+(c)?[d]{2}\\.+/", NULL},
	/* regcomp's automaton grows with nested counts: bounded */
	{"regex:/((a{1000}){1000}){1000}/", "invalid regex pattern"},
	{"regex:/((a{100}){100}){100}/", "invalid regex pattern"},
	{"regex:/a{1001}/", "invalid regex pattern"},
	{"regex:/(a{1000}){100}/", NULL},
	{"regex:/x{2}y{1000}z{1000}/", NULL},
	{"regex:/"
	 "(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))/",
	 "invalid regex pattern"},
	{"regex:/"
	 "((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))/",
	 NULL},
	{"digits:x", "invalid value for digits"},
	{"digits", "digits requires one integer value"},
	{"digits_between:1", "digits_between requires two integer values"},
	{"multiple_of:0", "invalid value for multiple_of"},
	{"same", "same requires a field name"},
	{"required_if:A", "required_if requires a key and at least one value "
			  "to check"},
	{"date_format", "date_format requires a format string"},
	{"starts_with", "starts_with requires at least one value"},
};

static const char *
others_get(void *arg, const char *name)
{
	(void)arg;
	if (strcmp(name, "MODE") == 0)
		return "advanced";
	if (strcmp(name, "EULA") == 0)
		return "true";
	if (strcmp(name, "OFF") == 0)
		return "no";
	if (strcmp(name, "V_confirmation") == 0)
		return "secret";
	return NULL;
}

static void
field_rules(void)
{
	struct varrule_values o = {others_get, NULL};

	CHECK_STR(varrule_check("required_if:MODE,advanced", "", "V", &o, &A),
		  "V: is required and cannot be empty", "required_if holds");
	CHECK_STR(varrule_check("required_if:MODE,simple", "", "V", &o, &A),
		  NULL, "required_if other value");
	CHECK_STR(varrule_check("required_if:NOPE,x", "", "V", &o, &A), NULL,
		  "required_if absent field");
	CHECK_STR(varrule_check("required_if_accepted:EULA", " ", "V", &o, &A),
		  "V: is required and cannot be empty", "required_if_accepted");
	CHECK_STR(varrule_check("required_if_declined:OFF", "", "V", &o, &A),
		  "V: is required and cannot be empty", "required_if_declined");
	CHECK_STR(varrule_check("accepted_if:MODE,advanced", "no", "V", &o, &A),
		  "V: must be 'yes', 'on', '1' or 'true'", "accepted_if");
	CHECK_STR(varrule_check("accepted_if:MODE,basic", "no", "V", &o, &A),
		  NULL, "accepted_if not triggered");
	CHECK_STR(
		varrule_check("declined_if:MODE,advanced", "yes", "V", &o, &A),
		"V: must be 'no', 'off', '0' or 'false'", "declined_if");
	CHECK_STR(varrule_check("same:MODE", "advanced", "V", &o, &A), NULL,
		  "same");
	CHECK_STR(varrule_check("same:MODE", "basic", "V", &o, &A),
		  "V: must match MODE", "same differs");
	CHECK_STR(varrule_check("different:MODE", "advanced", "V", &o, &A),
		  "V: must be different from MODE", "different");
	CHECK_STR(varrule_check("different:MODE", "x", "V", &o, &A), NULL,
		  "different holds");
	CHECK_STR(varrule_check("confirmed", "secret", "V", &o, &A), NULL,
		  "confirmed");
	CHECK_STR(varrule_check("confirmed", "other", "V", &o, &A),
		  "V: does not match its confirmation", "confirmed differs");
	CHECK_STR(varrule_check("same:MODE", "advanced", "V", NULL, &A),
		  "V: must match MODE", "no other values at all");
}

static void
list_forms(void)
{
	struct json_object *arr = json_object_new_array();

	json_object_array_add(arr, json_object_new_string("required"));
	json_object_array_add(arr, json_object_new_string("max:2"));
	CHECK_STR(varrule_check_array(arr, "abc", "SERVER_JAR", NULL, &A),
		  "SERVER_JAR: must be less than or equal to 2", "array form");
	CHECK_STR(varrule_check_array(arr, "ab", "SERVER_JAR", NULL, &A), NULL,
		  "array form passes");
	json_object_array_add(arr, json_object_new_string("bogus:1"));
	CHECK_STR(varrule_check_array(arr, "ab", "SERVER_JAR", NULL, &A),
		  "invalid rule 'bogus:1': unknown or unsupported validation "
		  "rule: bogus",
		  "a bad rule wins over a passing value");
	json_object_put(arr);
	arr = json_object_new_array();
	json_object_array_add(arr, json_object_new_int(5));
	CHECK_STR(varrule_check_array(arr, "", "V", NULL, &A),
		  "invalid rule '5': not a string", "non-string rule");
	json_object_put(arr);
	CHECK_STR(varrule_check_array(NULL, "x", "V", NULL, &A), NULL,
		  "no rules");
	CHECK_STR(varrule_check("[\"max:1\", \"nope\"]", "abc", "V", NULL, &A),
		  "invalid rule 'nope': unknown or unsupported validation "
		  "rule: nope",
		  "rules are parsed before the value is checked");
	CHECK_STR(varrule_check("[1, 2", "x", "V", NULL, &A),
		  "invalid rule '[1, 2': not a list of rules", "broken JSON");
	CHECK_STR(varrule_check("required|max:x", "x", "V", NULL, &A),
		  "invalid rule 'max:x': invalid value for max", "pipe list");
	CHECK_STR(varrule_check(" required ", "", "V", NULL, &A),
		  "V: is required and cannot be empty", "trimmed rule");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const struct vcase *c = &value_cases[i];

		CHECK_STR(varrule_check(c->rules, c->value, "V", NULL, &A),
			  c->want,
			  arena_printf(&A, "%s on \"%s\"", c->rules,
				       c->value ? c->value : "(null)"));
	}
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
		CHECK_STR(varrule_parse(parse_cases[i][0], &A),
			  parse_cases[i][1],
			  arena_printf(&A, "parse \"%s\"", parse_cases[i][0]));
	field_rules();
	list_forms();
	arena_reset(&A);
	return tap_done();
}
