/* row.c: see row.h. */
#include "autoconf.h"

#include "db.h"
#include "request.h"
#include "response.h"
#include "row.h"

bool
row_one(struct req *req, enum stmt id, const struct db_arg *args, size_t nargs,
	const char *notfound, struct db_res *res)
{
	enum perr e = db_exec(req->db, id, args, nargs, res);

	if (e != PERR_OK) {
		response_fail(req, e);
		return false;
	}
	if (res->nrows == 1)
		return true;
	db_res_free(res);
	response_error(req, 404, notfound);
	return false;
}
