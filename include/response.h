/*
 * response.h: status, headers and JSON body of the answer. Every error is
 * {"errors":[...]}; perr codes map to statuses here and only here.
 */
#ifndef PANEL_RESPONSE_H
#define PANEL_RESPONSE_H

#include "util.h"

struct req;
struct json_object;

/* Adds a header line; name and value must not contain CR or LF. */
void response_header(struct req *req, const char *name, const char *value);
/* Sets status and body; takes ownership of body (NULL = empty body). */
void response_json(struct req *req, int status, struct json_object *body);
/* {"errors":[msg]} */
void response_error(struct req *req, int status, const char *msg);
/* {"errors":errs}; takes ownership of the array. */
void response_errors(struct req *req, int status, struct json_object *errs);
/* The generic answer for an internal failure: 503 database unavailable, or
 * 500 internal server error. */
void response_fail(struct req *req, enum perr e);
/* Writes everything to the web server; once per request. */
void response_send(struct req *req);

#endif
