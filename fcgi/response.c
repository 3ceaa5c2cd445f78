/* response.c: see response.h. */
#include "autoconf.h"

#include <string.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "config.h"
#include "log.h"
#include "request.h"
#include "response.h"

void
response_header(struct req *req, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
		log_err(req, "refusing header %s with a line break", name);
		return;
	}
	req->resp_headers = arena_printf(
		&req->arena, "%s%s: %s\r\n",
		req->resp_headers ? req->resp_headers : "", name, value);
}

void
response_json(struct req *req, int status, struct json_object *body)
{
	if (req->resp != NULL)
		json_object_put(req->resp);
	req->status = status;
	req->resp = body;
}

void
response_errors(struct req *req, int status, struct json_object *errs)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "errors", errs);
	response_json(req, status, o);
}

void
response_error(struct req *req, int status, const char *msg)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(msg));
	response_errors(req, status, a);
}

void
response_fail(struct req *req, enum perr e)
{
	if (e == PERR_DBDOWN)
		response_error(req, 503, "database unavailable");
	else
		response_error(req, 500, "internal server error");
}

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 417:
		return "Expectation Failed";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "Unknown";
	}
}

void
response_send(struct req *req)
{
	const char *body = "";
	size_t len = 0;

	if (req->sent)
		return;
	req->sent = true;
	if (req->resp != NULL) {
		body = json_object_to_json_string_ext(
			req->resp, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
		len = strlen(body);
	}
	/* libfcgi's own printf lacks %zu: format with libc. */
	FCGX_PutS(
		arena_printf(&req->arena,
			     "Status: %d %s\r\n"
			     "Content-Type: application/json\r\n"
			     "Content-Length: %zu\r\n"
			     "Vary: Accept\r\n"
			     "Cache-Control: no-store\r\n"
			     "X-Content-Type-Options: nosniff\r\n"
			     "%s%s%s%s%s%s%s",
			     req->status, reason(req->status), len,
			     req->cfg->server_name[0] ? "X-Server-Name: " : "",
			     req->cfg->server_name,
			     req->cfg->server_name[0] ? "\r\n" : "",
			     req->set_cookie ? "Set-Cookie: " : "",
			     req->set_cookie ? req->set_cookie : "",
			     req->set_cookie ? "\r\n" : "",
			     req->resp_headers ? req->resp_headers : ""),
		req->fcgx->out);
	FCGX_PutS("\r\n", req->fcgx->out);
	if (len > 0 && strcmp(req->method, "HEAD") != 0)
		FCGX_PutStr(body, (int)len, req->fcgx->out);
	log_debug(req, "%s %s -> %d", req->method, req->path, req->status);
}
