/*
 * perm.h: the permission catalogue (contract 6) and the three checks of
 * contract 2.12 over an authenticated principal.
 */
#ifndef PANEL_PERM_H
#define PANEL_PERM_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum perm_family { PERM_USER, PERM_ADMIN, PERM_SERVER, PERM__MAX };

/* True when name ("group.permission") is in the family's catalogue. */
bool perm_valid(enum perm_family f, const char *name);
/* The PermissionMap (contract 3.12) of a family, a new object. */
struct json_object *perm_map_json(enum perm_family f);
/* Number of permissions in a family (for tests). */
size_t perm_count(enum perm_family f);

/* A list of permission names, borrowed from a JSON array. */
struct perm_list {
	struct json_object *arr; /* json array of strings, or NULL = empty */
};

bool perm_list_has(const struct perm_list *l, const char *name);
/* True when every entry of sub is in super; *missing names the first
 * that is not (borrowed). */
bool perm_list_subset(struct json_object *sub, struct json_object *super,
		      const char **missing);

#endif
