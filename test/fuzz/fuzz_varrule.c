/*
 * fuzz_varrule.c: egg variable rules (varrule.c) with untrusted text on
 * both sides: the input is split at its first newline into a rule list
 * ("|"-separated, or a JSON array) and a value. Rules translate regular
 * expressions to POSIX, so this also hunts for patterns that crash or
 * stall regcomp/regexec (libFuzzer's -timeout catches a stall).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "varrule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
other(void *arg, const char *env)
{
	(void)arg;
	return strcmp(env, "OTHER") == 0 ? "1" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct varrule_values others = {other, NULL};
	struct arena a = {0};
	char *text, *value;

	if (size > 4096)
		return 0;
	text = xstrndup((const char *)data, size);
	value = strchr(text, '\n');
	if (value != NULL)
		*value++ = '\0';
	(void)varrule_parse(text, &a);
	(void)varrule_check(text, value, "FUZZ", &others, &a);
	arena_reset(&a);
	free(text);
	return 0;
}
