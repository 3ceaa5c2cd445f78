/* util.c: see util.h. */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "crypto.h"
#include "log.h"

static const char *const perr_names[PERR__MAX] = {
	"ok",			/* PERR_OK */
	"out of memory",	/* PERR_NOMEM */
	"invalid input",	/* PERR_INVAL */
	"too large",		/* PERR_TOOBIG */
	"unauthorized",		/* PERR_UNAUTH */
	"forbidden",		/* PERR_FORBID */
	"not found",		/* PERR_NOENT */
	"conflict",		/* PERR_CONFLICT */
	"database unavailable", /* PERR_DBDOWN */
	"database error",	/* PERR_DB */
	"system error",		/* PERR_SYS */
};

const char *
perr_str(enum perr e)
{
	if ((unsigned)e >= PERR__MAX)
		return "unknown error";
	return perr_names[e];
}

static void
oom(size_t n)
{
	log_err(NULL, "out of memory allocating %zu bytes", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- arena --------------------------------------------------------------- */

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes in data */
	size_t used;
	max_align_t data[];
};

#define ARENA_CHUNK 8192

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t align = _Alignof(max_align_t);
	size_t need = (n + align - 1) / align * align;
	void *p;

	if (need < n)
		oom(n);
	if (c == NULL || c->size - c->used < need) {
		size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	/* Request memory may have held secrets: wipe before free. */
	for (; c != NULL; c = next) {
		next = c->next;
		crypto_wipe(c->data, c->used);
		free(c);
	}
	a->head = NULL;
}

/* ---- parsing ------------------------------------------------------------- */

bool
parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return false;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 ||
	    strcmp(s, "on") == 0 || strcmp(s, "1") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 ||
	    strcmp(s, "off") == 0 || strcmp(s, "0") == 0) {
		*out = false;
		return true;
	}
	return false;
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- timestamps ---------------------------------------------------------- */

static void
frac_digits(long nsec, char *out, size_t outsz)
{
	nsec %= 1000000000L;
	if (nsec <= 0)
		out[0] = '\0';
	else if (nsec % 1000000 == 0)
		snprintf(out, outsz, ".%03ld", nsec / 1000000);
	else if (nsec % 1000 == 0)
		snprintf(out, outsz, ".%06ld", nsec / 1000);
	else
		snprintf(out, outsz, ".%09ld", nsec);
}

void
ts_format(time_t sec, long nsec, char out[TS_BUFSZ])
{
	struct tm tm;
	char frac[24], date[32];

	gmtime_r(&sec, &tm);
	frac_digits(nsec, frac, sizeof(frac));
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, TS_BUFSZ, "%.19s%.10sZ", date, frac);
}

bool
ts_from_db(const char *db, char out[TS_BUFSZ])
{
	size_t len = strlen(db), i;
	long nsec = 0, scale = 100000000;
	char frac[24];

	/* YYYY-MM-DD HH:MM:SS is 19 bytes, then an optional .f{1,9} */
	if (len < 19 || db[10] != ' ')
		return false;
	for (i = 0; i < 19; i++) {
		if (i == 4 || i == 7) {
			if (db[i] != '-')
				return false;
		} else if (i == 13 || i == 16) {
			if (db[i] != ':')
				return false;
		} else if (i != 10 && !isdigit((unsigned char)db[i])) {
			return false;
		}
	}
	if (len > 19) {
		if (db[19] != '.' || len > 29 || len == 20)
			return false;
		for (i = 20; i < len; i++, scale /= 10) {
			if (!isdigit((unsigned char)db[i]))
				return false;
			nsec += (db[i] - '0') * scale;
		}
	}
	frac_digits(nsec, frac, sizeof(frac));
	snprintf(out, TS_BUFSZ, "%.10sT%.8s%.10sZ", db, db + 11, frac);
	return true;
}

static bool
digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
ts_parse_rfc3339(const char *s, char db_out[TS_DB_BUFSZ], time_t *sec_out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	long usec = 0, scale = 100000;
	const char *p;
	struct tm tm;
	time_t t;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) ||
	    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
		return false;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale > 0)
				usec += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
		   digits(p + 1, 2, &oh) && digits(p + 4, 2, &om)) {
		if (oh > 23 || om > 59)
			return false;
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
		p += 6;
	} else {
		return false;
	}
	if (*p != '\0' || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec > 59 ? 59 : sec;
	t = timegm(&tm);
	/* timegm normalises 31 February: refuse dates that moved */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return false;
	t -= (time_t)oh * 3600 + (time_t)om * 60;
	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1970)
		return false;
	{
		char date[24];

		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(db_out, TS_DB_BUFSZ, "%.19s.%06ld", date,
			 usec % 1000000);
	}
	*sec_out = t;
	return true;
}

bool
str_token_chars(const char *s, const char *extra)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!(((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return false;
	return true;
}

bool
uuid_normalize(const char *s, char out[37])
{
	size_t i;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			out[i] = '-';
		} else if (hex_digit(s[i]) < 0) {
			return false;
		} else {
			out[i] = (char)tolower((unsigned char)s[i]);
		}
	}
	out[36] = '\0';
	return true;
}

/* ---- strings ------------------------------------------------------------- */

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

char *
str_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}
