/*
 * settings.h: the settings table (contract section 13), read fresh for each
 * request that needs it, with the contract's defaults for missing keys.
 */
#ifndef PANEL_SETTINGS_H
#define PANEL_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct db;
struct arena;

struct settings {
	size_t n;
	const char **keys; /* in the arena */
	const char **values;
};

enum perr settings_load(struct db *db, struct arena *a, struct settings *out);
/*
 * The settings as this thread last read them, re-read when older than ttl
 * seconds (configuration settings_cache_seconds; the real panel caches them
 * 60 s). *out stays valid until this thread's next call. Credentials are
 * never cached.
 */
/* Releases this thread's copy (at thread exit). */
void settings_thread_end(void);
enum perr settings_current(struct db *db, long ttl,
			   const struct settings **out);
/* The stored value, or NULL when the key is not stored. */
const char *settings_get(const struct settings *s, const char *key);
/* Stored value, else def (also for an empty stored value). */
const char *settings_str(const struct settings *s, const char *key,
			 const char *def);
bool settings_bool(const struct settings *s, const char *key, bool def);
long long settings_int(const struct settings *s, const char *key, long long def,
		       long long min, long long max);

#endif
