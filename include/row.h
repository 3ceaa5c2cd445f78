/*
 * row.h: the one-row lookups of the routes: a statement that must find
 * exactly one row, else the route's 404 message (or 503/500 when the
 * database fails).
 */
#ifndef PANEL_ROW_H
#define PANEL_ROW_H

#include <stdbool.h>
#include <stddef.h>

#include "db_stmt.h"

struct req;
struct db_arg;
struct db_res;

/* Runs id; true with the row in *res (the caller frees it), else false
 * after answering 404 notfound or the failure. */
bool row_one(struct req *req, enum stmt id, const struct db_arg *args,
	     size_t nargs, const char *notfound, struct db_res *res);

#endif
