/* settings.c: see settings.h. */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include "db.h"
#include "settings.h"

enum perr
settings_load(struct db *db, struct arena *a, struct settings *out)
{
	struct db_res res;
	enum perr e;
	size_t i;

	memset(out, 0, sizeof(*out));
	e = db_exec(db, STMT_SETTINGS_ALL, NULL, 0, &res);
	if (e != PERR_OK)
		return e;
	out->n = res.nrows;
	out->keys = arena_alloc(a, (res.nrows + 1) * sizeof(char *));
	out->values = arena_alloc(a, (res.nrows + 1) * sizeof(char *));
	for (i = 0; i < res.nrows; i++) {
		const char *k = db_cell(&res, i, 0), *v = db_cell(&res, i, 1);

		out->keys[i] = arena_strdup(a, k ? k : "");
		out->values[i] = arena_strdup(a, v ? v : "");
	}
	db_res_free(&res);
	return PERR_OK;
}

/* This thread's copy of the settings (settings_current). */
static _Thread_local struct arena arena;
static _Thread_local struct settings cached;
static _Thread_local time_t loaded;
static _Thread_local bool valid;

void
settings_thread_end(void)
{
	arena_reset(&arena);
	valid = false;
}

enum perr
settings_current(struct db *db, long ttl, const struct settings **out)
{
	time_t now = time(NULL);
	struct arena fresh = {0};
	struct settings s;
	enum perr e;

	if (valid && now - loaded < ttl && now >= loaded) {
		*out = &cached;
		return PERR_OK;
	}
	e = settings_load(db, &fresh, &s);
	if (e != PERR_OK)
		return e;
	arena_reset(&arena);
	arena = fresh;
	cached = s;
	loaded = now;
	valid = true;
	*out = &cached;
	return PERR_OK;
}

const char *
settings_get(const struct settings *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->keys[i], key) == 0)
			return s->values[i];
	return NULL;
}

const char *
settings_str(const struct settings *s, const char *key, const char *def)
{
	const char *v = settings_get(s, key);

	return v != NULL && *v != '\0' ? v : def;
}

bool
settings_bool(const struct settings *s, const char *key, bool def)
{
	const char *v = settings_get(s, key);

	if (v == NULL)
		return def;
	if (strcmp(v, "true") == 0)
		return true;
	if (strcmp(v, "false") == 0)
		return false;
	return def;
}

long long
settings_int(const struct settings *s, const char *key, long long def,
	     long long min, long long max)
{
	const char *v = settings_get(s, key);
	int64_t n;

	if (v == NULL || !parse_int64(v, min, max, &n))
		return def;
	return n;
}
