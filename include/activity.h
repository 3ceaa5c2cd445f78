/*
 * activity.h: the user activity log (contract 12). Entries carry the
 * client IP, the requester's user agent (data.user_agent, added when the
 * event's own data has none) and, for API-key callers, the key's uuid;
 * never a secret.
 */
#ifndef PANEL_ACTIVITY_H
#define PANEL_ACTIVITY_H

#include <stdbool.h>

struct req;
struct json_object;

/*
 * Writes event for user_uuid with data (taken; NULL = {}). The API key of
 * the request's principal is recorded when there is one. A failure is
 * logged, never fatal for the request.
 */
void activity_log(struct req *req, const char *user_uuid, const char *event,
		  struct json_object *data);
/*
 * The admin activity log (contract 12.3): event by the request's effective
 * user, with the impersonator and API key of the principal; data as above.
 */
void activity_admin(struct req *req, const char *event,
		    struct json_object *data);
/*
 * The server activity log (contract 12): event on server_uuid by the
 * effective user. related: the user owns the server or is its subuser;
 * when not, and the user has the admin flag, the entry is skipped if the
 * setting activity::server_log_admin_activity is false.
 */
void activity_server(struct req *req, const char *server_uuid, bool related,
		     const char *event, struct json_object *data);

#endif
