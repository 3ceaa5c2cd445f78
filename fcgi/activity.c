/* activity.c: see activity.h. */
#include "autoconf.h"

#include <json-c/json.h>

#include "activity.h"
#include "config.h"
#include "db.h"
#include "gate.h"
#include "log.h"
#include "request.h"
#include "settings.h"

/* One entry into the table of statement id: ([server,] user,
 * impersonator, key, event, ip, data); server NULL for the tables without
 * that column. */
static void
record(struct req *req, enum stmt id, const char *server_uuid,
       const char *user_uuid, const char *event, struct json_object *data)
{
	const struct principal *p = req->principal;
	const char *imp = p != NULL ? p->impersonator_uuid : NULL;
	struct db_arg args[7], *a = args;
	enum perr e;

	if (data == NULL)
		data = json_object_new_object();
	/* every entry carries the requester's user agent (the IP has its
	 * column); events whose contract data names one keep theirs */
	if (!json_object_object_get_ex(data, "user_agent", NULL))
		json_object_object_add(
			data, "user_agent",
			json_object_new_string(req_user_agent(req)));
	if (server_uuid != NULL)
		*a++ = DB_STR(server_uuid);
	*a++ = DB_STR_OR_NULL(user_uuid);
	*a++ = DB_STR_OR_NULL(imp);
	*a++ = p != NULL && p->method == AUTH_APIKEY ? DB_STR(p->cred_uuid)
						     : DB_NULL;
	*a++ = DB_STR(event);
	*a++ = req->client_addr_ok ? DB_STR(req->client_ip) : DB_NULL;
	*a++ = DB_STR(json_object_to_json_string_ext(
		data, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	e = db_exec(req->db, id, args, (size_t)(a - args), NULL);
	if (e != PERR_OK)
		log_warn(req, "activity %s not recorded: %s", event,
			 perr_str(e));
	json_object_put(data);
}

void
activity_log(struct req *req, const char *user_uuid, const char *event,
	     struct json_object *data)
{
	record(req, STMT_ACTIVITY_INSERT, NULL, user_uuid, event, data);
}

void
activity_admin(struct req *req, const char *event, struct json_object *data)
{
	record(req, STMT_ADMIN_ACTIVITY_INSERT, NULL,
	       req->principal ? req->principal->user.uuid : NULL, event, data);
}

void
activity_server(struct req *req, const char *server_uuid, bool related,
		const char *event, struct json_object *data)
{
	const struct settings *s;

	if (!related && req->principal->user.admin &&
	    settings_current(req->db, req->cfg->settings_cache_seconds, &s) ==
		    PERR_OK &&
	    !settings_bool(s, "activity::server_log_admin_activity", true)) {
		json_object_put(data);
		return;
	}
	record(req, STMT_SERVER_ACTIVITY_INSERT, server_uuid,
	       req->principal->user.uuid, event, data);
}
