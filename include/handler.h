/*
 * handler.h: the route groups, one per handler_<group>.c file. router.c
 * lists them; each file owns its rows.
 */
#ifndef PANEL_HANDLER_H
#define PANEL_HANDLER_H

#include "router.h"

/* handler_public.c: /api/settings, /api/languages, /api/announcements,
 * /api/auth/oauth */
extern const struct route_group handler_public_group;
/* handler_auth.c: POST /api/auth/login */
extern const struct route_group handler_auth_group;
/* handler_account.c: /api/client/account, logout, sessions, permissions */
extern const struct route_group handler_account_group;
/* handler_keys.c: /api/client/account/api-keys */
extern const struct route_group handler_keys_group;
/* handler_twofactor.c: two-factor setup/enable/disable, login checkpoint */
extern const struct route_group handler_twofactor_group;
/* handler_servers.c: /api/client/servers */
extern const struct route_group handler_servers_group;
/* -- group users -- */
/* handler_admin_users.c: /api/admin/users (contract 8.1, extra 5.1) */
extern const struct route_group handler_admin_users_group;
/* handler_admin_roles.c: /api/admin/roles (contract 8.2) */
extern const struct route_group handler_admin_roles_group;

/* -- group nodes -- */
/* handler_admin_locations.c: /api/admin/locations */
extern const struct route_group handler_admin_locations_group;
/* handler_admin_nodes.c: /api/admin/nodes, tokens */
extern const struct route_group handler_admin_nodes_group;
/* handler_admin_allocations.c: /api/admin/nodes/{node}/allocations */
extern const struct route_group handler_admin_allocations_group;

/* -- group nests -- */
/* handler_admin_nests.c: /api/admin/nests, /api/admin/nests/eggs */
extern const struct route_group handler_admin_nests_group;
/* handler_admin_eggs.c: /api/admin/nests/{nest}/eggs */
extern const struct route_group handler_admin_eggs_group;
/* handler_admin_egg_vars.c: .../eggs/{egg}/variables */
extern const struct route_group handler_admin_egg_vars_group;

/* -- group settings -- */
/* handler_admin_settings.c: GET/PUT /api/admin/settings */
extern const struct route_group handler_admin_settings_group;
/* handler_groups.c: /api/client/servers/groups */
extern const struct route_group handler_groups_group;
/* handler_snippets.c: /api/client/account/command-snippets */
extern const struct route_group handler_snippets_group;

/* -- group servers -- */
/* handler_subusers.c: /api/client/servers/{server}/subusers */
extern const struct route_group handler_subusers_group;
/* handler_admin_servers.c: /api/admin/servers */
extern const struct route_group handler_admin_servers_group;

#ifdef PANEL_TEST_ROUTES
/* handler_test.c: /api/test/... (only with --enable-test-routes) */
extern const struct route_group handler_test_group;
#endif

#endif
