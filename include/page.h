/*
 * page.h: list pagination (contract 1.6): ?page=1&per_page=25&search=...
 */
#ifndef PANEL_PAGE_H
#define PANEL_PAGE_H

#include <stdbool.h>

struct req;
struct json_object;

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

#endif
