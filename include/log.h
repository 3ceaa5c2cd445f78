/*
 * log.h: one line per event on stderr (captured by lighttpd or Apache):
 *   2026-01-01T00:00:00Z panel-fcgi[pid] LEVEL [req-id ip route] message
 * Control bytes in the message are escaped. Never pass a secret.
 */
#ifndef PANEL_LOG_H
#define PANEL_LOG_H

struct req; /* forward declaration */

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERR, LOG__MAX };

void log_set_level(enum log_level level);
/* Parses "debug", "info", "warn" or "err"; returns -1 when unknown. */
int log_level_parse(const char *name);

void log_msg(enum log_level level, const struct req *req, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(req, ...) log_msg(LOG_DEBUG, (req), __VA_ARGS__)
#define log_info(req, ...) log_msg(LOG_INFO, (req), __VA_ARGS__)
#define log_warn(req, ...) log_msg(LOG_WARN, (req), __VA_ARGS__)
#define log_err(req, ...) log_msg(LOG_ERR, (req), __VA_ARGS__)

#endif
