/* perm.c: the permission catalogue (contract 6) and list helpers. */
#include "autoconf.h"

#include <string.h>

#include <json-c/json.h>

#include "perm.h"

struct perm_def {
	const char *name; /* without the group */
	const char *desc;
};

struct perm_group {
	const char *name;
	const char *desc;
	const struct perm_def *perms;
	size_t n;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct perm_def user_account[] = {
	{"infos",
	 "edit basic profile fields (username, names, language, preferences)"},
	{"email", "change the e-mail address"},
	{"password", "change the password"},
	{"two-factor", "set up, enable and disable two-factor authentication"},
	{"avatar", "upload or remove the avatar"},
};
static const struct perm_def user_servers[] = {
	{"create", "create server groups"},
	{"read", "list servers and server groups"},
	{"view", "view a single server's details"},
	{"update", "edit server groups"},
	{"delete", "delete server groups"},
};
static const struct perm_def user_api_keys[] = {
	{"create", "create API keys"},
	{"read", "list and view API keys"},
	{"update", "edit API keys"},
	{"delete", "delete API keys"},
	{"recreate", "regenerate an API key's secret"},
};
static const struct perm_def user_security_keys[] = {
	{"create", "add security keys"},
	{"read", "list security keys"},
	{"update", "rename security keys"},
	{"delete", "remove security keys"},
};
static const struct perm_def user_ssh_keys[] = {
	{"create", "add or import SSH keys"},
	{"read", "list SSH keys"},
	{"update", "rename SSH keys"},
	{"delete", "remove SSH keys"},
};
static const struct perm_def user_oauth_links[] = {
	{"create", "link OAuth accounts"},
	{"read", "list OAuth links"},
	{"delete", "remove OAuth links"},
};
static const struct perm_def user_command_snippets[] = {
	{"create", "create command snippets"},
	{"read", "list command snippets"},
	{"update", "edit command snippets"},
	{"delete", "delete command snippets"},
};
static const struct perm_def user_sessions[] = {
	{"read", "list sessions, with their IP addresses"},
	{"delete", "revoke sessions"},
};
static const struct perm_def user_activity[] = {
	{"read", "read the account activity log"},
};
static const struct perm_group user_groups[] = {
	{"account", "your own account", user_account, N(user_account)},
	{"servers", "servers and server groups", user_servers, N(user_servers)},
	{"api-keys", "API keys", user_api_keys, N(user_api_keys)},
	{"security-keys", "WebAuthn security keys", user_security_keys,
	 N(user_security_keys)},
	{"ssh-keys", "SSH keys", user_ssh_keys, N(user_ssh_keys)},
	{"oauth-links", "OAuth account links", user_oauth_links,
	 N(user_oauth_links)},
	{"command-snippets", "saved console commands", user_command_snippets,
	 N(user_command_snippets)},
	{"sessions", "browser sessions", user_sessions, N(user_sessions)},
	{"activity", "the account's activity log", user_activity,
	 N(user_activity)},
};

static const struct perm_def admin_stats[] = {
	{"read", "view panel statistics"},
};
static const struct perm_def admin_settings[] = {
	{"read", "view panel settings, secrets included"},
	{"update", "change panel settings"},
};
static const struct perm_def admin_email_templates[] = {
	{"read", "view e-mail templates"},
	{"update", "edit e-mail templates"},
};
static const struct perm_def admin_extensions[] = {
	{"read", "view extensions"},
	{"manage", "install, update, remove and configure extensions"},
};
static const struct perm_def admin_announcements[] = {
	{"create", "create announcements"},
	{"read", "view announcements"},
	{"update", "edit announcements"},
	{"delete", "delete announcements"},
};
static const struct perm_def admin_assets[] = {
	{"read", "view assets"},
	{"upload", "upload assets"},
	{"delete", "delete assets"},
};
static const struct perm_def admin_users[] = {
	{"create", "create users"},
	{"read", "view users"},
	{"update", "edit users"},
	{"disable-two-factor", "remove a user's two-factor authentication"},
	{"delete", "delete users"},
	{"email", "send e-mail actions such as password resets"},
	{"activity", "view a user's activity"},
	{"oauth-links", "manage a user's OAuth links"},
	{"impersonate", "act as another user"},
};
static const struct perm_def admin_roles[] = {
	{"create", "create roles"},
	{"read", "view roles"},
	{"update", "edit roles"},
	{"delete", "delete roles"},
};
static const struct perm_def admin_locations[] = {
	{"create", "create locations"},
	{"read", "view locations"},
	{"update", "edit locations"},
	{"delete", "delete locations"},
	{"database-hosts", "link database hosts to locations"},
	{"database-agent-hosts", "link database agent hosts to locations"},
};
static const struct perm_def admin_backup_configurations[] = {
	{"create", "create backup configurations"},
	{"read", "view backup configurations, credentials included"},
	{"update", "edit backup configurations"},
	{"delete", "delete backup configurations"},
	{"backups", "view a configuration's backups"},
};
static const struct perm_def admin_system_backup_policies[] = {
	{"create", "create system backup policies"},
	{"read", "view system backup policies"},
	{"update", "edit system backup policies"},
	{"delete", "delete system backup policies"},
	{"backups", "view a policy's backups"},
};
static const struct perm_def admin_nodes[] = {
	{"create", "create nodes"},
	{"read", "view nodes"},
	{"update", "edit nodes"},
	{"delete", "delete nodes"},
	{"read-token", "view a node's daemon token"},
	{"reset-token", "rotate a node's daemon token"},
	{"allocations", "manage node allocations"},
	{"mounts", "manage node mounts"},
	{"database-hosts", "link database hosts to nodes"},
	{"database-agent-hosts", "link database agent hosts to nodes"},
	{"backups", "view node backups"},
	{"power", "run power actions on every server of a node"},
	{"transfers", "transfer servers between nodes in bulk"},
};
static const struct perm_def admin_servers[] = {
	{"create", "create servers"},
	{"read", "view every server"},
	{"update", "edit servers"},
	{"delete", "delete servers"},
	{"transfer", "start and cancel transfers"},
	{"allocations", "manage a server's allocations"},
	{"variables", "manage a server's variables"},
	{"mounts", "manage a server's mounts"},
};
static const struct perm_def admin_nests[] = {
	{"create", "create nests"},
	{"read", "view nests"},
	{"update", "edit nests"},
	{"delete", "delete nests"},
};
static const struct perm_def admin_eggs[] = {
	{"create", "create and import eggs"},
	{"read", "view eggs"},
	{"update", "edit eggs"},
	{"delete", "delete eggs"},
	{"mounts", "manage egg mounts"},
};
static const struct perm_def admin_egg_configurations[] = {
	{"create", "create egg configurations"},
	{"read", "view egg configurations"},
	{"update", "edit egg configurations"},
	{"delete", "delete egg configurations"},
};
static const struct perm_def admin_egg_repositories[] = {
	{"create", "add egg repositories"},
	{"read", "view egg repositories"},
	{"update", "edit egg repositories"},
	{"delete", "remove egg repositories"},
	{"sync", "synchronise egg repositories"},
};
static const struct perm_def admin_database_hosts[] = {
	{"create", "create database hosts"},
	{"read", "view database hosts"},
	{"update", "edit database hosts"},
	{"delete", "delete database hosts"},
	{"test", "test database host connections"},
};
static const struct perm_def admin_database_agent_hosts[] = {
	{"create", "create database agent hosts"},
	{"read", "view database agent hosts"},
	{"update", "edit database agent hosts"},
	{"delete", "delete database agent hosts"},
	{"read-token", "view an agent host's token"},
	{"reset-token", "rotate an agent host's token"},
	{"test", "test agent host connections"},
};
static const struct perm_def admin_database_agent_templates[] = {
	{"create", "create agent templates"},
	{"read", "view agent templates"},
	{"update", "edit agent templates"},
	{"delete", "delete agent templates"},
};
static const struct perm_def admin_oauth_providers[] = {
	{"create", "create OAuth providers"},
	{"read", "view OAuth providers"},
	{"update", "edit OAuth providers"},
	{"delete", "delete OAuth providers"},
};
static const struct perm_def admin_mounts[] = {
	{"create", "create mounts"},
	{"read", "view mounts"},
	{"update", "edit mounts"},
	{"delete", "delete mounts"},
};
static const struct perm_def admin_activity[] = {
	{"read", "read the admin activity log"},
};
static const struct perm_group admin_groups[] = {
	{"stats", "panel statistics", admin_stats, N(admin_stats)},
	{"settings", "panel settings", admin_settings, N(admin_settings)},
	{"email-templates", "e-mail templates", admin_email_templates,
	 N(admin_email_templates)},
	{"extensions", "panel extensions", admin_extensions,
	 N(admin_extensions)},
	{"announcements", "announcements", admin_announcements,
	 N(admin_announcements)},
	{"assets", "uploaded panel assets", admin_assets, N(admin_assets)},
	{"users", "user accounts", admin_users, N(admin_users)},
	{"roles", "roles", admin_roles, N(admin_roles)},
	{"locations", "locations", admin_locations, N(admin_locations)},
	{"backup-configurations", "backup configurations",
	 admin_backup_configurations, N(admin_backup_configurations)},
	{"system-backup-policies", "system backup policies",
	 admin_system_backup_policies, N(admin_system_backup_policies)},
	{"nodes", "nodes", admin_nodes, N(admin_nodes)},
	{"servers", "servers", admin_servers, N(admin_servers)},
	{"nests", "nests", admin_nests, N(admin_nests)},
	{"eggs", "eggs", admin_eggs, N(admin_eggs)},
	{"egg-configurations", "egg configurations", admin_egg_configurations,
	 N(admin_egg_configurations)},
	{"egg-repositories", "egg repositories", admin_egg_repositories,
	 N(admin_egg_repositories)},
	{"database-hosts", "database hosts", admin_database_hosts,
	 N(admin_database_hosts)},
	{"database-agent-hosts", "database agent hosts",
	 admin_database_agent_hosts, N(admin_database_agent_hosts)},
	{"database-agent-templates", "database agent templates",
	 admin_database_agent_templates, N(admin_database_agent_templates)},
	{"oauth-providers", "OAuth providers", admin_oauth_providers,
	 N(admin_oauth_providers)},
	{"mounts", "mounts", admin_mounts, N(admin_mounts)},
	{"activity", "the admin activity log", admin_activity,
	 N(admin_activity)},
};

static const struct perm_def server_control[] = {
	{"read-console", "read the console output"},
	{"console", "send console commands"},
	{"start", "start the server"},
	{"stop", "stop or kill the server"},
	{"restart", "restart the server"},
};
static const struct perm_def server_subusers[] = {
	{"create", "add subusers"},
	{"read", "view subusers"},
	{"update", "change subusers' permissions"},
	{"delete", "remove subusers"},
};
static const struct perm_def server_files[] = {
	{"create", "create files and directories"},
	{"read", "list directories"},
	{"read-content", "read and download file contents"},
	{"update", "modify files"},
	{"delete", "delete files"},
	{"archive", "create and extract archives"},
	{"sftp", "connect over SFTP"},
	{"query-raw", "run raw SQL against SQLite files"},
};
static const struct perm_def server_backups[] = {
	{"create", "create backups"},	  {"read", "view backups"},
	{"download", "download backups"}, {"restore", "restore backups"},
	{"update", "edit backups"},	  {"delete", "delete backups"},
};
static const struct perm_def server_backup_groups[] = {
	{"create", "create backup groups"},
	{"read", "view backup groups"},
	{"update", "edit backup groups"},
	{"delete", "delete backup groups"},
};
static const struct perm_def server_schedules[] = {
	{"create", "create schedules"},
	{"read", "view schedules"},
	{"update", "edit schedules"},
	{"delete", "delete schedules"},
};
static const struct perm_def server_allocations[] = {
	{"read", "view every allocation"},
	{"create", "add allocations"},
	{"update", "change the primary allocation and notes"},
	{"delete", "remove allocations"},
};
static const struct perm_def server_startup[] = {
	{"read", "view startup variables"},
	{"update", "edit startup variables"},
	{"command", "change the startup command"},
	{"docker-image", "change the Docker image"},
};
static const struct perm_def server_databases[] = {
	{"create", "create databases"},
	{"read", "list databases"},
	{"read-password", "see database passwords"},
	{"update", "rotate database passwords"},
	{"recreate", "wipe and recreate databases"},
	{"delete", "delete databases"},
	{"query", "browse rows"},
	{"query-raw", "run raw SQL"},
	{"edit-rows", "edit rows"},
	{"edit-structure", "create and rename tables and columns"},
	{"delete-structure", "drop tables and columns"},
};
static const struct perm_def server_database_instances[] = {
	{"create", "create instances"},
	{"read", "view instances"},
	{"update", "edit instances"},
	{"apply-update", "apply instance updates"},
	{"delete", "delete instances"},
	{"power", "start and stop instances"},
	{"logs", "read instance logs"},
	{"databases", "manage an instance's databases"},
	{"recreate", "recreate instances"},
	{"users", "manage instance users"},
	{"import", "import data"},
	{"export", "export data"},
	{"query", "browse rows"},
	{"query-raw", "run raw SQL"},
	{"edit-rows", "edit rows"},
	{"edit-structure", "create and rename tables and columns"},
	{"delete-structure", "drop tables and columns"},
};
static const struct perm_def server_mounts[] = {
	{"attach", "attach mounts"},
	{"read", "view mounts"},
	{"detach", "detach mounts"},
};
static const struct perm_def server_settings[] = {
	{"rename", "rename and describe the server"},
	{"timezone", "change the time zone"},
	{"auto-kill", "configure auto-kill"},
	{"auto-start", "configure auto-start"},
	{"install", "reinstall the server"},
	{"cancel-install", "cancel an installation"},
};
static const struct perm_def server_activity[] = {
	{"read", "read the server activity log"},
	{"read-ip", "see IP addresses in the activity log"},
};
static const struct perm_group server_groups[] = {
	{"control", "console and power", server_control, N(server_control)},
	{"subusers", "subusers", server_subusers, N(server_subusers)},
	{"files", "files", server_files, N(server_files)},
	{"backups", "backups", server_backups, N(server_backups)},
	{"backup-groups", "backup groups", server_backup_groups,
	 N(server_backup_groups)},
	{"schedules", "schedules", server_schedules, N(server_schedules)},
	{"allocations", "allocations", server_allocations,
	 N(server_allocations)},
	{"startup", "startup", server_startup, N(server_startup)},
	{"databases", "databases", server_databases, N(server_databases)},
	{"database-instances", "database instances", server_database_instances,
	 N(server_database_instances)},
	{"mounts", "mounts", server_mounts, N(server_mounts)},
	{"settings", "server settings", server_settings, N(server_settings)},
	{"activity", "server activity", server_activity, N(server_activity)},
};

static const struct {
	const struct perm_group *groups;
	size_t n;
} families[PERM__MAX] = {
	{user_groups, N(user_groups)},	   /* PERM_USER */
	{admin_groups, N(admin_groups)},   /* PERM_ADMIN */
	{server_groups, N(server_groups)}, /* PERM_SERVER */
};

bool
perm_valid(enum perm_family f, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t glen, i, j;

	if (dot == NULL || (unsigned)f >= PERM__MAX)
		return false;
	glen = (size_t)(dot - name);
	for (i = 0; i < families[f].n; i++) {
		const struct perm_group *g = &families[f].groups[i];

		if (strlen(g->name) != glen ||
		    strncmp(g->name, name, glen) != 0)
			continue;
		for (j = 0; j < g->n; j++)
			if (strcmp(g->perms[j].name, dot + 1) == 0)
				return true;
	}
	return false;
}

size_t
perm_count(enum perm_family f)
{
	size_t i, n = 0;

	for (i = 0; i < families[f].n; i++)
		n += families[f].groups[i].n;
	return n;
}

struct json_object *
perm_map_json(enum perm_family f)
{
	struct json_object *map = json_object_new_object();
	size_t i, j;

	for (i = 0; i < families[f].n; i++) {
		const struct perm_group *g = &families[f].groups[i];
		struct json_object *o = json_object_new_object();
		struct json_object *p = json_object_new_object();

		json_object_object_add(o, "description",
				       json_object_new_string(g->desc));
		for (j = 0; j < g->n; j++)
			json_object_object_add(
				p, g->perms[j].name,
				json_object_new_string(g->perms[j].desc));
		json_object_object_add(o, "permissions", p);
		json_object_object_add(map, g->name, o);
	}
	return map;
}

bool
perm_list_has(const struct perm_list *l, const char *name)
{
	size_t i, n;

	if (l->arr == NULL)
		return false;
	n = json_object_array_length(l->arr);
	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(l->arr, i));

		if (s != NULL && strcmp(s, name) == 0)
			return true;
	}
	return false;
}

bool
perm_list_subset(struct json_object *sub, struct json_object *super,
		 const char **missing)
{
	struct perm_list sup = {super};
	size_t i, n = sub ? json_object_array_length(sub) : 0;

	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(
			json_object_array_get_idx(sub, i));

		if (s == NULL || !perm_list_has(&sup, s)) {
			if (missing != NULL)
				*missing = s ? s : "";
			return false;
		}
	}
	return true;
}
