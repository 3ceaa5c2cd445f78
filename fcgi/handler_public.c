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
#include "request.h"
#include "response.h"
#include "settings.h"

/* Languages whose translations we serve: English is built in. */
static const char *const languages[] = {"en"};

#define ADD(o, k, v) json_object_object_add((o), (k), (v))

static struct json_object *
jint(const struct settings *s, const char *key, long long def)
{
	return json_object_new_int64(settings_int(s, key, def, 0, INT32_MAX));
}

static struct json_object *
jbool(const struct settings *s, const char *key, bool def)
{
	return json_object_new_boolean(settings_bool(s, key, def));
}

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
	    jbool(&s, "app::registration_enabled", true));
	ADD(app, "debug", json_object_new_boolean(false));
	ADD(o, "app", app);

	/* We implement no passkey routes: both off (contract-extra 1.4). */
	web = json_object_new_object();
	ADD(web, "enabled", json_object_new_boolean(false));
	ADD(web, "allow_discoverable", json_object_new_boolean(false));
	ADD(o, "webauthn", web);

	srv = json_object_new_object();
	ADD(srv, "max_file_manager_view_size",
	    jint(&s, "server::max_file_manager_view_size", 10485760));
	ADD(srv, "max_file_manager_content_search_size",
	    jint(&s, "server::max_file_manager_content_search_size", 5242880));
	ADD(srv, "max_file_manager_search_results",
	    jint(&s, "server::max_file_manager_search_results", 100));
	ADD(srv, "max_subuser_count",
	    jint(&s, "server::max_subuser_count", 25));
	ADD(srv, "max_schedule_step_count",
	    jint(&s, "server::max_schedule_step_count", 50));
	ADD(srv, "max_backup_group_count",
	    jint(&s, "server::max_backup_group_count", 10));
	ADD(srv, "max_database_instance_database_count",
	    jint(&s, "server::max_database_instance_database_count", 10));
	ADD(srv, "max_database_instance_user_count",
	    jint(&s, "server::max_database_instance_user_count", 10));
	ADD(srv, "allow_overwriting_custom_docker_image",
	    jbool(&s, "server::allow_overwriting_custom_docker_image", true));
	ADD(srv, "allow_acknowledging_installation_failure",
	    jbool(&s, "server::allow_acknowledging_installation_failure",
		  true));
	ADD(srv, "container_prelude",
	    json_object_new_string(settings_str(&s, "server::container_prelude",
						"container@calagopus~")));
	ADD(o, "server", srv);

	usr = json_object_new_object();
	ADD(usr, "max_server_group_count",
	    jint(&s, "user::max_server_group_count", 25));
	ADD(usr, "max_api_key_count", jint(&s, "user::max_api_key_count", 50));
	ADD(usr, "max_command_snippet_count",
	    jint(&s, "user::max_command_snippet_count", 100));
	ADD(usr, "max_security_key_count",
	    jint(&s, "user::max_security_key_count", 50));
	ADD(usr, "max_ssh_key_count", jint(&s, "user::max_ssh_key_count", 50));
	ADD(usr, "allow_changing_language",
	    jbool(&s, "user::allow_changing_language", true));
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
	struct json_object *o = json_object_new_object();

	ADD(o, "oauth_providers", json_object_new_array());
	response_json(req, 200, o);
}

static const struct route routes[] = {
	{"GET", "/api/settings", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_settings},
	{"GET", "/api/languages", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_languages},
	{"GET", "/api/announcements", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_announcements},
	{"GET", "/api/auth/oauth", GATE_NONE, NULL, BODY_NONE, NULL, 0,
	 handle_oauth},
};

const struct route_group handler_public_group = {
	routes, sizeof(routes) / sizeof(routes[0])};
