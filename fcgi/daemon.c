/* daemon.c: see daemon.h. */
#include "autoconf.h"

#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
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

/*
 * libcurl is loaded when a worker process first talks to a node daemon,
 * not at startup: it and what it pulls in (TLS, Kerberos, LDAP, SSH, IDN,
 * HTTP/2...) add about 4 MiB to every worker, and most workers never call
 * a daemon. The soname has been libcurl.so.4 since libcurl 7.16.
 */
#define CURL_SONAME "libcurl.so.4"

static struct {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} lib;
static void *lib_handle;
static bool lib_ready;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

#define SYM(field, name)                                                       \
	((lib.field = (__typeof__(lib.field))dlsym(lib_handle, name)) != NULL)

static void
lib_load(void)
{
	lib_handle = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib_handle == NULL) {
		log_err(NULL, "cannot load %s: %s", CURL_SONAME, dlerror());
		return;
	}
	if (!SYM(global_init, "curl_global_init") ||
	    !SYM(global_cleanup, "curl_global_cleanup") ||
	    !SYM(easy_init, "curl_easy_init") ||
	    !SYM(easy_setopt, "curl_easy_setopt") ||
	    !SYM(easy_perform, "curl_easy_perform") ||
	    !SYM(easy_getinfo, "curl_easy_getinfo") ||
	    !SYM(easy_cleanup, "curl_easy_cleanup") ||
	    !SYM(easy_strerror, "curl_easy_strerror") ||
	    !SYM(slist_append, "curl_slist_append") ||
	    !SYM(slist_free_all, "curl_slist_free_all")) {
		log_err(NULL, "%s lacks a function panel-fcgi uses",
			CURL_SONAME);
		return;
	}
	if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err(NULL, "curl_global_init failed");
		return;
	}
	lib_ready = true;
}

static bool
lib_loaded(void)
{
	pthread_once(&lib_once, lib_load);
	return lib_ready;
}

bool
daemon_library_init(void)
{
	return true; /* loaded on first use (lib_loaded) */
}

void
daemon_library_end(void)
{
	if (lib_ready)
		lib.global_cleanup();
	lib_ready = false;
	if (lib_handle != NULL)
		dlclose(lib_handle);
	lib_handle = NULL;
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
	CURL *c = lib.easy_init();

	if (c == NULL)
		return NULL;
	lib.easy_setopt(c, CURLOPT_URL, url);
	lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	lib.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL)
		lib.easy_setopt(c, CURLOPT_POSTFIELDS, body);
	lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			(long)(req->cfg->daemon_timeout * 1000 < CONNECT_MS
				       ? req->cfg->daemon_timeout * 1000
				       : CONNECT_MS));
	lib.easy_setopt(c, CURLOPT_TIMEOUT, req->cfg->daemon_timeout);
	lib.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	lib.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->cfg->daemon_ca_file[0] != '\0')
		lib.easy_setopt(c, CURLOPT_CAINFO, req->cfg->daemon_ca_file);
	lib.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	lib.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	lib.easy_setopt(c, CURLOPT_PROTOCOLS,
			(long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	lib.easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	lib.easy_setopt(c, CURLOPT_WRITEDATA, a);
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
	if (!lib_loaded()) {
		json_object_put(body);
		*msg = "node daemon error: " CURL_SONAME " cannot be loaded";
		log_warn(req, "daemon %s %s: %s", method, path, *msg);
		return false;
	}
	if (!node_daemon(req, node_uuid, token, &url)) {
		json_object_put(body);
		*msg = "node daemon error: the node's address or token is "
		       "unusable";
		log_warn(req, "daemon %s %s: %s", method, path, *msg);
		return false;
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	crypto_wipe(token, sizeof(token));
	h = lib.slist_append(hdrs, auth);
	crypto_wipe(auth, sizeof(auth));
	if (h != NULL)
		h = lib.slist_append(hdrs = h, "Accept: application/json");
	if (h != NULL && body != NULL)
		h = lib.slist_append(hdrs = h,
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
			rc = lib.easy_perform(c);
			lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
			lib.easy_cleanup(c);
		}
	}
	/* the Authorization line lives in the list: wipe it before freeing */
	if (hdrs != NULL)
		crypto_wipe(hdrs->data, strlen(hdrs->data));
	lib.slist_free_all(hdrs);
	json_object_put(body);
	if (rc == CURLE_OK && code >= 200 && code < 300)
		return true;
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		*status = 504;
		*msg = "node daemon error: timed out";
	} else if (rc != CURLE_OK) {
		*msg = arena_printf(&req->arena, "node daemon error: %s",
				    lib.easy_strerror(rc));
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
