/*
 * handler_public.c: the public bootstrap routes (contract-extra 1 and 2).
 * No gate, no credential.
 */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "db.h"
#include "handler.h"
#include "json.h"
#include "ratelimit.h"
#include "request.h"
#include "response.h"
#include "settings.h"

/* Languages whose translations we serve: English is built in. */
static const char *const languages[] = {"en"};

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

/*
 * One row per plain field of a settings group: the JSON name, which is also
 * the storage key after "<group>::", its type and its default.
 */
enum sfield_type { SF_INT, SF_BOOL, SF_STR };

struct sfield {
	const char *name;
	enum sfield_type type;
	long long def;	  /* SF_INT, and SF_BOOL as 0/1 */
	const char *sdef; /* SF_STR */
};

static const struct sfield server_fields[] = {
	{"max_file_manager_view_size", SF_INT, 10485760, NULL},
	{"max_file_manager_content_search_size", SF_INT, 5242880, NULL},
	{"max_file_manager_search_results", SF_INT, 100, NULL},
	{"max_subuser_count", SF_INT, 25, NULL},
	{"max_schedule_step_count", SF_INT, 50, NULL},
	{"max_backup_group_count", SF_INT, 10, NULL},
	{"max_database_instance_database_count", SF_INT, 10, NULL},
	{"max_database_instance_user_count", SF_INT, 10, NULL},
	{"allow_overwriting_custom_docker_image", SF_BOOL, 1, NULL},
	{"allow_acknowledging_installation_failure", SF_BOOL, 1, NULL},
	{"container_prelude", SF_STR, 0, "container@calagopus~"},
};

static const struct sfield user_fields[] = {
	{"max_server_group_count", SF_INT, 25, NULL},
	{"max_api_key_count", SF_INT, 50, NULL},
	{"max_command_snippet_count", SF_INT, 100, NULL},
	{"max_security_key_count", SF_INT, 50, NULL},
	{"max_ssh_key_count", SF_INT, 50, NULL},
	{"allow_changing_language", SF_BOOL, 1, NULL},
};

/* Adds the fields of group ("server", "user") to o, in table order. */
static void
add_fields(struct json_object *o, const struct settings *s, const char *group,
	   const struct sfield *f, size_t n)
{
	char key[128];
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *v = NULL;

		snprintf(key, sizeof(key), "%s::%s", group, f[i].name);
		switch (f[i].type) {
		case SF_INT:
			v = json_object_new_int64(
				settings_int(s, key, f[i].def, 0, INT32_MAX));
			break;
		case SF_BOOL:
			v = json_object_new_boolean(
				settings_bool(s, key, f[i].def != 0));
			break;
		case SF_STR:
			v = json_object_new_string(
				settings_str(s, key, f[i].sdef));
			break;
		}
		ADD(o, f[i].name, v);
	}
}

#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* user::route_order: a stored JSON array, else null. */
static struct json_object *
route_order(const struct settings *s)
{
	const char *v = settings_get(s, "user::route_order");
	struct json_object *o;

	if (v == NULL || *v == '\0')
		return NULL;
	o = json_tokener_parse(v);
	if (o == NULL || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * GET /api/settings: the public settings object, every field always
 * present (contract-extra 1.2). Raises 503 when the database is down.
 */
static void
handle_settings(struct req *req)
{
	struct json_object *o, *app, *web, *srv, *usr, *cap;
	struct settings s;
	struct timespec now;
	char ts[TS_BUFSZ];
	enum perr e;

	e = settings_load(req->db, &req->arena, &s);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	ts_format(now.tv_sec, now.tv_nsec / 1000 * 1000, ts);

	o = json_object_new_object();
	ADD(o, "time", json_object_new_string(ts));
	ADD(o, "oobe_step", NULL);
	ADD(o, "disabled_extensions", json_object_new_array());
	cap = json_object_new_object();
	ADD(cap, "type", json_object_new_string("none"));
	ADD(o, "captcha_provider", cap);

	app = json_object_new_object();
	ADD(app, "url",
	    json_object_new_string(
		    settings_str(&s, "app::url", req->cfg->panel_url)));
	ADD(app, "icon",
	    json_object_new_string(settings_str(&s, "app::icon", "/icon.svg")));
	ADD(app, "icon_light",
	    json_str_or_null(settings_str(&s, "app::icon_light", NULL)));
	ADD(app, "banner",
	    json_str_or_null(settings_str(&s, "app::banner", NULL)));
	ADD(app, "banner_light",
	    json_str_or_null(settings_str(&s, "app::banner_light", NULL)));
	ADD(app, "name",
	    json_object_new_string(settings_str(&s, "app::name", "Calagopus")));
	ADD(app, "language",
	    json_object_new_string(settings_str(&s, "app::language", "en")));
	ADD(app, "registration_enabled",
	    json_object_new_boolean(
		    settings_bool(&s, "app::registration_enabled", true)));
	ADD(app, "debug", json_object_new_boolean(false));
	ADD(o, "app", app);

	/* We implement no passkey routes: both off (contract-extra 1.4). */
	web = json_object_new_object();
	ADD(web, "enabled", json_object_new_boolean(false));
	ADD(web, "allow_discoverable", json_object_new_boolean(false));
	ADD(o, "webauthn", web);

	srv = json_object_new_object();
	add_fields(srv, &s, "server", server_fields, NFIELDS(server_fields));
	ADD(o, "server", srv);

	usr = json_object_new_object();
	add_fields(usr, &s, "user", user_fields, NFIELDS(user_fields));
	ADD(usr, "route_order", route_order(&s));
	ADD(o, "user", usr);

	response_json(req, 200, o);
}

/* GET /api/languages: {"languages":[...]}. Raises nothing. */
static void
handle_languages(struct req *req)
{
	struct json_object *o = json_object_new_object(),
			   *a = json_object_new_array();
	size_t i;

	for (i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
		json_object_array_add(a, json_object_new_string(languages[i]));
	ADD(o, "languages", a);
	response_json(req, 200, o);
}

/* A stored JSON object column, or {} when it is not one. */
static struct json_object *
json_object_or_empty(const char *text)
{
	struct json_object *o = text ? json_tokener_parse(text) : NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return json_object_new_object();
	}
	return o;
}

/*
 * GET /api/announcements: enabled, untargeted announcements inside their
 * window, oldest first (contract-extra 2.2). Raises 503.
 */
static void
handle_announcements(struct req *req)
{
	struct json_object *o, *list;
	struct db_res res;
	enum perr e;
	size_t i;

	e = db_exec(req->db, STMT_ANNOUNCEMENTS_PUBLIC, NULL, 0, &res);
	if (e != PERR_OK) {
		response_fail(req, e);
		return;
	}
	list = json_object_new_array();
	for (i = 0; i < res.nrows; i++) {
		struct json_object *a = json_object_new_object();
		const char *dis = db_cell(&res, i, 2);

		ADD(a, "uuid", json_str_or_null(db_cell(&res, i, 0)));
		ADD(a, "type", json_str_or_null(db_cell(&res, i, 1)));
		ADD(a, "dismissible",
		    json_object_new_boolean(dis && strcmp(dis, "1") == 0));
		ADD(a, "dismissible_end", json_ts_or_null(db_cell(&res, i, 3)));
		ADD(a, "title", json_str_or_null(db_cell(&res, i, 4)));
		ADD(a, "title_translations",
		    json_object_or_empty(db_cell(&res, i, 5)));
		ADD(a, "content", json_str_or_null(db_cell(&res, i, 6)));
		ADD(a, "content_translations",
		    json_object_or_empty(db_cell(&res, i, 7)));
		json_object_array_add(list, a);
	}
	db_res_free(&res);
	o = json_object_new_object();
	ADD(o, "announcements", list);
	response_json(req, 200, o);
}

/* GET /api/auth/oauth: we ship no OAuth providers. */
static void
handle_oauth(struct req *req)
{
	struct json_object *o;

	/* fixed 12 hits / 60 s per IP, not configurable (contract-extra 2.3) */
	if (!ratelimit_hit(req, &RL_AUTH_OAUTH, req->client_ip))
		return;
	o = json_object_new_object();
	ADD(o, "oauth_providers", json_object_new_array());
	response_json(req, 200, o);
}

static const struct route routes[] = {
	{"GET", "/api/settings", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_settings, 0},
	{"GET", "/api/languages", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_languages, 0},
	{"GET", "/api/announcements", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_announcements, 0},
	{"GET", "/api/auth/oauth", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_oauth, 0},
};

const struct route_group handler_public_group = {
	routes, sizeof(routes) / sizeof(routes[0])};
