/*
 * server.h: servers as the client routes see them (contract 2.11, 3.11,
 * 7.1-7.3): one row shape with everything the client Server object shows,
 * the server gate (identifier, visibility, state conflicts) and the server
 * permission check.
 */
#ifndef PANEL_SERVER_H
#define PANEL_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct req;
struct db_res;
struct json_object;

/*
 * The columns of a client server row; the statement binds the caller's uuid
 * first (for the caller's subuser row, NULL when not a subuser).
 */
/* the primary allocation's columns (server_allocation_json) */
#define SERVER_ALLOCATION_COLS                                                 \
	"sa.uuid, na.ip, na.ip_alias, na.port, sa.notes, sa.created"
#define SERVER_COLS                                                            \
	"s.uuid, s.uuid_short, " SERVER_ALLOCATION_COLS ", " SERVER_EGG_COLS   \
	", LOWER(s.status), s.owner_uuid, s.suspended, "                       \
	"s.destination_node_uuid IS NOT NULL, l.uuid, l.name, l.flag, "        \
	"n.uuid, n.name, n.maintenance_enabled, n.sftp_host, n.public_url, "   \
	"n.url, n.sftp_port, s.name, s.description, s.cpu, s.memory, s.swap, " \
	"s.disk, s.allocation_limit, s.database_limit, s.backup_limit, "       \
	"s.schedule_limit, s.startup, s.image, s.auto_kill, "                  \
	"LOWER(s.auto_start_behavior), s.timezone, s.created, su.permissions"
#define SERVER_JOIN                                                            \
	"servers s JOIN nodes n ON n.uuid = s.node_uuid JOIN locations l ON "  \
	"l.uuid = n.location_uuid JOIN nest_eggs e ON e.uuid = s.egg_uuid "    \
	"LEFT JOIN server_allocations sa ON sa.uuid = s.allocation_uuid LEFT " \
	"JOIN node_allocations na ON na.uuid = sa.allocation_uuid LEFT JOIN "  \
	"server_subusers su ON su.server_uuid = s.uuid AND su.user_uuid = ?"
#define SERVER_NCOLS 47

/*
 * The AdminServer row (contract 3.11) of the admin routes: the server's
 * own columns, then its node (NODES_NODE_COLS, node.h), owner (USER_COLS
 * and external_id), egg (EGG_COLS, nest.h) and nest; column names in
 * handler_admin_servers.c.
 */
#define ADMIN_SERVER_COLS                                                      \
	"s.uuid, s.uuid_short, s.external_id, " SERVER_ALLOCATION_COLS         \
	", LOWER(s.status), s.suspended, s.destination_node_uuid IS NOT "      \
	"NULL, s.name, s.description, s.cpu, s.memory, s.memory_overhead, "    \
	"s.swap, s.disk, s.io_weight, s.pinned_cpus, s.allocation_limit, "     \
	"s.database_limit, s.backup_limit, s.schedule_limit, s.startup, "      \
	"s.image, s.auto_kill, LOWER(s.auto_start_behavior), s.timezone, "     \
	"s.hugepages_passthrough_enabled, s.kvm_passthrough_enabled, "         \
	"s.created, s.node_uuid, s.owner_uuid, s.egg_uuid, " NODES_NODE_COLS   \
	", " USER_COLS ", u.external_id, " EGG_COLS ", nt.uuid, nt.name, "     \
	"nt.description, nt.author, nt.created"
#define ADMIN_SERVER_NCOLS (36 + NODE_NCOLS + USER_NCOLS + 1 + EGG_NCOLS + 5)
#define ADMIN_SERVER_JOIN                                                      \
	"servers s JOIN nodes n ON n.uuid = s.node_uuid JOIN locations l ON "  \
	"l.uuid = n.location_uuid JOIN users u ON u.uuid = s.owner_uuid LEFT " \
	"JOIN roles r ON r.uuid = u.role_uuid JOIN nest_eggs e ON e.uuid = "   \
	"s.egg_uuid JOIN nests nt ON nt.uuid = e.nest_uuid LEFT JOIN "         \
	"server_allocations sa ON sa.uuid = s.allocation_uuid LEFT JOIN "      \
	"node_allocations na ON na.uuid = sa.allocation_uuid"

/* The AdminServer object of server uuid (handler_admin_servers.c), new;
 * NULL (JSON null) when uuid is NULL or names no server. */
struct json_object *admin_server_json_of(struct req *req, const char *uuid);

/* A server row the gate found, with the caller's relation to it. */
struct server {
	const char *uuid, *owner_uuid, *node_uuid, *status;
	unsigned uuid_short;
	bool suspended, transferring;
	bool is_owner;
	/* the caller's subuser permissions (owned by the request) or NULL */
	struct json_object *subuser_permissions;
	struct json_object *json; /* the client Server object, owned by the
				     request */
};

/* The primary ServerAllocation of a row whose columns from col are
 * SERVER_ALLOCATION_COLS, or NULL (JSON null) when the server has none. */
struct json_object *server_allocation_json(const struct db_res *res, size_t row,
					   size_t col);
/* Adds feature_limits (from the four columns allocation, database,
 * backup, schedule limit at col limits), then startup, image, auto_kill,
 * auto_start_behavior and timezone (five columns at col startup) to o. */
void server_add_runtime(struct json_object *o, const struct db_res *res,
			size_t row, size_t limits, size_t startup);
/* The client Egg object (contract 3.10) of the eight columns at col:
 * SERVER_EGG_COLS. */
#define SERVER_EGG_COLS                                                        \
	"e.uuid, e.name, e.description, e.startup_commands, e.separate_port, " \
	"e.features, e.docker_images, e.created"
struct json_object *server_egg_json(struct req *req, const struct db_res *res,
				    size_t row, size_t col);
/* A stored JSON array (array true) or object, else an empty one; new. */
struct json_object *server_stored_json(const char *text, bool array);

/* The client Server object of row (SERVER_COLS from column 0), new, with
 * permissions and is_owner computed for req's principal. */
struct json_object *server_client_json(struct req *req,
				       const struct db_res *res, size_t row);

/*
 * The server gate: resolves {server} (a UUID or the 8-hex short id), checks
 * that the caller may see it (404 server not found) and, unless
 * exempt_state, the 409 states (suspended for non-admins, transferring,
 * installing, ...). False with the response set.
 */
bool server_gate(struct req *req, const char *ident, bool exempt_state,
		 struct server *out);

/* has_server_permission (contract 2.12) for a server the gate passed;
 * false with the 403 set. */
bool server_permission(struct req *req, const struct server *s,
		       const char *perm);
/* The same check without an answer. */
bool server_has_permission(const struct req *req, const struct server *s,
			   const char *perm);

/* "Can see all servers" of the gate (contract 2.11): the role's admin
 * servers.read when there is a role, else the admin flag. */
bool server_sees_all(const struct req *req);

#endif
