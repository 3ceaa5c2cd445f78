/*
 * request.h: one FastCGI request and everything it owns. A worker thread
 * keeps one struct req, fills it per accepted request (req_begin) and
 * releases all of its memory in one place (req_end).
 */
#ifndef PANEL_REQUEST_H
#define PANEL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "cidr.h"
#include "util.h"

struct config;
struct db;
struct principal;
struct route;
struct json_object;
typedef struct FCGX_Request FCGX_Request; /* libfcgi's own typedef */

#define REQ_MAX_PARAMS 4
#define REQ_ID_BUFSZ 24

struct req {
	FCGX_Request *fcgx;	  /* borrowed from the worker */
	const struct config *cfg; /* borrowed, lives for the process */
	struct db *db;		  /* borrowed, the thread's connection */
	struct arena arena;	  /* all request memory below */

	char id[REQ_ID_BUFSZ];	    /* for log lines */
	const char *method;	    /* borrowed from libfcgi */
	const char *path;	    /* in arena, without the query */
	const char *query;	    /* borrowed, raw, "" when none */
	char client_ip[CIDR_BUFSZ]; /* after the trusted-proxy rule */
	struct cidr client_addr;
	bool client_addr_ok;

	const struct route *route; /* the matched row, or NULL */
	const char *route_pattern;
	const char *params[REQ_MAX_PARAMS]; /* path {param} values, arena */
	size_t nparams;

	struct principal *principal; /* after the client gate, in arena */
	struct json_object **owned;  /* released by req_end; in the arena */
	size_t nowned, owned_cap;

	char *body; /* in arena, NUL-terminated */
	size_t body_len;
	struct json_object *json; /* parsed body, owned */

	/* response */
	int status;
	struct json_object *resp; /* owned; NULL = empty body */
	const char *set_cookie;	  /* the session cookie to send, arena */
	char *resp_headers;	  /* "Name: value\r\n"..., arena */
	bool sent;

	/* work for after the answer has left (req_after) */
	void (*after)(struct req *req, void *arg);
	void *after_arg;
};

/* Per thread: zero the struct once, then begin/end around each request. */
void req_begin(struct req *req, FCGX_Request *fcgx, const struct config *cfg,
	       struct db *db);
void req_end(struct req *req);
/*
 * Runs fn(req, arg) once the answer is complete and the web server has it
 * (after FCGX_Finish_r, before req_end): work whose duration must not show
 * in the answer's timing. The request's parameters (headers, environment)
 * are gone by then; the arena, the database, client_ip and the principal
 * are not. One per request.
 */
void req_after(struct req *req, void (*fn)(struct req *req, void *arg),
	       void *arg);

/* The body's string field name (borrowed), or def when absent or null. */
const char *req_body_str(const struct req *req, const char *name,
			 const char *def);
/* Keeps o (may be NULL) until req_end releases it; returns o. */
struct json_object *req_own(struct req *req, struct json_object *o);
/* The User-Agent header cut to 255 bytes (on a character boundary), or
 * "unknown" when absent or empty; in the arena. */
const char *req_user_agent(struct req *req);

/* A CGI parameter (HTTP_*, CONTENT_TYPE, ...); borrowed, NULL when absent. */
const char *req_param(const struct req *req, const char *name);
/* Value of the cookie called name (arena), or NULL. */
const char *req_cookie(struct req *req, const char *name);
/*
 * Looks up a query parameter and percent-decodes it into the arena.
 * Returns PERR_NOENT when absent, PERR_INVAL when it is badly encoded or
 * holds a NUL byte (%00), PERR_OK otherwise.
 */
enum perr req_query(struct req *req, const char *name, const char **out);
/* Value of path parameter name of the matched route (router.c), or NULL. */
const char *req_path_param(const struct req *req, const char *name);
/*
 * Path parameter name as a lowercase hyphenated UUID (in the arena); when
 * it is not one, sets the error response status/msg (e.g. 400 "invalid
 * user uuid", 404 "server not found") and returns NULL.
 */
const char *req_path_uuid(struct req *req, const char *name, int status,
			  const char *msg);

/*
 * Reads the body, at most max bytes. PERR_TOOBIG when CONTENT_LENGTH is over
 * max (nothing is read), PERR_INVAL when CONTENT_LENGTH is malformed or the
 * body is shorter than it says.
 */
enum perr req_read_body(struct req *req, size_t max);

/*
 * The client IP rule (exposed for unit tests): peer unless it is a trusted
 * proxy; then the right-most X-Forwarded-For entry that is not a trusted
 * proxy, else X-Real-IP, else the peer. Writes the plain address.
 */
bool req_client_ip(const char *peer, const char *xff, const char *xrealip,
		   const struct cidr *proxies, size_t nproxies,
		   struct cidr *out);

#endif
