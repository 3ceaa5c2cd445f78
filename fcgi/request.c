/* request.c: CGI parameters, cookies, query, client IP and bounded body. */
#include "autoconf.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "config.h"
#include "json.h"
#include "log.h"
#include "request.h"

/* One counter for every thread of the process: ids never repeat. */
static _Atomic unsigned long req_counter;
/* per thread: worker threads start after the fork, so each sees its own pid */
static _Thread_local unsigned long thread_pid;

void
req_begin(struct req *req, FCGX_Request *fcgx, const struct config *cfg,
	  struct db *db)
{
	const char *uri, *q, *peer;
	size_t plen;

	req->fcgx = fcgx;
	req->cfg = cfg;
	req->db = db;
	if (thread_pid == 0)
		thread_pid = (unsigned long)getpid();
	snprintf(req->id, sizeof(req->id), "%lx-%lx", thread_pid,
		 atomic_fetch_add(&req_counter, 1) + 1);
	req->method = req_param(req, "REQUEST_METHOD");
	if (req->method == NULL)
		req->method = "GET";
	uri = req_param(req, "REQUEST_URI");
	if (uri == NULL || uri[0] != '/') {
		const char *sn = req_param(req, "SCRIPT_NAME");
		const char *pi = req_param(req, "PATH_INFO");

		uri = arena_printf(&req->arena, "%s%s", sn ? sn : "",
				   pi ? pi : "");
	}
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	req->path = arena_strndup(&req->arena, uri, plen);
	req->query = req_param(req, "QUERY_STRING");
	if (req->query == NULL)
		req->query = q ? q + 1 : "";

	peer = req_param(req, "REMOTE_ADDR");
	req->client_addr_ok =
		peer != NULL &&
		req_client_ip(peer, req_param(req, "HTTP_X_FORWARDED_FOR"),
			      req_param(req, "HTTP_X_REAL_IP"), cfg->proxies,
			      cfg->nproxies, &req->client_addr);
	if (req->client_addr_ok)
		cidr_format(&req->client_addr, false, req->client_ip);
	else
		snprintf(req->client_ip, sizeof(req->client_ip), "%s",
			 peer ? peer : "");
	req->status = 200;
}

const char *
req_body_str(const struct req *req, const char *name, const char *def)
{
	struct json_object *v = NULL;

	if (req->json == NULL)
		return def;
	json_object_object_get_ex(req->json, name, &v);
	return v ? json_object_get_string(v) : def;
}

struct json_object *
req_own(struct req *req, struct json_object *o)
{
	if (o == NULL)
		return NULL;
	if (req->nowned == req->owned_cap) {
		size_t cap = req->owned_cap ? 2 * req->owned_cap : 32;
		struct json_object **grown =
			arena_alloc(&req->arena, cap * sizeof(*grown));

		if (req->nowned > 0)
			memcpy(grown, req->owned, req->nowned * sizeof(*grown));
		req->owned = grown;
		req->owned_cap = cap;
	}
	req->owned[req->nowned++] = o;
	return o;
}

const char *
req_user_agent(struct req *req)
{
	const unsigned char *ua =
		(const unsigned char *)req_param(req, "HTTP_USER_AGENT");
	char *out;
	size_t i = 0, o = 0, n, k;

	if (ua == NULL || *ua == '\0')
		return "unknown";
	/* Stored in utf8mb4 columns and JSON: every byte that is not part
	 * of valid UTF-8, and every control byte, becomes '?'; at most 255
	 * bytes, never a split character. */
	n = strlen((const char *)ua);
	out = arena_alloc(&req->arena, 256);
	while (i < n) {
		k = utf8_seq(ua + i, n - i);
		if (k == 0 || (k == 1 && (ua[i] < 0x20 || ua[i] == 0x7f))) {
			k = 1;
			if (o + 1 > 255)
				break;
			out[o++] = '?';
		} else {
			if (o + k > 255)
				break;
			memcpy(out + o, ua + i, k);
			o += k;
		}
		i += k;
	}
	out[o] = '\0';
	return out;
}

void
req_after(struct req *req, void (*fn)(struct req *req, void *arg), void *arg)
{
	req->after = fn;
	req->after_arg = arg;
}

void
req_end(struct req *req)
{
	size_t i;

	for (i = 0; i < req->nowned; i++)
		json_object_put(req->owned[i]);
	if (req->json != NULL)
		json_object_put(req->json);
	if (req->resp != NULL)
		json_object_put(req->resp);
	arena_reset(&req->arena);
	memset(req, 0, sizeof(*req));
}

const char *
req_param(const struct req *req, const char *name)
{
	return FCGX_GetParam(name, req->fcgx->envp);
}

const char *
req_cookie(struct req *req, const char *name)
{
	const char *h = req_param(req, "HTTP_COOKIE"), *p;
	size_t nlen = strlen(name);

	if (h == NULL)
		return NULL;
	for (p = h; *p != '\0';) {
		size_t len;

		while (*p == ' ' || *p == ';')
			p++;
		len = strcspn(p, ";");
		if (len > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t vlen = len - nlen - 1;

			/* RFC 6265: optional double quotes */
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			return arena_strndup(&req->arena, v, vlen);
		}
		p += len;
	}
	return NULL;
}

/* Decodes %XX and '+' of len bytes; false on bad encoding or a NUL. */
static bool
url_decode(struct arena *a, const char *s, size_t len, const char **out)
{
	char *d = arena_alloc(a, len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return false;
			hi = hex_digit(s[i + 1]);
			lo = hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return false;
			d[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+') {
			d[o++] = ' ';
		} else {
			d[o++] = s[i];
		}
	}
	d[o] = '\0';
	*out = d;
	return true;
}

enum perr
req_query(struct req *req, const char *name, const char **out)
{
	const char *p = req->query;
	size_t nlen = strlen(name);

	while (*p != '\0') {
		size_t len = strcspn(p, "&");

		if (len >= nlen && strncmp(p, name, nlen) == 0 &&
		    (len == nlen || p[nlen] == '=')) {
			const char *v = len == nlen ? p + len : p + nlen + 1;
			size_t vlen = len == nlen ? 0 : len - nlen - 1;

			return url_decode(&req->arena, v, vlen, out)
				       ? PERR_OK
				       : PERR_INVAL;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	return PERR_NOENT;
}

enum perr
req_read_body(struct req *req, size_t max)
{
	const char *cl = req_param(req, "CONTENT_LENGTH");
	int64_t len = 0;
	size_t got = 0;

	/* Digits only: no sign, no spaces (RFC 9110 Content-Length). */
	if (cl != NULL && *cl != '\0' &&
	    (strspn(cl, "0123456789") != strlen(cl) ||
	     !parse_int64(cl, 0, INT64_MAX, &len)))
		return PERR_INVAL;
	if ((uint64_t)len > max)
		return PERR_TOOBIG;
	req->body = arena_alloc(&req->arena, (size_t)len + 1);
	while (got < (size_t)len) {
		int n = FCGX_GetStr(req->body + got, (int)((size_t)len - got),
				    req->fcgx->in);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	req->body[got] = '\0';
	req->body_len = got;
	if (got != (size_t)len)
		return PERR_INVAL;
	return PERR_OK;
}

bool
req_client_ip(const char *peer, const char *xff, const char *xrealip,
	      const struct cidr *proxies, size_t nproxies, struct cidr *out)
{
	struct cidr p, c;

	if (!ip_parse(peer, &p))
		return false;
	*out = p;
	if (!cidr_list_contains(proxies, nproxies, &p))
		return true;
	if (xff != NULL && *xff != '\0') {
		/*
		 * Walk from the right: each hop appended the address it saw.
		 * The first entry that is not a trusted proxy is the client;
		 * a malformed entry stops the walk at the last trusted hop.
		 */
		const char *end = xff + strlen(xff);

		for (;;) {
			const char *start = end;
			char item[CIDR_BUFSZ];
			size_t len;

			while (start > xff && start[-1] != ',')
				start--;
			len = (size_t)(end - start);
			while (len > 0 && (*start == ' ' || *start == '\t')) {
				start++;
				len--;
			}
			while (len > 0 && (start[len - 1] == ' ' ||
					   start[len - 1] == '\t'))
				len--;
			if (len == 0 || len >= sizeof(item))
				return true;
			memcpy(item, start, len);
			item[len] = '\0';
			if (!ip_parse(item, &c))
				return true;
			*out = c;
			if (!cidr_list_contains(proxies, nproxies, &c))
				return true;
			while (start > xff && start[-1] != ',')
				start--;
			if (start == xff)
				return true; /* every hop trusted: the left-most
					      */
			end = start - 1;
		}
	}
	if (xrealip != NULL && ip_parse(xrealip, &c))
		*out = c;
	return true;
}
