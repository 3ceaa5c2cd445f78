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
#ifdef PANEL_TEST_ROUTES
/* handler_test.c: /api/test/... (only with --enable-test-routes) */
extern const struct route_group handler_test_group;
#endif

#endif
