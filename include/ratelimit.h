/*
 * ratelimit.h: fixed-window rate limits (contract 2.13), shared by every
 * process of the host through a memory-mapped table (ratelimit_file) and
 * surviving worker restarts; the ratelimit_windows table when the file
 * cannot be used (or ratelimit_file is empty).
 */
#ifndef PANEL_RATELIMIT_H
#define PANEL_RATELIMIT_H

#include <stdbool.h>

struct req;
struct settings;

struct rl_rule {
	const char *id;	     /* "client", "auth/login", ... (the counter) */
	const char *setting; /* "client", "auth_login", ... (ratelimits::x) */
	long hits;	     /* defaults */
	long window;	     /* seconds */
};

extern const struct rl_rule RL_CLIENT, RL_AUTH_LOGIN, RL_AUTH_OAUTH;

/*
 * Counts a hit of rule for client (normally the client IP). Returns true
 * when the request may go on; false after setting the response: 429 with
 * the contract's body and headers, or 503/500 when the database failed.
 * Limits come from settings (ratelimits::<setting>) when given there.
 */
bool ratelimit_hit(struct req *req, const struct rl_rule *rule,
		   const char *client);

/* Starts every window afresh (panel-fcgi ratelimit-reset): false when
 * there is no shared table. */
struct config;
bool ratelimit_reset(const struct config *cfg);

#endif
