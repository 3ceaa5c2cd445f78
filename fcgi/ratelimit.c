/*
 * ratelimit.c: see ratelimit.h.
 *
 * The counters live in a shared-memory table (a file, normally on
 * /dev/shm, named by ratelimit_file) that every panel-fcgi process of the
 * host maps: one counter per (rule, client), updated under a
 * process-shared robust mutex per stripe of slots. It survives worker
 * restarts and costs no database round trip. When the file cannot be
 * used, the ratelimit_windows table takes over (one atomic upsert a hit).
 */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* ---- the shared table ---------------------------------------------------- */

#define RL_MAGIC 0x70616e656c726c31ULL /* "panelrl1" */
#define RL_STRIPES 1024
#define RL_PER_STRIPE 64
#define RL_SLOTS (RL_STRIPES * RL_PER_STRIPE)

struct rl_slot {
	uint64_t h;	    /* keyed hash of "rule::client", 0 = empty */
	uint64_t gen;	    /* the table generation it belongs to */
	int64_t window_end; /* unix seconds */
	uint32_t hits;
	uint32_t pad;
};

struct rl_table {
	uint64_t magic;
	uint32_t slots;
	uint32_t stripes;
	_Atomic uint64_t gen; /* bumped by ratelimit_reset: all slots stale */
	unsigned char hkey[32];
	pthread_mutex_t locks[RL_STRIPES];
	struct rl_slot slot[RL_SLOTS];
};

static pthread_once_t map_once = PTHREAD_ONCE_INIT;
static struct rl_table *table;
static const char *map_path;

/*
 * fresh: the file was just extended from size 0, so it reads as zeros and
 * only the header is written; the 2 MiB of slots stay untouched (a memset
 * would make them resident in this process). A file left half-initialised
 * by a creator that died is cleared whole.
 */
static bool
init_table(struct rl_table *t, bool fresh)
{
	pthread_mutexattr_t a;
	size_t i;

	memset(t, 0, fresh ? offsetof(struct rl_table, slot) : sizeof(*t));
	if (pthread_mutexattr_init(&a) != 0)
		return false;
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	for (i = 0; i < RL_STRIPES; i++)
		if (pthread_mutex_init(&t->locks[i], &a) != 0)
			return false;
	pthread_mutexattr_destroy(&a);
	crypto_random(t->hkey, sizeof(t->hkey));
	t->slots = RL_SLOTS;
	t->stripes = RL_STRIPES;
	atomic_store(&t->gen, 1);
	t->magic = RL_MAGIC; /* last: the table is ready */
	return true;
}

/* Maps (creating when new) the file; NULL when it cannot be used. */
static struct rl_table *
map_file(const char *path)
{
	struct rl_table *t = NULL;
	struct stat st;
	void *p;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log_err(NULL, "ratelimit_file %s: %s; using the database", path,
			strerror(errno));
		return NULL;
	}
	/* One creator at a time; the others wait and then see magic set. */
	if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0)
		goto out;
	if (st.st_size != 0 && st.st_size != (off_t)sizeof(*t)) {
		log_err(NULL, "ratelimit_file %s has the wrong size; remove it",
			path);
		goto out;
	}
	if (st.st_size == 0 && ftruncate(fd, sizeof(*t)) != 0)
		goto out;
	p = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto out;
	t = p;
	if (t->magic != RL_MAGIC && !init_table(t, st.st_size == 0)) {
		munmap(p, sizeof(*t));
		t = NULL;
	}
out:
	if (t == NULL)
		log_err(NULL, "ratelimit_file %s unusable; using the database",
			path);
	flock(fd, LOCK_UN);
	close(fd);
	return t;
}

static void
map_now(void)
{
	table = map_file(map_path);
}

static struct rl_table *
shared_table(const struct config *cfg)
{
	if (cfg->ratelimit_file[0] == '\0')
		return NULL;
	map_path = cfg->ratelimit_file;
	pthread_once(&map_once, map_now);
	return table;
}

static void
lock_stripe(pthread_mutex_t *m)
{
	/* A process that died holding it: its update is at worst lost. */
	if (pthread_mutex_lock(m) == EOWNERDEAD)
		pthread_mutex_consistent(m);
}

/* One hit on key in t; the count after it and the window's end. */
static void
shared_hit(struct rl_table *t, const char *key, long window, time_t now,
	   long *used, long *end)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	uint64_t h, gen = atomic_load(&t->gen);
	struct rl_slot *s, *pick = NULL;
	size_t stripe, i;

	crypto_hmac_sha256(t->hkey, sizeof(t->hkey), key, strlen(key), mac);
	memcpy(&h, mac, sizeof(h));
	h |= 1; /* 0 marks an empty slot */
	stripe = (size_t)(h >> 32) % RL_STRIPES;
	s = &t->slot[stripe * RL_PER_STRIPE];
	lock_stripe(&t->locks[stripe]);
	for (i = 0; i < RL_PER_STRIPE; i++) {
		if (s[i].h == h && s[i].gen == gen) {
			pick = &s[i];
			break;
		}
	}
	if (pick == NULL) {
		/* a free or finished slot, else the one ending first */
		for (i = 0; i < RL_PER_STRIPE; i++) {
			if (s[i].h == 0 || s[i].gen != gen ||
			    s[i].window_end <= now) {
				pick = &s[i];
				break;
			}
			if (pick == NULL || s[i].window_end < pick->window_end)
				pick = &s[i];
		}
		pick->h = h;
		pick->gen = gen;
		pick->window_end = 0;
	}
	if (pick->window_end <= now) {
		pick->window_end = now + window;
		pick->hits = 1;
	} else if (pick->hits < UINT32_MAX) {
		pick->hits++;
	}
	*used = (long)pick->hits;
	*end = (long)pick->window_end;
	pthread_mutex_unlock(&t->locks[stripe]);
}

bool
ratelimit_reset(const struct config *cfg)
{
	struct rl_table *t = shared_table(cfg);

	if (t == NULL)
		return false;
	atomic_fetch_add(&t->gen, 1);
	return true;
}

/* ---- the database fallback ----------------------------------------------- */

static enum perr
db_hit(struct req *req, const char *key, long window, time_t now, long *used,
       long *end)
{
	struct db_arg args[4];
	struct db_res res;
	enum perr e;

	/* One atomic statement: a new window, or one more hit in this one.
	 * LAST_INSERT_ID(expr) hands the new count back without a read. */
	args[0] = DB_STR(key);
	args[1] = DB_INT((long long)now + window);
	args[2] = DB_INT((long long)now);
	args[3] = DB_INT((long long)now);
	e = db_exec(req->db, STMT_RATELIMIT_HIT, args, 4, &res);
	if (e != PERR_OK)
		return e;
	*used = res.insert_id > 0 ? (long)res.insert_id : 1;
	db_res_free(&res);
	*end = (long)now + window;
	if (db_exec(req->db, STMT_RATELIMIT_GET, args, 1, &res) == PERR_OK) {
		if (res.nrows == 1 && db_cell(&res, 0, 0) != NULL)
			*end = strtol(db_cell(&res, 0, 0), NULL, 10);
		db_res_free(&res);
	}
	return PERR_OK;
}

/* ---- limits and the 429 -------------------------------------------------- */

/* ratelimits::<name> = {"hits":N,"window_seconds":S}, else the default. */
static enum perr
limits(struct req *req, const struct rl_rule *rule, long *hits, long *window)
{
	const struct settings *s;
	struct json_object *o, *h, *w;
	char key[96];
	const char *v;
	enum perr e;

	*hits = rule->hits;
	*window = rule->window;
	if (rule->setting == NULL)
		return PERR_OK;
	/* without the settings the configured limit is unknown: the caller
	 * answers 503 rather than judge by the built-in default */
	e = settings_current(req->db, req->cfg->settings_cache_seconds, &s);
	if (e != PERR_OK)
		return e;
	snprintf(key, sizeof(key), "ratelimits::%s", rule->setting);
	v = settings_get(s, key);
	if (v == NULL)
		return PERR_OK;
	o = json_tokener_parse(v);
	if (o != NULL && json_object_object_get_ex(o, "hits", &h) &&
	    json_object_object_get_ex(o, "window_seconds", &w) &&
	    json_object_is_type(h, json_type_int) &&
	    json_object_is_type(w, json_type_int) &&
	    json_object_get_int64(h) >= 1 &&
	    json_object_get_int64(h) <= INT32_MAX &&
	    json_object_get_int64(w) >= 1 &&
	    json_object_get_int64(w) <= 86400 * 30) {
		*hits = (long)json_object_get_int64(h);
		*window = (long)json_object_get_int64(w);
	}
	json_object_put(o);
	return PERR_OK;
}

bool
ratelimit_hit(struct req *req, const struct rl_rule *rule, const char *client)
{
	struct rl_table *t = shared_table(req->cfg);
	char key[256], buf[64];
	long hits, window, used = 0, end = 0;
	time_t now = time(NULL);
	enum perr e;

	e = limits(req, rule, &hits, &window);
	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	snprintf(key, sizeof(key), "ratelimit::%s::%s", rule->id, client);
	if (t != NULL) {
		shared_hit(t, key, window, now, &used, &end);
	} else {
		e = db_hit(req, key, window, now, &used, &end);
		if (e != PERR_OK) {
			response_fail(req, e);
			return false;
		}
	}
	/* Rejected when the count after this hit reaches the limit, so
	 * hits - 1 requests pass per window (contract 2.13). */
	if (used < hits)
		return true;
	if (end < (long)now)
		end = (long)now;
	snprintf(buf, sizeof(buf), "%ld", hits);
	response_header(req, "X-RateLimit-Limit", buf);
	response_header(req, "X-RateLimit-Remaining", "0");
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
