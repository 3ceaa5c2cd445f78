/*
 * varrule.h: the validation rules of egg variables (contract-extra 5.8).
 * A rule is a Laravel-style string, "name" or "name:args" (arguments split
 * at commas; for regex and not_regex the whole rest is one pattern in PHP
 * delimiter form, "regex:/^[a-z]+$/i"). Values are strings. Used by the egg
 * variable routes (5.7), the admin server variables (5.6) and server
 * creation (contract 8.7).
 */
#ifndef PANEL_VARRULE_H
#define PANEL_VARRULE_H

#include <stdbool.h>

struct arena;
struct json_object;

/*
 * The values of the other variables of the same egg, for the rules that
 * compare fields (same, different, confirmed, required_if, accepted_if,
 * declined_if, required_if_accepted, required_if_declined): get returns
 * the value of the variable env_variable (borrowed), or NULL when the egg
 * has no such variable.
 */
struct varrule_values {
	const char *(*get)(void *arg, const char *env_variable);
	void *arg;
};

/*
 * Parses one rule. NULL when it is valid; otherwise the reason (static or
 * in a), e.g. "unknown or unsupported validation rule: foo",
 * "max requires one numeric value", "invalid value for max",
 * "invalid regex pattern". The egg variable routes answer it as
 * "rules: <reason>".
 */
const char *varrule_parse(const char *rule, struct arena *a);

/*
 * Checks value (NULL counts as "") against a rule list. rules is either
 * the JSON array text of strings the database stores ('["required",
 * "max:20"]') or a "|"-separated list ("required|max:20").
 *
 * Returns NULL when every rule holds. Otherwise the whole error text of
 * contract 8.7 / contract-extra 5.6 (in a):
 *   "invalid rule '<rule>': <reason>" when a rule does not parse (the
 *   first such; rules are parsed before any value is looked at), or
 *   "<env_variable>: <message>" for the first rule the value fails, e.g.
 *   "SERVER_PORT: must be less than or equal to 65535".
 *
 * A blank value (empty after trimming) runs only the implicit rules
 * (required, required_if, required_if_accepted, required_if_declined,
 * accepted, accepted_if, declined, declined_if); with nullable the value
 * "" or "null" skips the other rules too. min, max, between, size, gt,
 * gte, lt and lte compare the number when the list also holds numeric or
 * integer and the value is numeric, else the count of characters.
 * others may be NULL (every other variable is then absent).
 *
 * Patterns are PCRE as PHP writes them, run by regcomp(3) after a
 * translation (\d \w \s and their negations, \A \z, (?:...), lazy
 * quantifiers). Lookaround, back references, \p{..} and patterns whose
 * nested counts would expand beyond 100000 items (or a count above 1000,
 * or groups nested deeper than 32) are "invalid regex pattern".
 */
const char *varrule_check(const char *rules, const char *value,
			  const char *env_variable,
			  const struct varrule_values *others, struct arena *a);
/* The same over a JSON array of rule strings (borrowed). */
const char *varrule_check_array(struct json_object *rules, const char *value,
				const char *env_variable,
				const struct varrule_values *others,
				struct arena *a);

#endif
