/*
 * handler_admin_settings.c: GET and PUT /api/admin/settings (contract 8.8,
 * storage keys and defaults 13, activity 12.3). Admin gate; admin
 * permissions settings.read and settings.update.
 *
 * One table, fields[], describes every field of AppSettings in the
 * contract's order: its JSON path, storage key, type, rule, default and
 * flags (secret, clearable, ...). GET, PUT and the activity entry all walk
 * it; no field has code of its own.
 *
 * Beyond the real panel (each in the README's differences table):
 *   - GET never shows a secret (SMTP password, S3 keys, captcha secret
 *     keys and api_key): a non-empty one reads "********";
 *   - PUT: a secret sent back as "********" keeps the stored one, so a
 *     client that GETs, edits and PUTs back wipes nothing;
 *   - secrets (and the SMTP user name, which the panel also encrypts) are
 *     sealed at rest with encryption_key, bound to their storage key;
 *   - the settings:update entry holds the new settings as GET shows them:
 *     no secret, not even its length;
 *   - the whole PUT is one transaction; oobe_step is written where it is
 *     read (::oobe_step); numbers have the upper bounds the readers honour.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "gate.h"
#include "handler.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "settings.h"
#include "user.h"

#define ADD(o, k, v) json_object_object_add((o), (k), (v))
#define NF(t) (sizeof(t) / sizeof((t)[0]))

/* What GET shows for a secret, and what PUT reads as "keep it". */
#define REDACTED "********"
/* A sealed stored value: the prefix, then hex(nonce || ciphertext || tag). */
#define SEALED_PREFIX "enc1:"
#define SEALED_PREFIX_LEN 5

enum stype {
	ST_STR,	   /* string, min..max characters */
	ST_INT,	   /* integer in min..max */
	ST_BOOL,   /* stored "true" / "false" */
	ST_ENUM,   /* one of wire[], stored as stored[] */
	ST_TAG,	   /* "type" of a tagged object; its variant rows follow it */
	ST_UUID,   /* read only */
	ST_RATE,   /* {hits, window_seconds}, stored as JSON text */
	ST_ROUTES, /* user.route_order: route items, stored as JSON text */
};

#define F_NULL 0x01   /* null allowed: clearable, or an Option variant field */
#define F_SECRET 0x02 /* redacted; "********" keeps it; sealed at rest */
#define F_SEALED 0x04 /* sealed at rest, shown */
#define F_URL 0x08    /* a valid URL */
#define F_EMAIL 0x10  /* a valid e-mail address */
#define F_LANG 0x20   /* a language we serve */
#define F_RO 0x40     /* not written by PUT */
#define F_DEFAULTED 0x80  /* a variant field that may be left out */
#define F_PANEL_URL 0x100 /* default: the configured panel_url */

struct sfield {
	const char *path; /* "app.name"; variant fields "mail_mode.host" */
	const char *key;  /* storage key (contract 13) */
	enum stype type;
	const char *variant; /* variant fields: their object's wire type */
	long long min, max;  /* ST_STR characters (max 0 = none), ST_INT */
	unsigned flags;
	const char *def;	   /* stored form when missing; NULL = null */
	const char *const *wire;   /* ST_ENUM, ST_TAG: names on the wire */
	const char *const *stored; /* the same in the table (NULL = wire) */
};

static const char *const oobe_steps[] = {
	"register", "configuration", "repositories",
	"location", "node",	     "nodeconfiguration",
	"server",   "finished",	     NULL};
static const char *const storage_types[] = {"filesystem", "s3", NULL};
static const char *const mail_types[] = {"none", "smtp", "sendmail",
					 "filesystem", NULL};
static const char *const captcha_wire[] = {
	"none", "turnstile", "recaptcha", "hcaptcha", "friendly_captcha", NULL};
static const char *const captcha_stored[] = {
	"none", "turnstile", "recaptcha", "hcaptcha", "friendlycaptcha", NULL};
static const char *const tls_wire[] = {"none", "start_tls", "implicit_tls",
				       NULL};
static const char *const tls_stored[] = {"none", "starttls", "implicit_tls",
					 NULL};
static const char *const two_factor[] = {"admins", "all_users", "none", NULL};

#define I32 2147483647LL
#define RATE_WINDOW_MAX 2592000LL /* 30 days: what ratelimit.c honours */

/* Row makers: plain fields, variant fields (v), enums. */
#define STR(p, k, lo, hi, f, d)                                                \
	{                                                                      \
		p, k, ST_STR, NULL, lo, hi, f, d, NULL, NULL                   \
	}
#define INT(p, k, lo, hi, f, d)                                                \
	{                                                                      \
		p, k, ST_INT, NULL, lo, hi, f, d, NULL, NULL                   \
	}
#define BOOL(p, k, d)                                                          \
	{                                                                      \
		p, k, ST_BOOL, NULL, 0, 0, 0, d, NULL, NULL                    \
	}
#define VSTR(v, p, k, lo, hi, f, d)                                            \
	{                                                                      \
		p, k, ST_STR, v, lo, hi, f, d, NULL, NULL                      \
	}
#define VBOOL(v, p, k, f, d)                                                   \
	{                                                                      \
		p, k, ST_BOOL, v, 0, 0, f, d, NULL, NULL                       \
	}
#define RATE(name, d)                                                          \
	{                                                                      \
		"ratelimits." name, "ratelimits::" name, ST_RATE, NULL, 1,     \
			I32, 0, d, NULL, NULL                                  \
	}
#define COUNT(p, k, d) INT(p, k, 0, I32, 0, d)
#define RETAIN(g, d)                                                           \
	INT("activity." g "_log_retention_days",                               \
	    "activity::" g "_log_retention_days", 1, 3650, 0, d),              \
		INT("activity." g "_log_retention_count",                      \
		    "activity::" g "_log_retention_count", 1, I32, F_NULL,     \
		    NULL)
#define FROM(v, k)                                                             \
	VSTR(v, "mail_mode.from_address", "::mail_" k "_from_address", 1, 255, \
	     F_EMAIL, "noreply@example.com"),                                  \
		VSTR(v, "mail_mode.from_name", "::mail_" k "_from_name", 1,    \
		     255, F_NULL, NULL)
#define CAPTCHA(v, k, secret)                                                  \
	VSTR(v, "captcha_provider.site_key", "::" k "_site_key", 1, 255, 0,    \
	     ""),                                                              \
		VSTR(v, "captcha_provider." secret, "::" k "_" secret, 1, 255, \
		     F_SECRET, "")
#define RL(h, w) "{\"hits\":" #h ",\"window_seconds\":" #w "}"

static const struct sfield fields[] = {
	{"telemetry_uuid", "::telemetry_uuid", ST_UUID, NULL, 0, 0,
	 F_RO | F_NULL, NULL, NULL, NULL},
	STR("telemetry_cron_schedule", "::telemetry_cron_schedule", 0, 0,
	    F_RO | F_NULL, NULL),
	{"oobe_step", "::oobe_step", ST_ENUM, NULL, 0, 0, F_NULL, NULL,
	 oobe_steps, NULL},

	{"storage_driver", "::storage_driver", ST_TAG, NULL, 0, 0, 0,
	 "filesystem", storage_types, NULL},
	VSTR("filesystem", "storage_driver.path", "::storage_filesystem_path",
	     1, 255, 0, "/var/lib/calagopus"),
	VSTR("s3", "storage_driver.public_url", "::storage_s3_public_url", 1,
	     255, F_URL, "https://your-s3-bucket.s3.amazonaws.com"),
	VSTR("s3", "storage_driver.access_key", "::storage_s3_access_key", 1,
	     512, F_SECRET, "your-access-key"),
	VSTR("s3", "storage_driver.secret_key", "::storage_s3_secret_key", 1,
	     512, F_SECRET, "your-secret-key"),
	VSTR("s3", "storage_driver.bucket", "::storage_s3_bucket", 1, 63, 0,
	     "your-s3-bucket"),
	VSTR("s3", "storage_driver.region", "::storage_s3_region", 1, 63, 0,
	     "us-east-1"),
	VSTR("s3", "storage_driver.endpoint", "::storage_s3_endpoint", 1, 255,
	     0, "https://s3.amazonaws.com"),
	VBOOL("s3", "storage_driver.path_style", "::storage_s3_path_style", 0,
	      "false"),

	{"mail_mode", "::mail_mode", ST_TAG, NULL, 0, 0, 0, "none", mail_types,
	 NULL},
	VSTR("smtp", "mail_mode.host", "::mail_smtp_host", 1, 255, 0,
	     "smtp.example.com"),
	{"mail_mode.port", "::mail_smtp_port", ST_INT, "smtp", 1, 65535, 0,
	 "587", NULL, NULL},
	VSTR("smtp", "mail_mode.username", "::mail_smtp_username", 1, 255,
	     F_NULL | F_SEALED, NULL),
	VSTR("smtp", "mail_mode.password", "::mail_smtp_password", 1, 255,
	     F_NULL | F_SECRET, NULL),
	{"mail_mode.tls_mode", "::mail_smtp_tls_mode", ST_ENUM, "smtp", 0, 0, 0,
	 "starttls", tls_wire, tls_stored},
	VBOOL("smtp", "mail_mode.skip_cert_validation",
	      "::mail_smtp_skip_cert_validation", F_DEFAULTED, "false"),
	FROM("smtp", "smtp"),
	VSTR("sendmail", "mail_mode.command", "::mail_sendmail_command", 1, 255,
	     0, "sendmail"),
	FROM("sendmail", "sendmail"),
	VSTR("filesystem", "mail_mode.path", "::mail_filesystem_path", 1, 255,
	     0, "/var/lib/calagopus/mail"),
	FROM("filesystem", "filesystem"),

	{"captcha_provider", "::captcha_provider", ST_TAG, NULL, 0, 0, 0,
	 "none", captcha_wire, captcha_stored},
	CAPTCHA("turnstile", "turnstile", "secret_key"),
	VBOOL("recaptcha", "captcha_provider.v3", "::recaptcha_v3", 0, "false"),
	CAPTCHA("recaptcha", "recaptcha", "secret_key"),
	CAPTCHA("hcaptcha", "hcaptcha", "secret_key"),
	CAPTCHA("friendly_captcha", "friendlycaptcha", "api_key"),

	STR("app.name", "app::name", 1, 64, 0, "Calagopus"),
	STR("app.icon", "app::icon", 1, 255, 0, "/icon.svg"),
	STR("app.icon_light", "app::icon_light", 1, 255, F_NULL, NULL),
	STR("app.banner", "app::banner", 1, 255, F_NULL, NULL),
	STR("app.banner_light", "app::banner_light", 1, 255, F_NULL, NULL),
	STR("app.url", "app::url", 0, 0, F_URL | F_PANEL_URL,
	    "http://localhost:8000"),
	STR("app.language", "app::language", 2, 15, F_LANG, "en"),
	{"app.two_factor_requirement", "app::two_factor_requirement", ST_ENUM,
	 NULL, 0, 0, 0, "none", two_factor, NULL},
	STR("app.session_cookie", "app::session_cookie", 1, 255, 0,
	    "calagopus_session"),
	INT("app.session_duration_seconds", "app::session_duration_seconds", 60,
	    31536000, 0, "604800"),
	BOOL("app.telemetry_enabled", "app::telemetry_enabled", "true"),
	BOOL("app.registration_enabled", "app::registration_enabled", "true"),

	BOOL("webauthn.enabled", "webauthn::enabled", "true"),
	BOOL("webauthn.allow_discoverable", "webauthn::allow_discoverable",
	     "true"),
	STR("webauthn.rp_id", "webauthn::rp_id", 1, 255, 0, "localhost"),
	STR("webauthn.rp_origin", "webauthn::rp_origin", 0, 0, F_URL,
	    "http://localhost"),
	INT("webauthn.authentication_timeout_seconds",
	    "webauthn::authentication_timeout_seconds", 30, 600, 0, "300"),
	INT("webauthn.registration_timeout_seconds",
	    "webauthn::registration_timeout_seconds", 30, 600, 0, "300"),

	COUNT("server.max_file_manager_view_size",
	      "server::max_file_manager_view_size", "10485760"),
	COUNT("server.max_file_manager_content_search_size",
	      "server::max_file_manager_content_search_size", "5242880"),
	COUNT("server.max_file_manager_search_results",
	      "server::max_file_manager_search_results", "100"),
	COUNT("server.max_subuser_count", "server::max_subuser_count", "25"),
	COUNT("server.max_schedule_step_count",
	      "server::max_schedule_step_count", "50"),
	COUNT("server.max_backup_group_count", "server::max_backup_group_count",
	      "10"),
	COUNT("server.max_database_instance_database_count",
	      "server::max_database_instance_database_count", "10"),
	COUNT("server.max_database_instance_user_count",
	      "server::max_database_instance_user_count", "10"),
	BOOL("server.allow_overwriting_custom_docker_image",
	     "server::allow_overwriting_custom_docker_image", "true"),
	BOOL("server.allow_viewing_installation_logs",
	     "server::allow_viewing_installation_logs", "true"),
	BOOL("server.allow_acknowledging_installation_failure",
	     "server::allow_acknowledging_installation_failure", "true"),
	BOOL("server.allow_viewing_transfer_progress",
	     "server::allow_viewing_transfer_progress", "true"),
	STR("server.container_prelude", "server::container_prelude", 1, 255, 0,
	    "container@calagopus~"),

	COUNT("user.max_server_group_count", "user::max_server_group_count",
	      "25"),
	COUNT("user.max_api_key_count", "user::max_api_key_count", "50"),
	COUNT("user.max_command_snippet_count",
	      "user::max_command_snippet_count", "100"),
	COUNT("user.max_security_key_count", "user::max_security_key_count",
	      "50"),
	COUNT("user.max_ssh_key_count", "user::max_ssh_key_count", "50"),
	BOOL("user.allow_changing_language", "user::allow_changing_language",
	     "true"),
	{"user.route_order", "user::route_order", ST_ROUTES, NULL, 0, 100,
	 F_NULL, NULL, NULL, NULL},

	RETAIN("admin", "180"),
	RETAIN("user", "180"),
	RETAIN("server", "90"),
	BOOL("activity.server_log_admin_activity",
	     "activity::server_log_admin_activity", "true"),
	BOOL("activity.server_log_schedule_activity",
	     "activity::server_log_schedule_activity", "true"),

	RATE("auth_register", RL(10, 3600)),
	RATE("auth_login", RL(20, 300)),
	RATE("auth_login_checkpoint", RL(10, 300)),
	RATE("auth_login_security_key", RL(10, 300)),
	RATE("auth_password_forgot", RL(10, 3600)),
	RATE("auth_password_reset", RL(10, 300)),
	RATE("client", RL(360, 30)),
	RATE("client_servers_backups_create", RL(4, 300)),
	RATE("client_servers_files_pull", RL(5, 60)),
	RATE("client_servers_files_pull_query", RL(10, 60)),
	RATE("remote", RL(720, 30)),
	RATE("remote_sftp_auth", RL(60, 30)),
};

#define NFIELDS NF(fields)

/* ---- small helpers ------------------------------------------------------- */

/* The field's name inside its object ("app.name" -> "name"), and the
 * object's path into group (empty at the top level). */
static const char *
split_path(const char *path, char group[64])
{
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : 0;

	if (n >= 64)
		n = 63;
	memcpy(group, path, n);
	group[n] = '\0';
	return dot ? dot + 1 : path;
}

/* Index of s in a NULL-terminated list, or -1. */
static int
find_name(const char *const *list, const char *s)
{
	int i;

	for (i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

static const char *const *
stored_names(const struct sfield *f)
{
	return f->stored != NULL ? f->stored : f->wire;
}

static const char *
json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The rate-limit object of text when it is one within bounds, else NULL. */
static struct json_object *
rate_parse(const char *text)
{
	struct json_object *o = text ? json_tokener_parse(text) : NULL, *h, *w;

	if (o != NULL && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "hits", &h) &&
	    json_object_object_get_ex(o, "window_seconds", &w) &&
	    json_object_is_type(h, json_type_int) &&
	    json_object_is_type(w, json_type_int) &&
	    json_object_get_int64(h) >= 1 && json_object_get_int64(h) <= I32 &&
	    json_object_get_int64(w) >= 1 &&
	    json_object_get_int64(w) <= RATE_WINDOW_MAX) {
		struct json_object *r = json_object_new_object();

		ADD(r, "hits", json_object_new_int64(json_object_get_int64(h)));
		ADD(r, "window_seconds",
		    json_object_new_int64(json_object_get_int64(w)));
		json_object_put(o);
		return r;
	}
	json_object_put(o);
	return NULL;
}

/* ---- secrets at rest ----------------------------------------------------- */

/* plain sealed for storage key (the AAD), as text in the arena; NULL when
 * libgcrypt refuses. */
static const char *
seal_text(struct req *req, const char *key, const char *plain)
{
	size_t len = strlen(plain), n = len + CRYPTO_SEAL_OVERHEAD;
	unsigned char *buf = arena_alloc(&req->arena, n);
	char *out = arena_alloc(&req->arena, SEALED_PREFIX_LEN + 2 * n + 1);

	if (!crypto_seal(req->cfg->encryption_key, key, strlen(key), plain, len,
			 buf))
		return NULL;
	memcpy(out, SEALED_PREFIX, SEALED_PREFIX_LEN);
	crypto_hex(buf, n, out + SEALED_PREFIX_LEN);
	return out;
}

/* A stored value opened (in the arena, wiped with it); a value without
 * the prefix is taken as written (set by hand). NULL when it does not
 * open. */
static const char *
open_text(struct req *req, const char *key, const char *stored)
{
	const char *hex = stored + SEALED_PREFIX_LEN;
	size_t n = strlen(hex) / 2;
	unsigned char *buf;
	char *plain;

	if (strncmp(stored, SEALED_PREFIX, SEALED_PREFIX_LEN) != 0)
		return stored;
	if (n < CRYPTO_SEAL_OVERHEAD)
		return NULL;
	buf = arena_alloc(&req->arena, n);
	plain = arena_alloc(&req->arena, n - CRYPTO_SEAL_OVERHEAD + 1);
	if (!crypto_unhex(hex, buf, n) ||
	    !crypto_open(req->cfg->encryption_key, key, strlen(key), buf, n,
			 (unsigned char *)plain))
		return NULL;
	plain[n - CRYPTO_SEAL_OVERHEAD] = '\0';
	return plain;
}

/* ---- reading: the AppSettings object ---------------------------------- */

static const char *
default_of(const struct req *req, const struct sfield *f)
{
	return (f->flags & F_PANEL_URL) ? req->cfg->panel_url : f->def;
}

/* A string field's value: stored, else the default; secrets redacted. */
static struct json_object *
read_str(struct req *req, const struct sfield *f, const char *v)
{
	if (v == NULL || *v == '\0') {
		v = default_of(req, f);
	} else if (f->flags & F_SEALED) {
		v = open_text(req, f->key, v);
		if (v == NULL)
			log_warn(req,
				 "setting %s does not open (another "
				 "encryption_key?)",
				 f->key);
	}
	if (v == NULL)
		return NULL;
	if ((f->flags & F_SECRET) && *v != '\0')
		return json_object_new_string(REDACTED);
	return json_object_new_string(v);
}

/* One field's value as GET shows it (new, or NULL for null). */
static struct json_object *
read_value(struct req *req, const struct settings *s, const struct sfield *f)
{
	const char *v = settings_get(s, f->key);
	struct json_object *o;
	char uuid[37];
	int64_t n;
	int i;

	switch (f->type) {
	case ST_STR:
		return read_str(req, f, v);
	case ST_INT:
		if (v != NULL && parse_int64(v, f->min, f->max, &n))
			return json_object_new_int64(n);
		if (f->def != NULL && parse_int64(f->def, f->min, f->max, &n))
			return json_object_new_int64(n);
		return NULL;
	case ST_BOOL:
		return json_object_new_boolean(
			settings_bool(s, f->key, strcmp(f->def, "true") == 0));
	case ST_ENUM:
	case ST_TAG:
		i = find_name(stored_names(f), v);
		if (i < 0)
			i = find_name(stored_names(f), f->def);
		return i < 0 ? NULL : json_object_new_string(f->wire[i]);
	case ST_UUID:
		return v != NULL && uuid_normalize(v, uuid)
			       ? json_object_new_string(uuid)
			       : NULL;
	case ST_RATE:
		o = rate_parse(v);
		return o != NULL ? o : rate_parse(f->def);
	case ST_ROUTES:
		o = v != NULL && *v != '\0' ? json_tokener_parse(v) : NULL;
		if (o != NULL && !json_object_is_type(o, json_type_array)) {
			json_object_put(o);
			o = NULL;
		}
		return o;
	}
	return NULL;
}

/* The object at name in root, made (in table order) when missing. */
static struct json_object *
group_object(struct json_object *root, const char *name)
{
	struct json_object *g;

	if (json_object_object_get_ex(root, name, &g))
		return g;
	g = json_object_new_object();
	ADD(root, name, g);
	return g;
}

/*
 * AppSettings (contract 8.8) from the stored settings, secrets redacted:
 * what GET answers and what the activity entry records. New object.
 */
static struct json_object *
settings_json(struct req *req, const struct settings *s)
{
	struct json_object *root = json_object_new_object(), *tag;
	const char *active = NULL;
	char group[64];
	size_t i;

	for (i = 0; i < NFIELDS; i++) {
		const struct sfield *f = &fields[i];
		const char *name = split_path(f->path, group);
		struct json_object *parent = root;

		if (f->variant != NULL) {
			if (active == NULL || strcmp(active, f->variant) != 0)
				continue;
			parent = group_object(root, group);
		} else if (f->type == ST_TAG) {
			tag = read_value(req, s, f);
			active = json_object_get_string(tag);
			ADD(group_object(root, f->path), "type", tag);
			continue;
		} else if (group[0] != '\0') {
			parent = group_object(root, group);
		}
		ADD(parent, name, read_value(req, s, f));
	}
	return root;
}

/* GET /api/admin/settings. Perm settings.read. {"settings": AppSettings}
 * with every secret redacted. Raises 5xx. */
static void
handle_get(struct req *req)
{
	struct json_object *o;
	struct settings s;
	enum perr e;

	e = settings_load(req->db, &req->arena, &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	o = json_object_new_object();
	ADD(o, "settings", settings_json(req, &s));
	response_json(req, 200, o);
}

/* ---- checking a PUT body ------------------------------------------------ */

/* What a type error says the field wants. */
static const char *
type_name(enum stype t)
{
	switch (t) {
	case ST_INT:
		return "an integer";
	case ST_BOOL:
		return "a boolean";
	case ST_RATE:
	case ST_TAG:
		return "an object";
	case ST_ROUTES:
		return "a sequence";
	default:
		return "a string";
	}
}

/* One value to store. */
struct swrite {
	const char *key;
	const char *value; /* plain; sealed when written (flags) */
	unsigned flags;
};

struct put {
	struct req *req;
	struct json_object *errs; /* "path: rule" strings, field order */
	const char *payload;	  /* the first type error, ends the walk */
	const char *active;	  /* wire type of the tagged object read */
	struct json_object *tagobj;
	struct swrite *w;
	size_t nw;
};

static void
keep(struct put *p, const struct sfield *f, const char *value)
{
	p->w[p->nw].key = f->key;
	p->w[p->nw].value = value;
	p->w[p->nw].flags = f->flags;
	p->nw++;
}

static void
rule(struct put *p, const char *path, const char *msg)
{
	json_object_array_add(p->errs,
			      json_object_new_string(arena_printf(
				      &p->req->arena, "%s: %s", path, msg)));
}

static void
range_rule(struct put *p, const char *path, long long x, long long min,
	   long long max, const char *what)
{
	if (x < min)
		rule(p, path,
		     arena_printf(&p->req->arena, "%slower than %lld", what,
				  min));
	else if (max > 0 && x > max)
		rule(p, path,
		     arena_printf(&p->req->arena, "%sgreater than %lld", what,
				  max));
}

static void
type_error(struct put *p, const char *path, const char *want)
{
	if (p->payload == NULL)
		p->payload = arena_printf(
			&p->req->arena,
			"invalid payload: invalid type for `%s`, expected %s",
			path, want);
}

static void
missing(struct put *p, const char *path, const char *name)
{
	if (p->payload == NULL)
		p->payload = arena_printf(&p->req->arena,
					  "invalid payload: %s: missing field "
					  "`%s`",
					  path, name);
}

static void
unknown_variant(struct put *p, const char *path, const char *got,
		const char *const *wire)
{
	const char *list = "";
	int i;

	for (i = 0; wire[i] != NULL; i++)
		list = arena_printf(&p->req->arena, "%s%s`%s`", list,
				    i ? ", " : "", wire[i]);
	if (p->payload == NULL)
		p->payload = arena_printf(&p->req->arena,
					  "invalid payload: %s: unknown "
					  "variant `%s`, expected one of %s",
					  path, got, list);
}

/* The "type" of tagged object o at path: its index in wire, or -1 after
 * the payload error. */
static int
variant_of(struct put *p, const char *path, struct json_object *o,
	   const char *const *wire)
{
	const char *tpath = arena_printf(&p->req->arena, "%s.type", path);
	struct json_object *t = NULL;
	int i;

	if (!json_object_object_get_ex(o, "type", &t) || t == NULL) {
		missing(p, path, "type");
		return -1;
	}
	if (!json_object_is_type(t, json_type_string)) {
		type_error(p, tpath, "a string");
		return -1;
	}
	i = find_name(wire, json_object_get_string(t));
	if (i < 0)
		unknown_variant(p, tpath, json_object_get_string(t), wire);
	return i;
}

/*
 * WHATWG-style absolute URL check (the panel's garde url rule): NULL when
 * valid, else the parser's reason.
 */
static const char *
url_problem(const char *s)
{
	static const char *const special[] = {"http", "https", "ws",
					      "wss",  "ftp",   NULL};
	const char *p = s, *host, *end, *at, *port;
	size_t i, n;

	if (!isalpha((unsigned char)*p))
		return "relative URL without a base";
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	       *p == '.')
		p++;
	if (*p != ':')
		return "relative URL without a base";
	for (i = 0; special[i] != NULL; i++)
		if (strlen(special[i]) == (size_t)(p - s) &&
		    strncasecmp(s, special[i], (size_t)(p - s)) == 0)
			break;
	if (special[i] == NULL)
		return NULL; /* mailto:, data:, file: ... */
	for (p++; *p == '/' || *p == '\\'; p++)
		;
	end = p + strcspn(p, "/\\?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	host = p;
	if (*host == '[') {
		const char *close = memchr(host, ']', (size_t)(end - host));

		if (close == NULL ||
		    strspn(host + 1, "0123456789abcdefABCDEF:.") !=
			    (size_t)(close - host - 1))
			return "invalid IPv6 address";
		port = close + 1;
	} else {
		port = memchr(host, ':', (size_t)(end - host));
		if (port == NULL)
			port = end;
		if (port == host)
			return "empty host";
		for (p = host; p < port; p++)
			if ((unsigned char)*p <= 0x20 || *p == 0x7f ||
			    strchr("#%/:<>?@[\\]^|", *p) != NULL)
				return "invalid domain character";
	}
	if (port < end && *port != ':')
		return "invalid domain character";
	if (port < end) {
		n = (size_t)(end - port - 1);
		if (n > 5 || strspn(port + 1, "0123456789") < n)
			return "invalid port number";
		if (n > 0 && strtol(port + 1, NULL, 10) > 65535)
			return "invalid port number";
	}
	return NULL;
}

/* The content rules of a string of the right length. */
static const char *
string_problem(struct put *p, const struct sfield *f, const char *s)
{
	const char *m = NULL;

	if ((f->flags & F_URL) && (m = url_problem(s)) != NULL)
		return arena_printf(&p->req->arena, "not a valid url: %s", m);
	if (f->flags & F_EMAIL)
		return user_check_email(s);
	if ((f->flags & F_LANG) && strcmp(s, "en") != 0)
		return arena_printf(&p->req->arena, "invalid language: %s", s);
	return NULL;
}

static void
put_string(struct put *p, const struct sfield *f, struct json_object *v)
{
	const char *s = json_object_get_string(v), *m;
	size_t len = (size_t)json_object_get_string_len(v);
	long long chars;

	if (strlen(s) != len) {
		rule(p, f->path, "contains a NUL character");
		return;
	}
	if ((f->flags & F_SECRET) && strcmp(s, REDACTED) == 0)
		return; /* the placeholder of GET: keep the stored secret */
	chars = (long long)utf8_chars(s, len);
	if (chars < f->min || (f->max > 0 && chars > f->max)) {
		range_rule(p, f->path, chars, f->min, f->max, "length is ");
		return;
	}
	m = string_problem(p, f, s);
	if (m != NULL)
		rule(p, f->path, m);
	keep(p, f, s);
}

/* {hits, window_seconds}: both required integers of at least 1. */
static void
put_rate(struct put *p, const struct sfield *f, struct json_object *v)
{
	static const char *const part[2] = {"hits", "window_seconds"};
	const long long max[2] = {I32, RATE_WINDOW_MAX};
	long long x[2];
	struct json_object *o;
	int i;

	for (i = 0; i < 2; i++) {
		const char *path =
			arena_printf(&p->req->arena, "%s.%s", f->path, part[i]);

		if (!json_object_object_get_ex(v, part[i], &o) || o == NULL) {
			missing(p, f->path, part[i]);
			return;
		}
		if (!json_object_is_type(o, json_type_int)) {
			type_error(p, path, "an integer");
			return;
		}
		x[i] = json_object_get_int64(o);
		range_rule(p, path, x[i], 1, max[i], "");
	}
	keep(p, f,
	     arena_printf(&p->req->arena,
			  "{\"hits\":%lld,\"window_seconds\":%lld}", x[0],
			  x[1]));
}

/* One route item (contract-extra 7.9): its shape, or a payload error. */
static void
put_route_item(struct put *p, const char *path, struct json_object *it)
{
	static const char *const types[] = {"route", "divider", "redirect",
					    NULL};
	/* required string fields per type; "?" prefix: string or null;
	 * "{" prefix: an object of strings */
	static const char *const need[3][4] = {
		{"path", NULL},
		{"?name", "{name_translations", NULL},
		{"name", "{name_translations", "destination", NULL},
	};
	struct json_object *v;
	int k, j;

	if (!json_object_is_type(it, json_type_object)) {
		type_error(p, path, "an object");
		return;
	}
	k = variant_of(p, path, it, types);
	if (k < 0)
		return;
	for (j = 0; need[k][j] != NULL; j++) {
		const char *n =
			need[k][j] + (*need[k][j] == '?' || *need[k][j] == '{');
		bool opt = *need[k][j] == '?', map = *need[k][j] == '{';
		struct json_object_iterator a, b;

		if (!json_object_object_get_ex(it, n, &v) || v == NULL) {
			if (!opt)
				missing(p, path, n);
			continue;
		}
		if (!json_object_is_type(v, map ? json_type_object
						: json_type_string)) {
			type_error(
				p,
				arena_printf(&p->req->arena, "%s.%s", path, n),
				map ? "a map" : "a string");
			continue;
		}
		if (!map)
			continue;
		a = json_object_iter_begin(v);
		b = json_object_iter_end(v);
		for (; !json_object_iter_equal(&a, &b);
		     json_object_iter_next(&a))
			if (!json_object_is_type(
				    json_object_iter_peek_value(&a),
				    json_type_string))
				type_error(p,
					   arena_printf(&p->req->arena, "%s.%s",
							path, n),
					   "a map of strings");
	}
}

static void
put_routes(struct put *p, const struct sfield *f, struct json_object *v)
{
	size_t i, n = json_object_array_length(v);

	for (i = 0; i < n; i++)
		put_route_item(
			p, arena_printf(&p->req->arena, "%s[%zu]", f->path, i),
			json_object_array_get_idx(v, i));
	range_rule(p, f->path, (long long)n, 0, f->max, "length is ");
	keep(p, f, arena_strdup(&p->req->arena, json_text(v)));
}

/* The JSON type a field takes. */
static bool
has_type(const struct sfield *f, struct json_object *v)
{
	switch (f->type) {
	case ST_INT:
		return json_object_is_type(v, json_type_int);
	case ST_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case ST_RATE:
	case ST_TAG:
		return json_object_is_type(v, json_type_object);
	case ST_ROUTES:
		return json_object_is_type(v, json_type_array);
	default:
		return json_object_is_type(v, json_type_string);
	}
}

/* Type, rules and the value to store of one given, non-null field. */
static void
put_value(struct put *p, const struct sfield *f, struct json_object *v)
{
	int i;

	if (!has_type(f, v)) {
		type_error(p, f->path, type_name(f->type));
		return;
	}
	switch (f->type) {
	case ST_STR:
		put_string(p, f, v);
		break;
	case ST_INT:
		range_rule(p, f->path, json_object_get_int64(v), f->min, f->max,
			   "");
		keep(p, f,
		     arena_printf(&p->req->arena, "%lld",
				  (long long)json_object_get_int64(v)));
		break;
	case ST_BOOL:
		keep(p, f, json_object_get_boolean(v) ? "true" : "false");
		break;
	case ST_ENUM:
		i = find_name(f->wire, json_object_get_string(v));
		if (i < 0)
			unknown_variant(p, f->path, json_object_get_string(v),
					f->wire);
		else
			keep(p, f, stored_names(f)[i]);
		break;
	case ST_RATE:
		put_rate(p, f, v);
		break;
	case ST_ROUTES:
		put_routes(p, f, v);
		break;
	case ST_TAG:
	case ST_UUID:
		break;
	}
}

/* A tagged object: its type picks the variant rows that follow. */
static void
put_tag(struct put *p, const struct sfield *f, struct json_object *body)
{
	struct json_object *o = NULL;
	int i;

	p->active = NULL;
	if (!json_object_object_get_ex(body, f->path, &o) || o == NULL)
		return;
	if (!json_object_is_type(o, json_type_object)) {
		type_error(p, f->path, "an object");
		return;
	}
	i = variant_of(p, f->path, o, f->wire);
	if (i < 0)
		return;
	p->active = f->wire[i];
	p->tagobj = o;
	keep(p, f, stored_names(f)[i]);
}

/* A field of the tagged object read last: every one of its variant is
 * written (the object is replaced whole). */
static void
put_variant(struct put *p, const struct sfield *f, const char *name)
{
	struct json_object *v = NULL;
	bool given = json_object_object_get_ex(p->tagobj, name, &v);

	if (v != NULL) {
		put_value(p, f, v);
	} else if (f->flags & F_NULL) {
		keep(p, f, "");
	} else if (f->flags & F_DEFAULTED) {
		keep(p, f, f->def);
	} else if (given) {
		type_error(p, f->path, type_name(f->type));
	} else {
		char group[64];

		split_path(f->path, group);
		missing(p, group, name);
	}
}

/* One row of the table against the body. */
static void
put_row(struct put *p, const struct sfield *f, struct json_object *body)
{
	struct json_object *c = body, *v = NULL;
	char group[64];
	const char *name = split_path(f->path, group);

	if (f->flags & F_RO)
		return;
	if (f->type == ST_TAG) {
		put_tag(p, f, body);
		return;
	}
	if (f->variant != NULL) {
		if (p->active != NULL && strcmp(p->active, f->variant) == 0)
			put_variant(p, f, name);
		return;
	}
	if (group[0] != '\0' &&
	    (!json_object_object_get_ex(body, group, &c) || c == NULL))
		return;
	if (!json_object_is_type(c, json_type_object)) {
		type_error(p, group, "an object");
		return;
	}
	if (!json_object_object_get_ex(c, name, &v))
		return;
	if (v != NULL)
		put_value(p, f, v);
	else if (f->flags & F_NULL)
		keep(p, f, ""); /* clearable: null clears */
}

/* ---- writing ----------------------------------------------------------- */

/*
 * Stores every value and the activity entry in one transaction. False
 * with the 5xx set.
 */
static bool
store(struct req *req, const struct put *p)
{
	struct settings s;
	enum perr e;
	size_t i;

	e = db_tx_begin(req->db);
	for (i = 0; i < p->nw && e == PERR_OK; i++) {
		const char *v = p->w[i].value;
		struct db_arg args[2];

		if ((p->w[i].flags & (F_SECRET | F_SEALED)) && *v != '\0') {
			v = seal_text(req, p->w[i].key, v);
			if (v == NULL) {
				e = PERR_SYS;
				break;
			}
		}
		args[0] = DB_STR(p->w[i].key);
		args[1] = DB_STR(v);
		e = db_exec(req->db, STMT_SETTINGS_UPSERT, args, 2, NULL);
	}
	if (e == PERR_OK)
		e = settings_load(req->db, &req->arena, &s);
	if (e == PERR_OK) {
		activity_admin(req, "settings:update", settings_json(req, &s));
		e = db_tx_commit(req->db);
	}
	if (e != PERR_OK) {
		db_tx_rollback(req->db);
		response_fail(req, e);
		return false;
	}
	return true;
}

/*
 * PUT /api/admin/settings: any subset of AppSettings (contract 8.8).
 * Checks: validation (plain 400: the first type error, else every failed
 * rule in field order), then perm settings.update, then one transaction.
 * Tagged objects are replaced whole. {}
 */
static void
handle_put(struct req *req)
{
	struct put p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.req = req;
	p.errs = req_own(req, json_object_new_array());
	p.w = arena_alloc(&req->arena, NFIELDS * sizeof(*p.w));
	for (i = 0; i < NFIELDS && p.payload == NULL; i++)
		put_row(&p, &fields[i], req->json);
	if (p.payload != NULL) {
		response_error(req, 400, p.payload);
		return;
	}
	if (json_object_array_length(p.errs) > 0) {
		response_errors(req, 400, json_object_get(p.errs));
		return;
	}
	if (!gate_admin_permission(req, "settings.update") || !store(req, &p))
		return;
	/* this thread's copy goes now; the others' within
	 * settings_cache_seconds */
	settings_thread_end();
	response_json(req, 200, json_object_new_object());
}

static const struct route routes[] = {
	{"GET", "/api/admin/settings", GATE_ADMIN, "settings.read", BODY_NONE,
	 NULL, 0, handle_get, 0},
	{"PUT", "/api/admin/settings", GATE_ADMIN, NULL, BODY_DEFAULT_MAX, NULL,
	 0, handle_put, 0},
};

const struct route_group handler_admin_settings_group = {routes, NF(routes)};
