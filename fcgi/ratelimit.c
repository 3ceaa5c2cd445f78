/* ratelimit.c: see ratelimit.h. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "ratelimit.h"
#include "request.h"
#include "response.h"
#include "settings.h"

const struct rl_rule RL_CLIENT = {"client", "client", 360, 30};
const struct rl_rule RL_AUTH_LOGIN = {"auth/login", "auth_login", 20, 300};
const struct rl_rule RL_AUTH_OAUTH = {"auth/oauth", NULL, 12, 60};

/* ratelimits::<name> = {"hits":N,"window_seconds":S}, else the default. */
static void
limits(struct req *req, const struct rl_rule *rule, long *hits, long *window)
{
	const struct settings *s;
	struct json_object *o, *h, *w;
	char key[96];
	const char *v;

	*hits = rule->hits;
	*window = rule->window;
	if (rule->setting == NULL ||
	    settings_current(req->db, req->cfg->settings_cache_seconds, &s) !=
		    PERR_OK)
		return;
	snprintf(key, sizeof(key), "ratelimits::%s", rule->setting);
	v = settings_get(s, key);
	if (v == NULL)
		return;
	o = json_tokener_parse(v);
	if (o != NULL && json_object_object_get_ex(o, "hits", &h) &&
	    json_object_object_get_ex(o, "window_seconds", &w) &&
	    json_object_is_type(h, json_type_int) &&
	    json_object_is_type(w, json_type_int) &&
	    json_object_get_int64(h) >= 1 && json_object_get_int64(w) >= 1 &&
	    json_object_get_int64(w) <= 86400 * 30) {
		*hits = (long)json_object_get_int64(h);
		*window = (long)json_object_get_int64(w);
	}
	json_object_put(o);
}

bool
ratelimit_hit(struct req *req, const struct rl_rule *rule, const char *client)
{
	char key[256], buf[64];
	long hits, window, used, end;
	struct db_arg args[4];
	struct db_res res;
	time_t now = time(NULL);
	enum perr e;

	limits(req, rule, &hits, &window);
	snprintf(key, sizeof(key), "ratelimit::%s::%s", rule->id, client);
	/* One atomic statement: a new window, or one more hit in this one.
	 * LAST_INSERT_ID(expr) hands the new count back without a read. */
	args[0] = DB_STR(key);
	args[1] = DB_INT((long long)now + window);
	args[2] = DB_INT((long long)now);
	args[3] = DB_INT((long long)now + window);
	e = db_exec(req->db, STMT_RATELIMIT_HIT, args, 4, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	used = res.insert_id > 0 ? (long)res.insert_id : 1;
	db_res_free(&res);
	/* Now and then, drop windows that ended an hour ago. */
	{
		unsigned char dice;

		crypto_random(&dice, 1);
		if (dice == 0) {
			args[0] = DB_INT((long long)now - 3600);
			(void)db_exec(req->db, STMT_RATELIMIT_SWEEP, args, 1,
			              NULL);
		}
	}
	/* Rejected when the count after this hit reaches the limit, so
	 * hits - 1 requests pass per window (contract 2.13). */
	if (used < hits)
		return true;
	args[0] = DB_STR(key);
	end = (long)now + window;
	if (db_exec(req->db, STMT_RATELIMIT_GET, args, 1, &res) == PERR_OK) {
		if (res.nrows == 1 && db_cell(&res, 0, 0) != NULL)
			end = strtol(db_cell(&res, 0, 0), NULL, 10);
		db_res_free(&res);
	}
	if (end < (long)now)
		end = (long)now;
	snprintf(buf, sizeof(buf), "%ld", hits);
	response_header(req, "X-RateLimit-Limit", buf);
	snprintf(buf, sizeof(buf), "%ld", used >= hits ? 0 : hits - used);
	response_header(req, "X-RateLimit-Remaining", buf);
	snprintf(buf, sizeof(buf), "%ld", end);
	response_header(req, "X-RateLimit-Reset", buf);
	snprintf(buf, sizeof(buf), "%ld", end - (long)now);
	response_header(req, "Retry-After", buf);
	response_error(req, 429,
		       arena_printf(&req->arena,
				    "you are ratelimited, retry in %lds",
				    end - (long)now));
	log_info(req, "rate limit %s reached", rule->id);
	return false;
}
