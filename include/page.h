/*
 * page.h: list pagination (contract 1.6): ?page=1&per_page=25&search=...
 */
#ifndef PANEL_PAGE_H
#define PANEL_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "db_stmt.h"

struct req;
struct json_object;
struct db_res;

struct page {
	long long page, per_page;
	const char *search; /* NULL when absent or empty */
};

/* Parses and validates the query; false after setting the 400 response. */
bool page_parse(struct req *req, struct page *out);
/* (page - 1) * per_page, saturated (a huge page is simply empty). */
long long page_offset(const struct page *pg);
/* {"total":..,"per_page":..,"page":..,"data":data}; takes data. */
struct json_object *page_envelope(const struct page *pg, long long total,
				  struct json_object *data);

/*
 * The whole of a paginated list route: parses the query, runs statement id
 * with (owner, search, search, per_page, offset) (its last column must be
 * COUNT(*) OVER ()), turns each row into an object with row_json and
 * answers {"<key>": {"total","per_page","page","data"}}.
 */
typedef struct json_object *(*page_row_fn)(struct req *req,
					   const struct db_res *res,
					   size_t row);
void page_list(struct req *req, enum stmt id, const char *owner,
	       const char *key, page_row_fn row_json);
/* The second half of page_list for statements with other arguments: args
 * has nargs slots, the last two of which (limit, offset) are filled here. */
struct db_arg;
void page_answer(struct req *req, const struct page *pg, enum stmt id,
		 struct db_arg *args, size_t nargs, const char *key,
		 page_row_fn row_json);

#endif
