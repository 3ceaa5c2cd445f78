/* daemon.c: see daemon.h. */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "config.h"
#include "crypto.h"
#include "daemon.h"
#include "log.h"
#include "node.h"
#include "request.h"

#define ANSWER_MAX (64 * 1024) /* of a daemon's answer, kept for errors */
#define CONNECT_MS 2000

bool
daemon_library_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void
daemon_library_end(void)
{
	curl_global_cleanup();
}

struct answer {
	char buf[ANSWER_MAX];
	size_t len;
};

static size_t
collect(char *data, size_t size, size_t n, void *userp)
{
	struct answer *a = userp;
	size_t len = size * n, room = sizeof(a->buf) - 1 - a->len;

	memcpy(a->buf + a->len, data, len < room ? len : room);
	a->len += len < room ? len : room;
	return len;
}

/* The daemon's {"error": "..."} as printable ASCII of at most 200 bytes,
 * or "". */
static const char *
daemon_error(struct req *req, struct answer *a)
{
	struct json_object *o, *e;
	const char *s = "";
	char *out;
	size_t i, n;

	a->buf[a->len] = '\0';
	o = json_tokener_parse(a->buf);
	if (o != NULL && json_object_object_get_ex(o, "error", &e) &&
	    json_object_is_type(e, json_type_string))
		s = json_object_get_string(e);
	n = strlen(s) > 200 ? 200 : strlen(s);
	out = arena_strndup(&req->arena, s, n);
	for (i = 0; i < n; i++)
		if (!isprint((unsigned char)out[i]))
			out[i] = '?';
	json_object_put(o);
	return out;
}

static CURL *
easy(struct req *req, const char *url, const char *method,
     struct curl_slist *hdrs, const char *body, struct answer *a)
{
	CURL *c = curl_easy_init();

	if (c == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(req->cfg->daemon_timeout * 1000 < CONNECT_MS
					? req->cfg->daemon_timeout * 1000
					: CONNECT_MS));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, req->cfg->daemon_timeout);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->cfg->daemon_ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, req->cfg->daemon_ca_file);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS,
			 (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_USERAGENT,
			 PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	return c;
}

bool
daemon_call(struct req *req, const char *node_uuid, const char *method,
	    const char *path, struct json_object *body, int *status,
	    const char **msg)
{
	char token[NODE_TOKEN_LEN + 1], auth[NODE_TOKEN_LEN + 32];
	struct curl_slist *hdrs = NULL, *h;
	struct answer *a = arena_alloc(&req->arena, sizeof(*a));
	const char *url, *text = NULL;
	CURLcode rc = CURLE_FAILED_INIT;
	long code = 0;
	CURL *c;

	*status = 502;
	a->len = 0;
	if (!node_daemon(req, node_uuid, token, &url)) {
		json_object_put(body);
		*msg = "node daemon error: the node's address or token is "
		       "unusable";
		log_warn(req, "daemon %s %s: %s", method, path, *msg);
		return false;
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	crypto_wipe(token, sizeof(token));
	h = curl_slist_append(hdrs, auth);
	crypto_wipe(auth, sizeof(auth));
	if (h != NULL)
		h = curl_slist_append(hdrs = h, "Accept: application/json");
	if (h != NULL && body != NULL)
		h = curl_slist_append(hdrs = h,
				      "Content-Type: application/json");
	if (h != NULL) {
		hdrs = h;
		if (body != NULL)
			text = json_object_to_json_string_ext(
				body, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
		c = easy(req, arena_printf(&req->arena, "%s%s", url, path),
			 method, hdrs, text, a);
		if (c != NULL) {
			rc = curl_easy_perform(c);
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
			curl_easy_cleanup(c);
		}
	}
	/* the Authorization line lives in the list: wipe it before freeing */
	if (hdrs != NULL)
		crypto_wipe(hdrs->data, strlen(hdrs->data));
	curl_slist_free_all(hdrs);
	json_object_put(body);
	if (rc == CURLE_OK && code >= 200 && code < 300)
		return true;
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		*status = 504;
		*msg = "node daemon error: timed out";
	} else if (rc != CURLE_OK) {
		*msg = arena_printf(&req->arena, "node daemon error: %s",
				    curl_easy_strerror(rc));
	} else {
		text = daemon_error(req, a);
		*msg = arena_printf(&req->arena,
				    "node daemon error: answered %ld%s%s", code,
				    *text ? ": " : "", text);
	}
	log_warn(req, "daemon %s %s on node %s: %s", method, path, node_uuid,
		 *msg);
	return false;
}

void
daemon_notify(struct req *req, const char *node_uuid, const char *method,
	      const char *path, struct json_object *body)
{
	const char *msg;
	int status;

	(void)daemon_call(req, node_uuid, method, path, body, &status, &msg);
}
