/* log.c: see log.h. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "request.h"

static enum log_level min_level = LOG_INFO;

static const char *const level_names[LOG__MAX] = {
	"debug", /* LOG_DEBUG */
	"info",	 /* LOG_INFO */
	"warn",	 /* LOG_WARN */
	"err",	 /* LOG_ERR */
};

void
log_set_level(enum log_level level)
{
	min_level = level;
}

int
log_level_parse(const char *name)
{
	int i;

	for (i = 0; i < LOG__MAX; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

/* Copies src into dst escaping control bytes and backslashes, strvis-style. */
static void
escape(char *dst, size_t dstsz, const char *src)
{
	size_t o = 0;

	for (; *src != '\0' && o + 5 < dstsz; src++) {
		unsigned char c = (unsigned char)*src;

		if (c < 0x20 || c == 0x7f || c == '\\') {
			o += (size_t)snprintf(dst + o, dstsz - o, "\\x%02x", c);
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
}

void
log_msg(enum log_level level, const struct req *req, const char *fmt, ...)
{
	char raw[1024], msg[2048], ctx[256], when[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (level < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	escape(msg, sizeof(msg), raw);

	ctx[0] = '\0';
	if (req != NULL) {
		char route[128];

		escape(route, sizeof(route),
		       req->route_pattern ? req->route_pattern : "-");
		snprintf(ctx, sizeof(ctx), " [%s %s %s]", req->id,
			 req->client_ip[0] ? req->client_ip : "-", route);
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One fprintf per line keeps lines whole across threads. */
	fprintf(stderr, "%s panel-fcgi[%ld] %s%s %s\n", when, (long)getpid(),
		level_names[level], ctx, msg);
}
