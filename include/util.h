/*
 * util.h: allocation that aborts on exhaustion, the per-request arena, the one
 * number parser, timestamp formatting and small string helpers.
 */
#ifndef PANEL_UTIL_H
#define PANEL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Error codes of every module; mapped to HTTP statuses only in response.c. */
enum perr {
	PERR_OK = 0,
	PERR_NOMEM,
	PERR_INVAL,    /* bad input: 400 */
	PERR_TOOBIG,   /* over a size limit: 413 */
	PERR_UNAUTH,   /* 401 */
	PERR_FORBID,   /* 403 */
	PERR_NOENT,    /* 404 */
	PERR_CONFLICT, /* unique key violated: 409 */
	PERR_DBDOWN,   /* database unreachable: 503 */
	PERR_DB,       /* database answered an error: 500 */
	PERR_SYS,      /* anything else: 500 */
	PERR__MAX
};

const char *perr_str(enum perr e);

/* Allocation: log and abort on exhaustion (the web server restarts us). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Arena: many small allocations released together. Each request owns one and
 * resets it after the response is sent.
 */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Wipes and releases every chunk; the arena is empty and reusable after. */
void arena_reset(struct arena *a);

/*
 * The one number parser: the whole string must be a base-10 integer within
 * [min, max]. Returns false (and leaves *out alone) otherwise.
 */
bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
bool parse_bool(const char *s, bool *out);
/* Value of one hex digit (either case), or -1. */
int hex_digit(char c);

/*
 * RFC 3339 UTC with automatic fraction digits (none, 3, 6 or 9) as the
 * contract's timestamps. out must hold TS_BUFSZ bytes.
 */
#define TS_BUFSZ 40
void ts_format(time_t sec, long nsec, char out[TS_BUFSZ]);
/* "YYYY-MM-DD HH:MM:SS[.ffffff]" as MariaDB prints DATETIME(6), to RFC 3339. */
bool ts_from_db(const char *db, char out[TS_BUFSZ]);

/*
 * RFC 3339 ("2026-01-02T03:04:05[.ffffff](Z|+hh:mm|-hh:mm)") to UTC, as
 * the DATETIME(6) text MariaDB takes ("2026-01-02 03:04:05.000000") and as
 * unix seconds. False on anything else.
 */
#define TS_DB_BUFSZ 32
bool ts_parse_rfc3339(const char *s, char db_out[TS_DB_BUFSZ], time_t *sec_out);
/* A hyphenated UUID (any case) to lowercase; false when it is not one. */
bool uuid_normalize(const char *s, char out[37]);
/* True when s is non-empty and only [A-Za-z0-9], plus the characters of
 * extra (may be ""): token shapes checked before they meet an ASCII column. */
bool str_token_chars(const char *s, const char *extra);

bool str_has_prefix(const char *s, const char *prefix);
/* ASCII case-insensitive comparison of n bytes. */
bool str_ieq(const char *a, const char *b);
/* Trims ASCII spaces and tabs in place; returns the start. */
char *str_trim(char *s);

#endif
