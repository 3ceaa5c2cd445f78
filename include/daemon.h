/*
 * daemon.h: calls from the panel to a node's daemon (contract 11): JSON
 * bodies, the node's token as Bearer, short timeouts (daemon_timeout), TLS
 * certificates and host names verified (daemon_ca_file), no redirects, only
 * http and https. Only daemon.c includes <curl/curl.h>.
 */
#ifndef PANEL_DAEMON_H
#define PANEL_DAEMON_H

#include <stdbool.h>

struct req;
struct json_object;

/* Process-wide, before any thread starts, and at exit. */
bool daemon_library_init(void);
void daemon_library_end(void);

/*
 * method base-url-of-node + path with body (taken; NULL = no body). True
 * when the daemon answered 2xx. Otherwise *status and *msg are what the
 * caller answers (502 "node daemon error: connection refused", 504 "node
 * daemon error: timed out", 502 "node daemon error: answered 409: ..."),
 * and the failure is logged. The token never appears in either.
 */
bool daemon_call(struct req *req, const char *node_uuid, const char *method,
		 const char *path, struct json_object *body, int *status,
		 const char **msg);

/* daemon_call that only logs a failure (fire-and-forget calls, 11.4). */
void daemon_notify(struct req *req, const char *node_uuid, const char *method,
		   const char *path, struct json_object *body);

#endif
