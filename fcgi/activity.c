/* activity.c: see activity.h. */
#include "autoconf.h"

#include <json-c/json.h>

#include "activity.h"
#include "db.h"
#include "gate.h"
#include "log.h"
#include "request.h"

/* One entry into the table of statement id: (user, impersonator, key,
 * event, ip, data). */
static void
record(struct req *req, enum stmt id, const char *user_uuid, const char *event,
       struct json_object *data)
{
	const struct principal *p = req->principal;
	const char *imp = p != NULL ? p->impersonator_uuid : NULL;
	struct db_arg args[6];
	enum perr e;

	if (data == NULL)
		data = json_object_new_object();
	/* every entry carries the requester's user agent (the IP has its
	 * column); events whose contract data names one keep theirs */
	if (!json_object_object_get_ex(data, "user_agent", NULL))
		json_object_object_add(
			data, "user_agent",
			json_object_new_string(req_user_agent(req)));
	args[0] = DB_STR_OR_NULL(user_uuid);
	args[1] = DB_STR_OR_NULL(imp);
	args[2] = p != NULL && p->method == AUTH_APIKEY ? DB_STR(p->cred_uuid)
							: DB_NULL;
	args[3] = DB_STR(event);
	args[4] = req->client_addr_ok ? DB_STR(req->client_ip) : DB_NULL;
	args[5] = DB_STR(json_object_to_json_string_ext(
		data, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	e = db_exec(req->db, id, args, 6, NULL);
	if (e != PERR_OK)
		log_warn(req, "activity %s not recorded: %s", event,
			 perr_str(e));
	json_object_put(data);
}

void
activity_log(struct req *req, const char *user_uuid, const char *event,
	     struct json_object *data)
{
	record(req, STMT_ACTIVITY_INSERT, user_uuid, event, data);
}

void
activity_admin(struct req *req, const char *event, struct json_object *data)
{
	record(req, STMT_ADMIN_ACTIVITY_INSERT,
	       req->principal ? req->principal->user.uuid : NULL, event, data);
}
