/*
 * pool.h: the process model. Spawned mode serves the listening socket the
 * web server passed on fd 0; serve mode pre-forks workers on a socket of
 * its own and restarts a worker that dies. Both stop gracefully on SIGTERM:
 * requests in flight finish, then the process exits.
 */
#ifndef PANEL_POOL_H
#define PANEL_POOL_H

struct config;

/* Serves fd 0 with cfg->threads threads. Returns the exit status. */
int pool_run_spawned(const struct config *cfg);
/*
 * listen: "unix:PATH" or "HOST:PORT". Returns the exit status once every
 * worker has stopped.
 */
int pool_serve(const struct config *cfg, const char *listen, int processes,
	       int threads);

#endif
