/*
 * test_perm.c: the permission catalogue against the contract's tables
 * (section 6), name validation, the PermissionMap (3.12) and list helpers.
 */
#include "autoconf.h"
#include "tap.h"

#include <stdlib.h>

#include <json-c/json.h>

#include "perm.h"

int main(void);

/*
 * "group: perm perm ..." in the contract's order. The user table is the
 * contract's plus servers.view (the real panel's documented permission,
 * authentication-page.txt), after servers.read.
 */
static const char *const user_table[] = {
	"account: infos email password two-factor avatar",
	"servers: create read view update delete",
	"api-keys: create read update delete recreate",
	"security-keys: create read update delete",
	"ssh-keys: create read update delete",
	"oauth-links: create read delete",
	"command-snippets: create read update delete",
	"sessions: read delete",
	"activity: read",
};
static const char *const admin_table[] = {
	"stats: read",
	"settings: read update",
	"email-templates: read update",
	"extensions: read manage",
	"announcements: create read update delete",
	"assets: read upload delete",
	"users: create read update disable-two-factor delete email activity "
	"oauth-links impersonate",
	"roles: create read update delete",
	"locations: create read update delete database-hosts "
	"database-agent-hosts",
	"backup-configurations: create read update delete backups",
	"system-backup-policies: create read update delete backups",
	"nodes: create read update delete read-token reset-token allocations "
	"mounts database-hosts database-agent-hosts backups power transfers",
	"servers: create read update delete transfer allocations variables "
	"mounts",
	"nests: create read update delete",
	"eggs: create read update delete mounts",
	"egg-configurations: create read update delete",
	"egg-repositories: create read update delete sync",
	"database-hosts: create read update delete test",
	"database-agent-hosts: create read update delete read-token "
	"reset-token test",
	"database-agent-templates: create read update delete",
	"oauth-providers: create read update delete",
	"mounts: create read update delete",
	"activity: read",
};
static const char *const server_table[] = {
	"control: read-console console start stop restart",
	"subusers: create read update delete",
	"files: create read read-content update delete archive sftp query-raw",
	"backups: create read download restore update delete",
	"backup-groups: create read update delete",
	"schedules: create read update delete",
	"allocations: read create update delete",
	"startup: read update command docker-image",
	"databases: create read read-password update recreate delete query "
	"query-raw edit-rows edit-structure delete-structure",
	"database-instances: create read update apply-update delete power "
	"logs databases recreate users import export query query-raw "
	"edit-rows edit-structure delete-structure",
	"mounts: attach read detach",
	"settings: rename timezone auto-kill auto-start install "
	"cancel-install",
	"activity: read read-ip",
};

static const struct {
	const char *name;
	enum perm_family f;
	const char *const *table;
	size_t ngroups, nperms;
} fams[] = {
	{"user", PERM_USER, user_table,
	 sizeof(user_table) / sizeof(user_table[0]), 33},
	{"admin", PERM_ADMIN, admin_table,
	 sizeof(admin_table) / sizeof(admin_table[0]), 107},
	{"server", PERM_SERVER, server_table,
	 sizeof(server_table) / sizeof(server_table[0]), 78},
};
#define NFAMS (sizeof(fams) / sizeof(fams[0]))

/*
 * The table line "group: a b c" as "group" and "a b c" (the permissions
 * space-separated), in static buffers.
 */
static void
split_line(const char *line, char group[64], char perms[512])
{
	const char *colon = strchr(line, ':');

	snprintf(group, 64, "%.*s", (int)(colon - line), line);
	snprintf(perms, 512, "%s", colon + 2);
}

/* "a b c" as the JSON object's keys in order. */
static void
keys_of(struct json_object *o, char out[512])
{
	size_t n = 0;

	out[0] = '\0';
	json_object_object_foreach(o, k, v)
	{
		(void)v;
		n += (size_t)snprintf(out + n, 512 - n, "%s%s", n ? " " : "",
				      k);
		if (n >= 512)
			break;
	}
}

static void
test_count(void)
{
	size_t i, j;

	for (i = 0; i < NFAMS; i++) {
		size_t n = 0;

		CHECK(perm_count(fams[i].f) == fams[i].nperms,
		      "perm_count(%s) == %zu: %zu", fams[i].name,
		      fams[i].nperms, perm_count(fams[i].f));
		/* the tables above add up to the same totals */
		for (j = 0; j < fams[i].ngroups; j++) {
			const char *p = strchr(fams[i].table[j], ':') + 2;

			for (n++; *p != '\0'; p++)
				n += *p == ' ';
		}
		CHECK(n == fams[i].nperms, "%s table holds %zu permissions",
		      fams[i].name, n);
	}
	CHECK(fams[1].ngroups == 23 && fams[2].ngroups == 13 &&
		      fams[0].ngroups == 9,
	      "9, 23 and 13 groups");
}

/* Every permission of every table is valid in its family. */
static void
test_valid_tables(void)
{
	char group[64], perms[512], name[600];
	size_t i, j, n, bad;

	for (i = 0; i < NFAMS; i++) {
		n = bad = 0;
		for (j = 0; j < fams[i].ngroups; j++) {
			char *p, *save = NULL;

			split_line(fams[i].table[j], group, perms);
			for (p = strtok_r(perms, " ", &save); p != NULL;
			     p = strtok_r(NULL, " ", &save)) {
				snprintf(name, sizeof(name), "%s.%s", group, p);
				n++;
				if (!perm_valid(fams[i].f, name)) {
					bad++;
					CHECK(false, "%s: %s valid",
					      fams[i].name, name);
				}
			}
		}
		CHECK(bad == 0 && n == fams[i].nperms,
		      "all %zu %s permissions of the contract valid (%zu not)",
		      n, fams[i].name, bad);
	}
}

static void
test_valid(void)
{
	static const struct {
		enum perm_family f;
		const char *name;
		bool ok;
	} cases[] = {
		{PERM_USER, "account.infos", true},
		{PERM_USER, "servers.view", true},
		{PERM_USER, "servers.read", true},
		{PERM_USER, "api-keys.recreate", true},
		{PERM_USER, "command-snippets.delete", true},
		{PERM_USER, "activity.read", true},
		{PERM_ADMIN, "stats.read", true},
		{PERM_ADMIN, "users.disable-two-factor", true},
		{PERM_ADMIN, "nodes.read-token", true},
		{PERM_ADMIN, "database-agent-hosts.reset-token", true},
		{PERM_ADMIN, "servers.view", false},
		{PERM_ADMIN, "activity.read", true},
		{PERM_SERVER, "control.read-console", true},
		{PERM_SERVER, "database-instances.query-raw", true},
		{PERM_SERVER, "files.sftp", true},
		{PERM_SERVER, "activity.read-ip", true},
		/* malformed */
		{PERM_USER, "", false},
		{PERM_USER, "account", false},
		{PERM_ADMIN, "users", false},
		{PERM_ADMIN, "users.", false},
		{PERM_ADMIN, ".read", false},
		{PERM_ADMIN, ".", false},
		{PERM_ADMIN, "users.read.x", false},
		{PERM_ADMIN, "users..read", false},
		{PERM_ADMIN, "users.read.", false},
		{PERM_ADMIN, "USERS.READ", false},
		{PERM_ADMIN, "Users.read", false},
		{PERM_ADMIN, "users.Read", false},
		{PERM_ADMIN, " users.read", false},
		{PERM_ADMIN, "users.read ", false},
		{PERM_ADMIN, "users.rea", false},
		{PERM_ADMIN, "users.reads", false},
		{PERM_ADMIN, "user.read", false},
		{PERM_ADMIN, "userss.read", false},
		{PERM_ADMIN, "users*read", false},
		{PERM_ADMIN, "users.*", false},
		{PERM_ADMIN, "*", false},
		{PERM_SERVER, "control.read-console-x", false},
		{PERM_SERVER, "control.read_console", false},
		/* cross-family */
		{PERM_USER, "users.read", false},
		{PERM_USER, "nodes.read-token", false},
		{PERM_USER, "control.start", false},
		{PERM_ADMIN, "account.infos", false},
		{PERM_ADMIN, "control.start", false},
		{PERM_ADMIN, "api-keys.create", false},
		{PERM_SERVER, "account.infos", false},
		{PERM_SERVER, "users.read", false},
		{PERM_SERVER, "servers.read", false},
		{PERM_SERVER, "stats.read", false},
		{PERM_SERVER, "mounts.create", false},
		{PERM_ADMIN, "mounts.attach", false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(perm_valid(cases[i].f, cases[i].name) == cases[i].ok,
		      "perm_valid(%s, \"%s\") == %d", fams[cases[i].f].name,
		      cases[i].name, cases[i].ok);
	CHECK(!perm_valid(PERM__MAX, "users.read"),
	      "perm_valid(PERM__MAX) is false");
}

static void
test_map(void)
{
	char group[64], perms[512], got[512];
	size_t i;

	for (i = 0; i < NFAMS; i++) {
		struct json_object *map = perm_map_json(fams[i].f);
		size_t j = 0, nodesc = 0, nperms = 0, shape = 0;

		CHECK(map != NULL && json_object_is_type(map, json_type_object),
		      "%s map is an object", fams[i].name);
		CHECK((size_t)json_object_object_length(map) == fams[i].ngroups,
		      "%s map has %zu groups: %d", fams[i].name,
		      fams[i].ngroups, json_object_object_length(map));
		json_object_object_foreach(map, gname, g)
		{
			struct json_object *d = NULL, *p = NULL;

			if (j < fams[i].ngroups) {
				split_line(fams[i].table[j], group, perms);
				CHECK_STR(gname, group,
					  "group in contract order");
			}
			j++;
			if (!json_object_is_type(g, json_type_object) ||
			    json_object_object_length(g) != 2 ||
			    !json_object_object_get_ex(g, "description", &d) ||
			    !json_object_object_get_ex(g, "permissions", &p) ||
			    !json_object_is_type(d, json_type_string) ||
			    !json_object_is_type(p, json_type_object)) {
				shape++;
				continue;
			}
			if (json_object_get_string_len(d) == 0)
				nodesc++;
			keys_of(p, got);
			if (j <= fams[i].ngroups)
				CHECK_STR(got, perms, gname);
			json_object_object_foreach(p, pname, pd)
			{
				(void)pname;
				nperms++;
				if (!json_object_is_type(pd,
							 json_type_string) ||
				    json_object_get_string_len(pd) == 0)
					nodesc++;
			}
		}
		CHECK(shape == 0,
		      "%s: every group is {description, permissions} (%zu not)",
		      fams[i].name, shape);
		CHECK(nodesc == 0,
		      "%s: every group and permission has a description (%zu "
		      "not)",
		      fams[i].name, nodesc);
		CHECK(nperms == fams[i].nperms, "%s map lists %zu permissions",
		      fams[i].name, nperms);
		json_object_put(map);
	}
}

static struct json_object *
arr(const char *json)
{
	struct json_object *o = json_tokener_parse(json);

	if (o == NULL || !json_object_is_type(o, json_type_array)) {
		printf("Bail out! bad test JSON %s\n", json);
		exit(1);
	}
	return o;
}

static void
test_lists(void)
{
	static const struct {
		const char *sub, *super; /* NULL: a NULL object */
		bool ok;
		const char *missing;
	} cases[] = {
		{"[]", "[]", true, NULL},
		{"[]", "[\"a.b\"]", true, NULL},
		{"[]", NULL, true, NULL},
		{NULL, NULL, true, NULL},
		{NULL, "[\"a.b\"]", true, NULL},
		{"[\"a.b\"]", "[]", false, "a.b"},
		{"[\"a.b\"]", NULL, false, "a.b"},
		{"[\"a.b\"]", "[\"a.b\"]", true, NULL},
		{"[\"a.b\",\"c.d\"]", "[\"c.d\",\"x.y\",\"a.b\"]", true, NULL},
		{"[\"a.b\",\"a.b\"]", "[\"a.b\"]", true, NULL},
		{"[\"a.b\",\"c.d\",\"e.f\"]", "[\"a.b\"]", false, "c.d"},
		{"[\"c.d\",\"a.b\"]", "[\"a.b\"]", false, "c.d"},
		{"[\"a.b\",\"e.f\"]", "[\"a.b\",\"c.d\"]", false, "e.f"},
		{"[\"A.B\"]", "[\"a.b\"]", false, "A.B"},
		{"[\"a.b\"]", "[\"a.bc\",\"a.\"]", false, "a.b"},
		{"[null]", "[\"a.b\"]", false, ""},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *sub =
			cases[i].sub ? arr(cases[i].sub) : NULL;
		struct json_object *sup =
			cases[i].super ? arr(cases[i].super) : NULL;
		const char *missing = "(unset)";
		bool ok = perm_list_subset(sub, sup, &missing);

		CHECK(ok == cases[i].ok, "subset(%s, %s) == %d",
		      cases[i].sub ? cases[i].sub : "NULL",
		      cases[i].super ? cases[i].super : "NULL", cases[i].ok);
		if (!cases[i].ok)
			CHECK_STR(missing, cases[i].missing,
				  "missing reported");
		else
			CHECK_STR(missing, "(unset)", "missing left alone");
		CHECK(perm_list_subset(sub, sup, NULL) == cases[i].ok,
		      "subset with missing NULL");
		json_object_put(sub);
		json_object_put(sup);
	}
	{
		struct json_object *a = arr("[\"users.read\",\"nodes.read\"]");
		struct perm_list l = {a}, empty = {NULL};

		CHECK(perm_list_has(&l, "users.read"), "has first");
		CHECK(perm_list_has(&l, "nodes.read"), "has last");
		CHECK(!perm_list_has(&l, "users.rea"), "no prefix match");
		CHECK(!perm_list_has(&l, "users.read "), "no longer match");
		CHECK(!perm_list_has(&l, "USERS.READ"), "case-sensitive");
		CHECK(!perm_list_has(&l, ""), "not the empty name");
		CHECK(!perm_list_has(&empty, "users.read"),
		      "NULL list is empty");
		json_object_put(a);
	}
}

int
main(void)
{
	test_count();
	test_valid_tables();
	test_valid();
	test_map();
	test_lists();
	return tap_done();
}
